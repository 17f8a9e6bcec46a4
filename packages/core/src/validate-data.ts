/** Rules of `data` and its `contents[]` items (spec §6). */
import { addIssue } from './errors.js';
import { checkCount, checkCurrency, checkText, isJsonValue, isPlainObject } from './validate-common.js';
import type { DataShape, Issue } from './types.js';

/** The wire keys of `data` and of a `contents[]` item, in wire order (the builder emits this order). */
export const DATA_KEYS = new Set(['type', 'amount', 'currency', 'contents', 'plan_id']);
export const ITEM_KEYS = new Set(['id', 'group_id', 'name', 'content_type', 'quantity', 'amount', 'currency', 'variant_dict']);
const ITEM_TEXT = ['id', 'group_id', 'name', 'content_type'];
const SHAPES: readonly unknown[] = ['contents', 'customer_action', 'plan_enrollment', 'custom'];

/** True when `key` (a known data key) is not allowed in data of shape `shape`. */
function isForbidden(key: string, shape: DataShape): boolean {
  return key === 'contents' ? shape === 'customer_action' : key === 'plan_id' && (shape === 'contents' || shape === 'customer_action');
}

/**
 * Checks `data` at `path` (e.g. `data` or `events[2].data`). `shape` is the shape the event type
 * demands, or undefined when the event type itself is invalid (then `data.type` is trusted).
 */
export function checkData(data: unknown, shape: DataShape | undefined, path: string, issues: Issue[]): void {
  if (data === undefined) return addIssue(issues, path, 'required', 'is required');
  if (!isPlainObject(data)) return addIssue(issues, path, 'invalid_type', 'must be a plain object');
  const p = path + '.';
  const type = data.type;
  if (type === undefined) addIssue(issues, p + 'type', 'required', 'is required');
  else if (shape ? type !== shape : !SHAPES.includes(type)) {
    addIssue(issues, p + 'type', 'shape_mismatch', shape ? `must be "${shape}" for this event type` : `must be one of ${SHAPES.join(', ')}`);
  }
  const sh = shape ?? (SHAPES.includes(type) ? (type as DataShape) : 'custom');
  for (const key of Object.keys(data)) {
    if (DATA_KEYS.has(key)) {
      if (isForbidden(key, sh)) addIssue(issues, p + key, 'forbidden_field', `is not allowed in ${sh} data`);
    } else if (sh !== 'custom') addIssue(issues, p + key, 'unknown_field', `is not a field of ${sh} data`);
    else if (!isJsonValue(data[key])) addIssue(issues, p + key, 'not_json', 'must be a JSON value');
  }
  checkMoney(data, p, issues, false);
  if (data.plan_id !== undefined && !isForbidden('plan_id', sh)) checkText(data.plan_id, p + 'plan_id', issues);
  const contents = data.contents;
  if (contents === undefined || isForbidden('contents', sh)) return;
  if (!Array.isArray(contents)) return addIssue(issues, p + 'contents', 'invalid_type', 'must be an array');
  for (let i = 0; i < contents.length; i++) checkItem(contents[i], `${p}contents[${i}]`, issues, data.currency !== undefined);
}

function checkItem(item: unknown, path: string, issues: Issue[], inherited: boolean): void {
  if (!isPlainObject(item)) return addIssue(issues, path, 'invalid_type', 'must be a plain object');
  const p = path + '.';
  for (const key of Object.keys(item)) if (!ITEM_KEYS.has(key)) addIssue(issues, p + key, 'unknown_field', 'is not a field of a contents item');
  for (const key of ITEM_TEXT) if (item[key] !== undefined) checkText(item[key], p + key, issues);
  if (item.quantity !== undefined) checkCount(item.quantity, p + 'quantity', issues);
  checkMoney(item, p, issues, inherited);
  const variants = item.variant_dict;
  if (variants === undefined) return;
  if (!isPlainObject(variants)) return addIssue(issues, p + 'variant_dict', 'invalid_type', 'must be a plain object of strings');
  for (const key of Object.keys(variants)) {
    if (typeof variants[key] !== 'string') addIssue(issues, `${p}variant_dict.${key}`, 'invalid_type', 'must be a string');
  }
}

/** `amount` (integer minor units) and `currency` (uppercase ISO 4217) of `obj`; `inherited`: the data's currency applies. */
function checkMoney(obj: Record<string, unknown>, p: string, issues: Issue[], inherited: boolean): void {
  const { amount, currency } = obj;
  if (amount !== undefined) checkCount(amount, p + 'amount', issues);
  if (currency !== undefined) checkCurrency(currency, p + 'currency', issues);
  else if (amount !== undefined && !inherited) addIssue(issues, p + 'currency', 'required', 'is required with amount');
}
