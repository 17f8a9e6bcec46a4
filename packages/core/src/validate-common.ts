/** Small helpers shared by the validators: the checks used at several levels. */
import { isKnownCurrency } from './currency.js';
import { addIssue } from './errors.js';
import type { Issue } from './types.js';

/** A plain-ish object whose own keys we read. */
export type Obj = Record<string, unknown>;

/** The rule of one field: appends an issue to `issues` when `value` (present) breaks it. */
export type Check = (value: unknown, path: string, issues: Issue[]) => void;

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True for a plain object (any realm): the only kind of object a wire field may be. A `Date`, a
 * `Map` or a class with `toJSON` passes `isObject` but would be sent as a string or `{}`.
 */
export function isPlainObject(value: unknown): value is Obj {
  return isObject(value) && isPlainContainer(value);
}

// A surrogate pair, or a surrogate without its pair. No lookbehind: older Safari cannot parse it.
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/**
 * `text` with every lone surrogate (half of a UTF-16 pair) replaced by U+FFFD, as UTF-8 encoders
 * and `document.cookie` do: a lone surrogate has no UTF-8 form (`encodeURIComponent` throws on it).
 */
export function toWellFormedText(text: string): string {
  return text.replace(SURROGATES, (s) => (s.length === 2 ? s : '\uFFFD'));
}

/**
 * True when `text` has no lone surrogate. Hashed as UTF-8, every lone surrogate would become
 * U+FFFD, so two different keys or e-mails would collide.
 */
export function isWellFormedText(text: string): boolean {
  // The runtime's own test where there is one (Node 20, browsers since 2023): no regex, no copy.
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(text) : toWellFormedText(text) === text;
}

/** The key list of the last object that {@link allKnown} passed, for one call site. */
export interface KeysSeen {
  last: readonly string[] | undefined;
}

/**
 * True when every key of `keys` (an object's own keys) is in `known`. Objects of one shape (the
 * events a server builds) have the same key list, the same strings in the same order: when it is
 * the last list that passed at this call site (`seen`), a compare by identity per key replaces a
 * set lookup per key (those lookups were a third of validating a plain event).
 */
export function allKnown(keys: readonly string[], known: ReadonlySet<string>, seen: KeysSeen): boolean {
  if (seen.last !== undefined && sameKeys(keys, seen.last)) return true;
  for (const key of keys) if (!known.has(key)) return false;
  seen.last = keys;
  return true;
}

/**
 * True when the keys of `obj`, as `for…in` lists them, are the key list that last passed
 * {@link allKnown} at this call site (`seen`): then every own key of `obj` is known, found without
 * the array `Object.keys` allocates (this takes about half the time of `Object.keys` and
 * {@link sameKeys}). `for…in` also lists inherited enumerable keys: they can only make it false, and
 * a trap of a proxy that throws makes it false too; the caller then reads `Object.keys` as before.
 */
export function sameKeysAsLast(obj: object, seen: KeysSeen): boolean {
  const last = seen.last;
  if (last === undefined) return false;
  let i = 0;
  try {
    for (const key in obj) if (key !== last[i++]) return false;
  } catch {
    return false;
  }
  return i === last.length;
}

/** True when two key lists hold the same strings in the same order (objects of one shape share them). */
export function sameKeys(keys: readonly string[], last: readonly string[]): boolean {
  if (keys.length !== last.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== last[i]) return false;
  return true;
}

/**
 * Sets `key` on `obj` as an own enumerable data property. Unlike `obj[key] = value`, a `__proto__`
 * key stays an own key (as in the input it came from), never the object's prototype.
 */
export function setOwn(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A non-empty string, at most `max` chars. */
export function checkText(value: unknown, path: string, issues: Issue[], max = Infinity): void {
  const code = textIssueCode(value, max);
  if (code) addIssue(issues, path, code, code === 'invalid_type' ? 'must be a string' : code === 'empty' ? 'must not be empty' : `must be at most ${max} characters`);
}

// The `…IssueCode` functions are the rules of the checks next to them, without the reporting: a
// caller whose path costs a string or two to build (`data.contents[3].name`) builds it, and calls
// the check, only when the rule is broken.

/** The code of the {@link checkText} rule that `value` breaks, or `undefined`. */
export function textIssueCode(value: unknown, max = Infinity): 'invalid_type' | 'empty' | 'too_long' | undefined {
  return typeof value !== 'string' ? 'invalid_type' : value === '' ? 'empty' : value.length > max ? 'too_long' : undefined;
}

/** A safe integer ≥ 0 (money in minor units, quantities). */
export const checkCount: Check = (value, path, issues) => {
  const code = countIssueCode(value);
  if (code) addIssue(issues, path, code, code === 'too_large' ? 'must be at most 2^53 - 1' : 'must be a non-negative integer');
};

/** The code of the {@link checkCount} rule that `value` breaks, or `undefined`. */
export function countIssueCode(value: unknown): 'invalid_type' | 'not_integer' | 'negative' | 'too_large' | undefined {
  return typeof value !== 'number' ? 'invalid_type'
    : !Number.isInteger(value) ? 'not_integer'
    : value < 0 ? 'negative'
    : value > Number.MAX_SAFE_INTEGER ? 'too_large'
    : undefined;
}

/** An uppercase ISO 4217 code of the pinned table. */
export const checkCurrency: Check = (value, path, issues) => {
  const code = currencyIssueCode(value);
  if (code) addIssue(issues, path, code, 'must be an uppercase ISO 4217 code');
};

/** The code of the {@link checkCurrency} rule that `value` breaks, or `undefined`. */
export function currencyIssueCode(value: unknown): 'unknown_currency' | undefined {
  return isKnownCurrency(value) ? undefined : 'unknown_currency';
}

/**
 * True when `JSON.stringify` would keep `value` faithfully and cannot throw on it: strings, finite
 * numbers, booleans, null, and arrays and plain objects of those (depth ≤ 32, so no cycle). A `Date`,
 * a `Map` or a class with `toJSON` is not: it would be sent as something else, or throw at send time.
 */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (value == null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 32 || !isPlainContainer(value)) return false;
  return Object.values(value).every((v) => isJsonValue(v, depth + 1));
}

/** An array or a plain object (any realm) without its own idea of how to serialize itself. */
export function isPlainContainer(value: object): boolean {
  const tag = Object.prototype.toString.call(value);
  return (tag === '[object Array]' || tag === '[object Object]') && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
