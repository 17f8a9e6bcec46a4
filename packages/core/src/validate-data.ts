/** Rules of `data` and its `contents[]` items (spec §6). */
import { addIssue } from './errors.js';
import { allKnown, type KeysSeen, checkCount, checkCurrency, checkText, countIssueCode, currencyIssueCode, isJsonValue, isPlainObject, sameKeysAsLast, textIssueCode } from './validate-common.js';
import type { DataShape, Issue } from './types.js';

/** The wire keys of `data` and of a `contents[]` item, in wire order (the builder emits this order). */
export const DATA_KEYS = new Set(['type', 'amount', 'currency', 'contents', 'plan_id']);
export const ITEM_KEYS = new Set(['id', 'group_id', 'name', 'content_type', 'quantity', 'amount', 'currency', 'variant_dict']);
const dataKeysSeen: KeysSeen = { last: undefined };
const itemKeysSeen: KeysSeen = { last: undefined };
const SHAPES: readonly unknown[] = ['contents', 'customer_action', 'plan_enrollment', 'custom'];

/** True when `key` (a known data key) is not allowed in data of shape `shape`. */
function isForbidden(key: string, shape: DataShape): boolean {
  return key === 'contents' ? shape === 'customer_action' : key === 'plan_id' && (shape === 'contents' || shape === 'customer_action');
}

// The last answer of someForbidden and what it was asked: one key list and shape per server, mostly.
let forbiddenKeys: readonly string[] = [];
let forbiddenShape: DataShape | undefined;
let forbiddenFound = false;

/** True when a key of `keys` is not allowed in data of shape `shape`. */
function someForbidden(keys: readonly string[], shape: DataShape): boolean {
  if (keys === forbiddenKeys && shape === forbiddenShape) return forbiddenFound;
  forbiddenFound = false;
  for (const key of keys) if (isForbidden(key, shape)) forbiddenFound = true;
  forbiddenKeys = keys;
  forbiddenShape = shape;
  return forbiddenFound;
}

/**
 * Checks `data` at the path `p` with a dot after it (`data.` or `events[2].data.`). `shape` is the
 * shape the event type demands, or undefined when the event type itself is invalid (then
 * `data.type` is trusted). Paths are built only for an issue: most events have none.
 */
export function checkData(data: unknown, shape: DataShape | undefined, p: string, issues: Issue[]): void {
  if (data === undefined) return addIssue(issues, p.slice(0, -1), 'required', 'is required');
  if (!isPlainObject(data)) return addIssue(issues, p.slice(0, -1), 'invalid_type', 'must be a plain object');
  const type = data.type;
  if (type === undefined) addIssue(issues, p + 'type', 'required', 'is required');
  else if (shape ? type !== shape : !SHAPES.includes(type)) {
    addIssue(issues, p + 'type', 'shape_mismatch', shape ? `must be "${shape}" for this event type` : `must be one of ${SHAPES.join(', ')}`);
  }
  const sh = shape ?? (SHAPES.includes(type) ? (type as DataShape) : 'custom');
  // The keys of the last data that passed, none forbidden here: no key can be unknown or forbidden.
  if (!sameKeysAsLast(data, dataKeysSeen) || someForbidden(dataKeysSeen.last!, sh)) {
    const keys = Object.keys(data);
    const known = allKnown(keys, DATA_KEYS, dataKeysSeen);
    for (const key of keys) {
      if (known || DATA_KEYS.has(key)) {
        if (isForbidden(key, sh)) addIssue(issues, p + key, 'forbidden_field', `is not allowed in ${sh} data`);
      } else if (sh !== 'custom') addIssue(issues, p + key, 'unknown_field', `is not a field of ${sh} data`);
      else if (!isJsonValue(data[key])) addIssue(issues, p + key, 'not_json', 'must be a JSON value');
    }
  }
  checkMoney(data, p, -1, issues, false);
  const plan = data.plan_id;
  if (plan !== undefined && !isForbidden('plan_id', sh) && textIssueCode(plan)) checkText(plan, p + 'plan_id', issues);
  const contents = data.contents;
  if (contents === undefined || isForbidden('contents', sh)) return;
  if (!Array.isArray(contents)) return addIssue(issues, p + 'contents', 'invalid_type', 'must be an array');
  for (let i = 0; i < contents.length; i++) checkItem(contents[i], p, i, issues, data.currency !== undefined);
}

/** Checks item `i` of the contents of the data at `p` (`data.`). */
function checkItem(item: unknown, p: string, i: number, issues: Issue[], inherited: boolean): void {
  if (!isPlainObject(item)) return addIssue(issues, `${p}contents[${i}]`, 'invalid_type', 'must be a plain object');
  if (!sameKeysAsLast(item, itemKeysSeen)) {
    const keys = Object.keys(item);
    if (!allKnown(keys, ITEM_KEYS, itemKeysSeen)) for (const key of keys) if (!ITEM_KEYS.has(key)) addIssue(issues, itemPath(p, i) + key, 'unknown_field', 'is not a field of a contents item');
  }
  // One named read each (a loop over the names was a keyed read per name, a third of this function).
  checkItemText(item.id, p, i, 'id', issues);
  checkItemText(item.group_id, p, i, 'group_id', issues);
  checkItemText(item.name, p, i, 'name', issues);
  checkItemText(item.content_type, p, i, 'content_type', issues);
  const quantity = item.quantity;
  if (quantity !== undefined && countIssueCode(quantity)) checkCount(quantity, itemPath(p, i) + 'quantity', issues);
  checkMoney(item, p, i, issues, inherited);
  const variants = item.variant_dict;
  if (variants === undefined) return;
  if (!isPlainObject(variants)) return addIssue(issues, itemPath(p, i) + 'variant_dict', 'invalid_type', 'must be a plain object of strings');
  for (const key of Object.keys(variants)) {
    if (typeof variants[key] !== 'string') addIssue(issues, `${itemPath(p, i)}variant_dict.${key}`, 'invalid_type', 'must be a string');
  }
}

/** Checks text field `key` (`value`) of item `i` of the contents of the data at `p`. */
function checkItemText(value: unknown, p: string, i: number, key: string, issues: Issue[]): void {
  if (value !== undefined && textIssueCode(value)) checkText(value, itemPath(p, i) + key, issues);
}

/**
 * The issue path prefix of item `i` of the contents of the data at `p`, with a dot after it
 * (`data.contents[3].`), or `p` itself for `i` < 0 (the data). The builder's input paths use it too.
 */
export function itemPath(p: string, i: number): string {
  return i < 0 ? p : `${p}contents[${i}].`;
}

/**
 * `amount` (integer minor units) and `currency` (uppercase ISO 4217) of the data at `p` (`i` < 0)
 * or of its item `i`; `inherited`: the data's currency applies.
 */
function checkMoney(obj: Record<string, unknown>, p: string, i: number, issues: Issue[], inherited: boolean): void {
  const { amount, currency } = obj;
  if (amount !== undefined && countIssueCode(amount)) checkCount(amount, itemPath(p, i) + 'amount', issues);
  if (currency !== undefined) {
    if (currencyIssueCode(currency)) checkCurrency(currency, itemPath(p, i) + 'currency', issues);
  } else if (amount !== undefined && !inherited) addIssue(issues, itemPath(p, i) + 'currency', 'required', 'is required with amount');
}
