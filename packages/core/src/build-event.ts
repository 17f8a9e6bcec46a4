/** Friendly camelCase {@link EventInput} → validated wire event (spec §3–§6). */
import { CapiError, CapiValidationError } from './errors.js';
import { createEventId, deriveEventId } from './ids.js';
import { toMinorUnits } from './money.js';
import { dataShapeOf, isEventType } from './schema.js';
import { hashUser, type HashUserOptions } from './user.js';
import { addIssue, isObject, type Obj } from './validate-common.js';
import { isCustomEventName, validateEvent } from './validate-event.js';
import type { ClockOptions, EventInput, Hasher, Issue, UserInput, WireEvent } from './types.js';

/** Options of {@link buildEvent}. */
export interface BuildEventOptions extends ClockOptions {
  /** SHA-256 implementation used to hash `user` (default: the SDK's `sha256Hex`). */
  hasher?: Hasher;
}

const INPUT_KEYS = new Set([
  'type', 'id', 'key', 'timestamp', 'customEventName', 'oppref', 'sourceUrl',
  'keepSourceUrlQuery', 'actionSource', 'optOut', 'user', 'data',
]);
const DATA_KEYS = new Set(['type', 'value', 'amount', 'currency', 'contents', 'planId']);
/** Friendly item key → wire key, in wire order; money and `variantDict` are handled apart. */
const ITEM_FIELDS = [['id', 'id'], ['groupId', 'group_id'], ['name', 'name'], ['contentType', 'content_type'], ['quantity', 'quantity']] as const;
const ITEM_KEYS = new Set(['id', 'groupId', 'name', 'contentType', 'quantity', 'value', 'amount', 'currency', 'variantDict']);
const QUERY_AND_FRAGMENT = /[?#][\s\S]*/;

/**
 * Builds a wire event from friendly input and validates it as of `now`:
 * - `id` is `input.id`, else `deriveEventId(type, key)` (the custom name for custom events) when
 *   `key` is given, else a random `createEventId()`;
 * - `timestamp` (`Date` or Unix ms, default now) → `timestamp_ms`; `actionSource` defaults to `web`;
 * - `sourceUrl` loses its query and fragment unless `keepSourceUrlQuery`;
 * - money, in `data` and in each item, is `value` (major units, converted exactly with
 *   `toMinorUnits`; items fall back on the event currency) or `amount` (integer minor units), never
 *   both; currencies are uppercased;
 * - `data.type` is filled in from the event type; `planId`, `groupId`, `contentType`, `variantDict`
 *   become snake_case; extra data keys pass unchanged on custom events only;
 * - `user` is hashed with `hashUser` (an empty result is omitted).
 *
 * Issue paths name the input field when the problem is in the input (`sourceURL`, `data.value`,
 * `user.email[0]`) and the wire field when the built event breaks a wire rule (`timestamp_ms`).
 *
 * @throws CapiValidationError listing every issue found; never anything else
 */
export function buildEvent(input: EventInput, options?: BuildEventOptions): WireEvent {
  const issues: Issue[] = [];
  const now = options?.now ?? Date.now();
  let event: Obj | undefined;
  if (!isObject(input)) addIssue(issues, '', 'invalid_type', 'input must be an object');
  else {
    try {
      event = assemble(input, now, options?.hasher, issues);
      const result = validateEvent(event, { now });
      if (!result.ok) issues.push(...result.issues);
    } catch {
      addIssue(issues, '', 'unreadable', 'input could not be read');
    }
  }
  if (issues.length > 0 || event === undefined) throw new CapiValidationError(unique(issues));
  return event as unknown as WireEvent;
}

function assemble(input: Obj, now: number, hasher: Hasher | undefined, issues: Issue[]): Obj {
  for (const key of Object.keys(input)) {
    if (!INPUT_KEYS.has(key)) addIssue(issues, key, 'unknown_field', 'is not an event input field');
  }
  const { type, customEventName: name, timestamp, sourceUrl, keepSourceUrlQuery: keep } = input;
  const event: Obj = { id: eventId(input, issues), type };
  if (name !== undefined) event.custom_event_name = name;
  event.timestamp_ms = timestamp === undefined ? now : timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (input.oppref !== undefined) event.oppref = input.oppref;
  if (keep !== undefined && typeof keep !== 'boolean') addIssue(issues, 'keepSourceUrlQuery', 'invalid_type', 'must be a boolean');
  if (sourceUrl !== undefined) {
    event.source_url = typeof sourceUrl === 'string' && keep !== true ? sourceUrl.replace(QUERY_AND_FRAGMENT, '') : sourceUrl;
  }
  event.action_source = input.actionSource ?? 'web';
  if (input.optOut !== undefined) event.opt_out = input.optOut;
  if (input.user !== undefined) {
    const hashOptions: HashUserOptions = hasher === undefined ? {} : { hasher };
    const user = attempt(issues, 'user', () => hashUser(input.user as UserInput, hashOptions));
    if (user !== undefined && Object.keys(user).length > 0) event.user = user;
  }
  event.data = buildData(input.data, isEventType(type) ? dataShapeOf(type) : undefined, issues);
  return event;
}

// After a recorded failure the id is a placeholder: the event is rejected with that issue anyway.
function eventId(input: Obj, issues: Issue[]): unknown {
  if (input.id !== undefined) return input.id;
  if (input.key === undefined) return attempt(issues, 'id', createEventId) ?? '-';
  const { type, customEventName: name } = input;
  const eventName = type === 'custom' ? name : type;
  const valid = type === 'custom' ? isCustomEventName(name) : isEventType(type);
  // With an invalid name the event fails anyway (validateEvent reports the name); still check the key.
  return attempt(issues, 'key', () => deriveEventId(valid ? (eventName as string) : 'x', input.key as string)) ?? '-';
}

function buildData(data: unknown, shape: string | undefined, issues: Issue[]): unknown {
  if (data === undefined) return { type: shape ?? 'custom' };
  if (!isObject(data)) return data;
  if (shape !== undefined && data.type !== undefined && data.type !== shape) {
    addIssue(issues, 'data.type', 'shape_mismatch', `must be "${shape}" for this event type`);
  }
  const out: Obj = { type: shape ?? data.type ?? 'custom' };
  money(data, out, 'data.', issues, undefined);
  const { contents, planId } = data;
  if (contents !== undefined) {
    out.contents = Array.isArray(contents)
      ? contents.map((item: unknown, i) => buildItem(item, `data.contents[${i}].`, issues, out.currency))
      : contents;
  }
  if (planId !== undefined) out.plan_id = planId;
  for (const key of Object.keys(data)) {
    if (DATA_KEYS.has(key)) continue;
    if (shape === 'custom') setOwn(out, key, data[key]);
    else addIssue(issues, 'data.' + key, 'unknown_field', 'is not a data input field (extra keys: custom events only)');
  }
  return out;
}

function buildItem(item: unknown, prefix: string, issues: Issue[], currency: unknown): unknown {
  if (!isObject(item)) return item;
  for (const key of Object.keys(item)) {
    if (!ITEM_KEYS.has(key)) addIssue(issues, prefix + key, 'unknown_field', 'is not a contents item input field');
  }
  const out: Obj = {};
  for (const [from, to] of ITEM_FIELDS) if (item[from] !== undefined) out[to] = item[from];
  money(item, out, prefix, issues, currency);
  if (item.variantDict !== undefined) out.variant_dict = item.variantDict;
  return out;
}

/** `value` (major units) or `amount` (minor units) of `src` → `out.amount`; currency uppercased. */
function money(src: Obj, out: Obj, prefix: string, issues: Issue[], fallback: unknown): void {
  const { value, amount } = src;
  const currency = typeof src.currency === 'string' ? src.currency.toUpperCase() : src.currency;
  if (value === undefined || amount !== undefined) {
    if (value !== undefined) addIssue(issues, prefix + 'value', 'conflict', 'must not be given together with amount');
    if (amount !== undefined) out.amount = amount;
  } else if (currency === undefined && fallback === undefined) {
    addIssue(issues, prefix + 'currency', 'required', 'is required with value');
  } else {
    const code = (currency ?? fallback) as string;
    const currencyPath = currency === undefined ? 'data.currency' : prefix + 'currency';
    const minor = attempt(issues, prefix + 'value', () => toMinorUnits(value as number | string, code, prefix + 'value', currencyPath));
    if (minor !== undefined) out.amount = minor;
  }
  if (currency !== undefined) out.currency = currency;
}

/** Runs `step`; a thrown error becomes issues (its own for a validation error, else one at `path`). */
function attempt<T>(issues: Issue[], path: string, step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (CapiValidationError.isInstance(error)) issues.push(...error.issues);
    else addIssue(issues, path, 'failed', CapiError.isInstance(error) ? `failed: ${error.message}` : 'could not be processed');
    return undefined;
  }
}

/** Sets an own property even for the key `__proto__` (which `out[key] = v` would not). */
function setOwn(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function unique(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path + '\n' + i.code) && !!seen.add(i.path + '\n' + i.code));
}
