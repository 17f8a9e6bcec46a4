/** Small helpers shared by the validators: issue collection and the checks used at several levels. */
import { isKnownCurrency } from './currency.js';
import type { Issue } from './types.js';

/** A plain-ish object whose own keys we read. */
export type Obj = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Records an issue. The message is the field name (last segment of `path`) followed by `rule`,
 * e.g. `quantity must be an integer`. Rules never quote the offending value.
 */
export function addIssue(issues: Issue[], path: string, code: string, rule: string): void {
  issues.push({ path, code, message: `${path.slice(path.lastIndexOf('.') + 1) || 'event'} ${rule}` });
}

/** A non-empty string, optionally at most `max` chars. */
export function checkText(value: unknown, path: string, issues: Issue[], max?: number): void {
  if (typeof value !== 'string') addIssue(issues, path, 'invalid_type', 'must be a string');
  else if (value === '') addIssue(issues, path, 'empty', 'must not be empty');
  else if (max !== undefined && value.length > max) addIssue(issues, path, 'too_long', `must be at most ${max} characters`);
}

/** A safe integer ≥ 0 (money in minor units, quantities). */
export function checkCount(value: unknown, path: string, issues: Issue[]): void {
  if (typeof value !== 'number') addIssue(issues, path, 'invalid_type', 'must be an integer');
  else if (!Number.isInteger(value)) addIssue(issues, path, 'not_integer', 'must be an integer');
  else if (value < 0) addIssue(issues, path, 'negative', 'must not be negative');
  else if (value > Number.MAX_SAFE_INTEGER) addIssue(issues, path, 'too_large', 'must be at most 2^53 - 1');
}

/**
 * `amount` (integer minor units) and `currency` (uppercase ISO 4217) of `obj`, whose fields live at
 * `prefix + 'amount'`. `inherited`: a currency applies from the enclosing event data.
 */
export function checkMoney(obj: Obj, prefix: string, issues: Issue[], inherited: boolean): void {
  const { amount, currency } = obj;
  if (amount !== undefined) checkCount(amount, prefix + 'amount', issues);
  if (currency !== undefined) {
    if (!isKnownCurrency(currency)) {
      addIssue(issues, prefix + 'currency', 'unknown_currency', 'must be a known uppercase ISO 4217 code');
    }
  } else if (amount !== undefined && !inherited) {
    addIssue(issues, prefix + 'currency', 'required', 'is required with amount');
  }
}

/** True when `JSON.stringify` would keep `value` faithfully (no bigint, function, NaN; depth ≤ 32). */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 32) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (!isJsonValue(v, depth + 1)) return false;
  return true;
}
