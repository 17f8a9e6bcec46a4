/**
 * The GA4 params mapping (spec §9) that `fromGa4` and the browser's `connectDataLayer` share. It
 * checks only what the mapping itself needs; `fromGa4` adds its detailed rules (ga4.ts) through a
 * hook, so the browser's bundle carries neither them nor the full currency table (the item sum uses
 * the small table of exponent exceptions, as the browser's pixel data does).
 */
import { CapiValidationError, fail } from './errors.js';
import { dataShapeOf } from './schema.js';
import { exponentOf, minorUnitsOf } from './minor-units.js';
import { isObject } from './validate-common.js';
import type { ContentItemInput, EventDataInput, EventInput, Issue, IssueCode } from './types.js';

/** Adds an issue under `params` (`at` is the rest of the path: `.items[0].price`). */
export type AddIssue = (at: string, code: IssueCode, message: string) => unknown;
type Checks = (params: Record<string, unknown>, data: EventDataInput, add: AddIssue, type: EventInput['type']) => void;

const CURRENCY_REQUIRED = 'is required with a value or item prices';
// GA4 item params and the friendly item fields they become, passed as given (the builder checks them).
const ITEM_FIELDS = [['item_id', 'id'], ['item_name', 'name'], ['item_category', 'contentType'], ['quantity', 'quantity'], ['price', 'value']] as const;

/** `obj[key]` when it is an own property (never an inherited one). */
export function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Maps GA4 `params` onto `event` (from `ga4EventOf`): `transaction_id` → `id` verbatim (an integer:
 * its digits), `currency`
 * (uppercased), `value`, `items` → `contents` (`item_id`→`id`, `item_name`→`name`,
 * `item_category`→`contentType` or `"product"`, `quantity`, `price`→`value`,
 * `item_variant`→`variantDict.variant`), and without `value`, when every item has a `price`, the
 * exact sum of `price × quantity` in minor units as `amount` (with the currency's exponent from
 * `exponentOf`; left out when a price or quantity cannot be summed). Field values are passed as
 * given, for `buildEvent` (the relay) to judge; this only reports what makes the mapping impossible:
 * params or an item that is no object, `items` that is no array (or items on a `lead_created` /
 * `registration_completed`), a money field without `currency`. `transaction_id` too is passed as
 * given (the browser's `track` checks its `eventId`). Other params are not read (`fromGa4` copies
 * them into custom events).
 *
 * @example mapGa4Params({ type: 'order_created' }, { transaction_id: 'T1', value: '9.90', currency: 'eur' })
 * @param path - where `params` came from, prefixed to issue paths (default `params`)
 * @throws CapiValidationError listing every problem (paths like `params.items[0]`); what a throwing
 *   getter in `params` throws is not caught
 */
export const mapGa4Params: (event: EventInput, params: unknown, path?: string) => EventInput = mapParamsWith;

/**
 * {@link mapGa4Params}; `fromGa4` passes its own `checks` and core's id rule (`checkId`, true when it
 * added an issue), whose issues join the same error.
 */
export function mapParamsWith(
  event: EventInput,
  params: unknown,
  path = 'params',
  checks?: Checks,
  checkId?: (id: unknown, path: string, issues: Issue[]) => boolean,
): EventInput {
  if (!isObject(params)) fail(path, 'invalid_type', 'must be an object');
  const issues: Issue[] = [];
  const add: AddIssue = (at, code, message) => issues.push({ path: path + at, code, message });
  const input: EventInput = { ...event };
  const data: EventDataInput = {};
  const currency = own(params, 'currency');
  const value = own(params, 'value');
  const transactionId = own(params, 'transaction_id');
  const items = own(params, 'items');

  if (currency !== undefined) data.currency = (typeof currency === 'string' ? currency.toUpperCase() : currency) as string;
  if (value !== undefined) {
    data.value = value as string;
    if (currency === undefined) add('.currency', 'required', CURRENCY_REQUIRED);
  }
  if (transactionId !== undefined) {
    // dataLayers often hold a numeric order id (1000123456): its decimal digits are the id.
    const id = Number.isSafeInteger(transactionId) ? String(transactionId) : transactionId;
    // fromGa4 passes core's id rule; the browser's tracker checks the id it is given (`eventId`).
    if (!checkId?.(id, path + '.transaction_id', issues)) input.id = id as string;
  }
  checks?.(params, data, add, input.type);

  if (items === undefined) {
    // nothing to map
  } else if (!Array.isArray(items)) {
    add('.items', 'invalid_type', 'must be an array');
  } else if (dataShapeOf(input.type) === 'customer_action') {
    add('.items', 'forbidden_field', `is not allowed on ${input.type}`);
  } else {
    data.contents = items.map((item: unknown, i): ContentItemInput => {
      const content: Record<string, unknown> = {};
      if (!isObject(item)) add(`.items[${i}]`, 'invalid_type', 'must be an object');
      else {
        for (const [from, to] of ITEM_FIELDS) if (own(item, from) !== undefined) content[to] = own(item, from);
        const variant = own(item, 'item_variant');
        if (variant !== undefined) content['variantDict'] = { variant };
      }
      const category = content['contentType'];
      if (typeof category !== 'string' || !category.trim()) content['contentType'] = 'product';
      return content;
    });
    // Σ price × quantity, only when every item has a price (a partial sum would understate the
    // order; the items still carry their own prices).
    if (value === undefined && items.length > 0 && items.every((item) => isObject(item) && own(item, 'price') !== undefined)) {
      if (currency === undefined) add('.currency', 'required', CURRENCY_REQUIRED);
      else if (issues.length === 0) sum(data, add);
    }
  }
  if (issues.length > 0) throw new CapiValidationError(issues);
  input.data = data;
  return input;
}

// Σ price × quantity in minor units as `data.amount`, exactly; left out when a price or a quantity
// cannot be summed (the builder then reports that item's own field).
function sum(data: EventDataInput, add: AddIssue): void {
  const exponent = typeof data.currency === 'string' ? exponentOf(data.currency) : 2;
  let total = 0;
  for (const { value, quantity = 1 } of data.contents!) {
    const units = minorUnitsOf(value, exponent);
    if (typeof units !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) return;
    total += units * quantity;
  }
  if (Number.isSafeInteger(total)) data.amount = total;
  else add('.items', 'too_large', 'must total at most 2^53 - 1 in minor units');
}
