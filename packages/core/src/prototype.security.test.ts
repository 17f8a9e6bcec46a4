/**
 * Prototype pollution: `__proto__`, `constructor` and `prototype` keys (as `JSON.parse` makes them:
 * own properties) in event data, contents items, custom extra data, user input, wire input and GA4
 * params never change `Object.prototype`, and never turn into a prototype of what core returns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOW } from './__fixtures__/events.js';
import { buildEvent, buildEventWithoutUser } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { fromGa4 } from './ga4.js';
import { hashUser } from './user.js';
import { validateEvent } from './validate.js';
import { eventInputFromWire, userInputFromWire } from './wire-input.js';
import type { EventInput } from './types.js';

const POISON = '{"polluted": "yes", "isAdmin": true}';
/** An object with own `__proto__`, `constructor` and `prototype` keys, as JSON.parse makes it. */
const poisoned = (extra = '') => JSON.parse(`{${extra}"__proto__": ${POISON}, "constructor": {"prototype": ${POISON}}, "prototype": ${POISON}}`) as Record<string, unknown>;

function expectClean(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

/** Every object in `value` has a plain prototype (or none); none inherits the poison. */
function expectNoPoisonedPrototype(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const proto: unknown = Object.getPrototypeOf(value);
  expect([Object.prototype, Array.prototype, null]).toContain(proto);
  expect((value as Record<string, unknown>).polluted).toBe(Object.hasOwn(value, 'polluted') ? (value as Record<string, unknown>).polluted : undefined);
  for (const key of Object.keys(value)) expectNoPoisonedPrototype((value as Record<string, unknown>)[key]);
}

function attempt<T>(fn: () => T): T | CapiValidationError {
  try {
    return fn();
  } catch (error) {
    if (!CapiValidationError.isInstance(error)) throw error;
    return error;
  }
}

afterEach(expectClean);

const base = { id: 'e1', timestamp: NOW, sourceUrl: 'https://shop.example/' };

describe('prototype pollution through core', () => {
  it('custom extra data keeps __proto__/constructor/prototype as plain own data keys', () => {
    const data = poisoned('"step": 2, ');
    const event = buildEvent({ ...base, type: 'custom', customEventName: 'quiz', data } as EventInput, { now: NOW });
    expectNoPoisonedPrototype(event);
    expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
    expect(Object.hasOwn(event.data, '__proto__')).toBe(true); // carried as data, not as a prototype
    expect(validateEvent(event, { now: NOW }).ok).toBe(true);
    expect(JSON.parse(JSON.stringify(event)).data.step).toBe(2);
  });

  it('standard event data and contents items reject the keys as unknown fields', () => {
    const item = poisoned('"id": "sku", ');
    const result = attempt(() => buildEvent({ ...base, type: 'order_created', data: { ...poisoned(), contents: [item] } } as unknown as EventInput, { now: NOW }));
    expect(CapiValidationError.isInstance(result)).toBe(true);
    const paths = (result as CapiValidationError).issues.filter((i) => i.code === 'unknown_field').map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['data.__proto__', 'data.constructor', 'data.prototype', 'data.contents[0].__proto__']));
  });

  it('variant_dict, top-level input and the browser builder do not pollute', () => {
    attempt(() => buildEventWithoutUser({ ...poisoned(), ...base, type: 'page_viewed' } as unknown as EventInput, { now: NOW }));
    const r = attempt(() => buildEvent({ ...base, type: 'page_viewed', data: { contents: [{ id: 'a', variantDict: poisoned() }] } } as unknown as EventInput, { now: NOW }));
    if (!CapiValidationError.isInstance(r)) expectNoPoisonedPrototype(r);
  });

  it('user input: hashUser reports the keys and builds nothing from them', () => {
    const result = attempt(() => hashUser(poisoned('"email": "a@example.com", ') as never));
    expect(CapiValidationError.isInstance(result)).toBe(true);
    expect((result as CapiValidationError).issues.map((i) => i.path)).toEqual(['user.__proto__', 'user.constructor', 'user.prototype']);
  });

  it('wire input: eventInputFromWire and userInputFromWire keep the keys inert', () => {
    const wire = { id: 'e1', type: 'custom', custom_event_name: 'quiz', timestamp_ms: NOW, source_url: 'https://shop.example/', data: { type: 'custom', ...poisoned() } };
    const input = eventInputFromWire(JSON.parse(JSON.stringify(wire)));
    expectNoPoisonedPrototype(input);
    expect(attempt(() => eventInputFromWire(poisoned('"id": "x", ')))).toBeInstanceOf(Error);
    const user = userInputFromWire(poisoned('"emails_sha256": [], '));
    expect(Object.getPrototypeOf(user)).toBe(Object.prototype);
    expect((user as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('GA4 params and items: the keys are ignored, never copied', () => {
    const params = { ...poisoned('"value": 1, "currency": "USD", "coupon": "x", '), items: [poisoned('"item_id": "a", "price": 1, ')] };
    for (const name of ['purchase', 'quiz_done']) {
      const input = fromGa4(name, JSON.parse(JSON.stringify(params)));
      expectNoPoisonedPrototype(input);
      expect(Object.keys(input.data ?? {})).not.toEqual(expect.arrayContaining(['__proto__']));
      for (const key of ['__proto__', 'constructor', 'prototype']) expect(Object.hasOwn(input.data ?? {}, key)).toBe(false);
      expect(input.data?.contents?.[0]).toEqual({ id: 'a', contentType: 'product', value: 1 });
      const event = buildEvent({ ...input, ...base } as EventInput, { now: NOW });
      expectNoPoisonedPrototype(event);
    }
  });
});
