/**
 * Rules of the wire `user` object (spec §4). The predicates come from `user-rules.ts`, shared with
 * `hashUser`. Policy for lists: 1–3 values, no duplicates (the API would use only the first 3 unique
 * ones; we refuse to send values it would ignore). Messages never contain the values.
 */
import {
  isAndroidAdvertisingId,
  isCountryCode,
  isGeoText,
  isLowerSha256Hex,
  isNonBlank,
  isPostalCode,
  POSTAL_CODE_RULE,
  isSha256Hex,
  isValidIp,
} from './user-rules.js';
import { addIssue } from './errors.js';
import { isPlainObject, sameKeys } from './validate-common.js';
import type { Issue } from './types.js';

/** Max values in one user list. */
export const MAX_USER_LIST_VALUES = 3;

type Rule = readonly [test: (value: unknown) => boolean, message: string, list: boolean, raw?: boolean];

const HASH: Rule = [isLowerSha256Hex, 'must be a SHA-256 digest: 64 lowercase hex chars', true];
// Raw, never hashed (spec §4): a digest here is the mistake of porting from platforms that hash geo.
const GEO: Rule = [isGeoText, 'must be non-empty, trimmed and at most 128 characters', true, true];
const BLANK: Rule = [isNonBlank, 'must not be blank', false];

const RULES = new Map<string, Rule>([
  ['emails_sha256', HASH],
  ['phone_numbers_sha256', HASH],
  ['external_ids_sha256', HASH],
  ['first_names_sha256', HASH],
  ['last_names_sha256', HASH],
  ['cities', GEO],
  ['regions', GEO],
  ['postal_codes', [isPostalCode, POSTAL_CODE_RULE, true]],
  ['countries', [isCountryCode, 'must be an uppercase ISO 3166-1 alpha-2 code', true]],
  ['obref', BLANK],
  ['ip_address', [isValidIp, 'must be an IPv4 or IPv6 address', false]],
  ['user_agent', BLANK],
  ['android_advertising_id', [isAndroidAdvertisingId, 'must be a UUID', false]],
]);

/** Checks a wire `user` object at `path` (e.g. `user` or `events[0].user`). */
export function checkUser(user: unknown, path: string, issues: Issue[]): void {
  if (!isPlainObject(user)) return addIssue(issues, path, 'invalid_type', 'must be a plain object');
  // Paths are built only for an issue: most users have none, and a path per value was most of the allocation.
  const keys = Object.keys(user);
  const rules = rulesOf(keys);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const rule = rules[k];
    const value = user[key];
    if (rule === undefined) addIssue(issues, pathOf(path, key, -1), 'unknown_field', 'is not a user field');
    else if (value === undefined) continue;
    else if (!rule[2]) checkValue(value, rule, path, key, -1, issues);
    else if (!Array.isArray(value)) addIssue(issues, pathOf(path, key, -1), 'invalid_type', 'must be an array of strings');
    else if (value.length === 0) addIssue(issues, pathOf(path, key, -1), 'empty', 'must hold at least 1 value (omit it instead)');
    else if (value.length > MAX_USER_LIST_VALUES) addIssue(issues, pathOf(path, key, -1), 'too_many', `must hold at most ${MAX_USER_LIST_VALUES} values`);
    else {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (value.indexOf(v) < i) addIssue(issues, pathOf(path, key, i), 'duplicate', 'must not repeat an earlier value');
        else checkValue(v, rule, path, key, i, issues);
      }
    }
  }
}

// The key list of the last user checked and the rule of each of its keys: the users of one
// server have one or a few key lists, and a compare by identity per key replaces a lookup per key.
let lastKeys: readonly string[] = [];
let lastRules: readonly (Rule | undefined)[] = [];

/** The rule of each key of `keys` (undefined for an unknown key). */
function rulesOf(keys: readonly string[]): readonly (Rule | undefined)[] {
  if (sameKeys(keys, lastKeys)) return lastRules;
  lastRules = keys.map((key) => RULES.get(key));
  lastKeys = keys;
  return lastRules;
}

/** Checks `value` of `user[key]` (`index` ≥ 0: its entry `index` in a list). */
function checkValue(value: unknown, rule: Rule, path: string, key: string, index: number, issues: Issue[]): void {
  if (typeof value !== 'string') addIssue(issues, pathOf(path, key, index), 'invalid_type', 'must be a string');
  else if (!rule[0](value)) addIssue(issues, pathOf(path, key, index), 'invalid_format', rule[1]);
  else if (rule[3] && isSha256Hex(value)) addIssue(issues, pathOf(path, key, index), 'looks_hashed', 'must be the raw value, not a SHA-256 digest');
}

/** The path of `user[key]` at `path`, or of its entry `index` (≥ 0) in a list. */
function pathOf(path: string, key: string, index: number): string {
  return index < 0 ? `${path}.${key}` : `${path}.${key}[${index}]`;
}
