/**
 * The key rules (unknown and forbidden fields) of events, data and items, checked against a model
 * of them (the own keys `Object.keys` lists, in its order) over sequences of objects of every kind:
 * the validators remember the key list that last passed and compare the next object's `for…in`
 * keys with it, so the objects come in random orders and shapes, with inherited enumerable keys,
 * without a prototype, from another realm, as class instances and as proxies.
 */
import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { NOW, order } from './__fixtures__/events.js';
import { validateEvent } from './validate.js';

const EVENT_KEYS = ['id', 'type', 'timestamp_ms', 'custom_event_name', 'oppref', 'source_url', 'action_source', 'opt_out', 'user', 'data'];
const DATA_KEYS = ['type', 'amount', 'currency', 'contents', 'plan_id'];
const ITEM_KEYS = ['id', 'group_id', 'name', 'content_type', 'quantity', 'amount', 'currency', 'variant_dict'];
const TYPES = { order_created: 'contents', lead_created: 'customer_action', subscription_created: 'plan_enrollment', custom: 'custom' } as const;
type Shape = (typeof TYPES)[keyof typeof TYPES];

class Plain {}

/** How an object with the given own entries is made. */
const KINDS = {
  literal: (entries: [string, unknown][]) => Object.fromEntries(entries),
  inherits: (entries: [string, unknown][], inherited: [string, unknown][]) => Object.assign(Object.create(Object.fromEntries(inherited)), Object.fromEntries(entries)),
  nullProto: (entries: [string, unknown][]) => Object.assign(Object.create(null), Object.fromEntries(entries)),
  otherRealm: (entries: [string, unknown][]) => Object.assign(runInNewContext('({})'), Object.fromEntries(entries)),
  instance: (entries: [string, unknown][]) => Object.assign(new Plain(), Object.fromEntries(entries)),
  proxy: (entries: [string, unknown][]) => new Proxy(Object.fromEntries(entries), {}),
  proxyNoProto: (entries: [string, unknown][]) =>
    new Proxy(Object.fromEntries(entries), {
      getPrototypeOf: () => {
        throw new Error('no prototype');
      },
    }),
};

type Kind = keyof typeof KINDS;
/** How to make one object: its kind, own keys (in order) and inherited enumerable keys. */
interface Spec {
  kind: Kind;
  own: string[];
  inherited: string[];
}

/** A spec of an object with keys from `known` and `unknown` (made in the property: fast-check prints specs). */
const specOf = (known: string[], unknown: string[]) =>
  fc.record({
    kind: fc.constantFrom(...(Object.keys(KINDS) as Kind[])),
    own: fc.uniqueArray(fc.constantFrom(...known, ...unknown), { maxLength: known.length + 1 }),
    inherited: fc.uniqueArray(fc.constantFrom(...known, ...unknown), { maxLength: 2 }),
  });

const make = (spec: Spec, value: (key: string) => unknown) =>
  KINDS[spec.kind](
    spec.own.map((key) => [key, value(key)]),
    spec.inherited.map((key) => [key, value(key)]),
  ) as Record<string, unknown>;

const itemValue = (key: string) => (key === 'quantity' ? 1 : key === 'amount' ? 100 : key === 'currency' ? 'USD' : key === 'variant_dict' ? {} : 'x');
const event = fc.record({
  type: fc.constantFrom(...(Object.keys(TYPES) as (keyof typeof TYPES)[])),
  items: fc.array(specOf(ITEM_KEYS, ['sku', 'price']), { maxLength: 2 }),
  data: specOf(DATA_KEYS, ['value', 'order_id']),
  event: specOf(EVENT_KEYS, ['sourceUrl', 'x']),
});

/** The event a generated spec describes, and the key issues of the model for it. */
function eventOf(e: { type: keyof typeof TYPES; items: Spec[]; data: Spec; event: Spec }): { event: Record<string, unknown>; expected: string[] } {
  const base = order();
  const contents = e.items.map((i) => make(i, itemValue));
  const data = make(e.data, (key) =>
    key === 'type' ? TYPES[e.type] : key === 'contents' ? contents : key === 'amount' ? 100 : key === 'currency' ? 'USD' : key === 'plan_id' ? 'p' : 1,
  );
  const event = make(e.event, (key) =>
    key === 'type' ? e.type : key === 'data' ? data : key === 'custom_event_name' ? (e.type === 'custom' ? 'my_event' : undefined) : key === 'user' ? undefined : base[key],
  );
  // The model: own keys in `Object.keys` order; fields read as the validators read them (inherited too).
  const expected = e.event.own.filter((key) => !EVENT_KEYS.includes(key)).map((key) => `${key}:unknown_field`);
  if (event.data === undefined) return { event, expected };
  const type = event.type as string | undefined;
  const shape: Shape = type !== undefined && Object.hasOwn(TYPES, type) ? TYPES[type as keyof typeof TYPES] : (data.type as Shape | undefined) ?? 'custom';
  for (const key of e.data.own) {
    if (isForbidden(key, shape)) expected.push(`data.${key}:forbidden_field`);
    else if (!DATA_KEYS.includes(key) && shape !== 'custom') expected.push(`data.${key}:unknown_field`);
  }
  if (data.contents === undefined || isForbidden('contents', shape)) return { event, expected };
  e.items.forEach((i, n) => {
    for (const key of i.own) if (!ITEM_KEYS.includes(key)) expected.push(`data.contents[${n}].${key}:unknown_field`);
  });
  return { event, expected };
}

function isForbidden(key: string, shape: Shape): boolean {
  return key === 'contents' ? shape === 'customer_action' : key === 'plan_id' && (shape === 'contents' || shape === 'customer_action');
}

describe('key rules (properties)', () => {
  // ~2 s alone (1 500 runs, in both core projects): a limit of its own, not the 5 s default, on a busy CI machine.
  it('report exactly the unknown and forbidden own keys, in order, whatever objects came before', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), (events) => {
        for (const e of events) {
          const { event, expected } = eventOf(e);
          const result = validateEvent(event, { now: NOW, strict: true });
          const issues = result.ok ? [] : result.issues;
          const keyIssues = issues.filter((i) => i.code === 'unknown_field' || i.code === 'forbidden_field').map((i) => `${i.path}:${i.code}`);
          expect(keyIssues).toEqual(expected);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
