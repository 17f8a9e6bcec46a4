/** Rules of `data` and its `contents[]` items (spec §6). */
import { addIssue, checkCount, checkMoney, checkText, isJsonValue, isObject, type Obj } from './validate-common.js';
import type { DataShape, Issue } from './types.js';

const DATA_KEYS = new Set(['type', 'amount', 'currency', 'contents', 'plan_id']);
const ITEM_KEYS = new Set(['id', 'group_id', 'name', 'content_type', 'quantity', 'amount', 'currency', 'variant_dict']);
const ITEM_TEXT = ['id', 'group_id', 'name', 'content_type'] as const;
const SHAPES = new Set<unknown>(['contents', 'customer_action', 'plan_enrollment', 'custom']);

/**
 * Checks `data` at `path` (e.g. `data` or `events[2].data`). `shape` is the shape the event type
 * demands, or undefined when the event type itself is invalid (then `data.type` is trusted).
 */
export function checkData(data: unknown, shape: DataShape | undefined, path: string, issues: Issue[]): void {
  if (!isObject(data)) {
    if (data === undefined) addIssue(issues, path, 'required', 'is required');
    else addIssue(issues, path, 'invalid_type', 'must be an object');
    return;
  }
  const p = path + '.';
  const type = data.type;
  if (type === undefined) addIssue(issues, p + 'type', 'required', 'is required');
  else if (shape === undefined ? !SHAPES.has(type) : type !== shape) {
    const rule = shape ? `"${shape}" for this event type` : 'contents, customer_action, plan_enrollment or custom';
    addIssue(issues, p + 'type', 'shape_mismatch', `must be ${rule}`);
  }
  const sh = shape ?? (SHAPES.has(type) ? (type as DataShape) : 'custom');
  for (const key of Object.keys(data)) {
    if (DATA_KEYS.has(key)) {
      if ((key === 'contents' && sh === 'customer_action') || (key === 'plan_id' && sh !== 'plan_enrollment' && sh !== 'custom')) {
        addIssue(issues, p + key, 'forbidden_field', `is not allowed in ${sh} data`);
      }
    } else if (sh !== 'custom') {
      addIssue(issues, p + key, 'unknown_field', `is not a field of ${sh} data`);
    } else if (!isJsonValue(data[key])) {
      addIssue(issues, p + key, 'not_json', 'must be a JSON value');
    }
  }
  checkMoney(data, p, issues, false);
  if (data.plan_id !== undefined && sh !== 'contents' && sh !== 'customer_action') checkText(data.plan_id, p + 'plan_id', issues);
  const contents = data.contents;
  if (contents === undefined || sh === 'customer_action') return;
  if (!Array.isArray(contents)) return addIssue(issues, p + 'contents', 'invalid_type', 'must be an array');
  for (let i = 0; i < contents.length; i++) checkItem(contents[i], `${p}contents[${i}]`, issues, data);
}

function checkItem(item: unknown, path: string, issues: Issue[], data: Obj): void {
  if (!isObject(item)) return addIssue(issues, path, 'invalid_type', 'must be an object');
  const p = path + '.';
  for (const key of Object.keys(item)) {
    if (!ITEM_KEYS.has(key)) addIssue(issues, p + key, 'unknown_field', 'is not a field of a contents item');
  }
  for (const key of ITEM_TEXT) if (item[key] !== undefined) checkText(item[key], p + key, issues);
  if (item.quantity !== undefined) checkCount(item.quantity, p + 'quantity', issues);
  checkMoney(item, p, issues, data.currency !== undefined);
  const variants = item.variant_dict;
  if (variants === undefined) return;
  if (!isObject(variants)) return addIssue(issues, p + 'variant_dict', 'invalid_type', 'must be an object of strings');
  for (const key of Object.keys(variants)) {
    if (typeof variants[key] !== 'string') addIssue(issues, `${p}variant_dict.${key}`, 'invalid_type', 'must be a string');
  }
}
