/**
 * Opt-in mapping of a GA4 (gtag / dataLayer) event to this SDK's friendly event input (spec §9).
 */
import { addIssue, CapiError, CapiValidationError, fail } from './errors.js';
import { checkEventId } from './ids.js';
import { toMinorUnits } from './money.js';
import { dataShapeOf, EVENT_NAME, EVENT_NAME_RULE, isCustomEventName, isStandardEventType } from './schema.js';
import { isObject } from './validate-common.js';
import type { ContentItemInput, EventDataInput, EventInput, Issue, StandardEventType } from './types.js';

/** GA4 event names with an OpenAI standard equivalent. `refund` and `add_payment_info` never map. */
export const GA4_EVENT_MAP: Readonly<Record<string, StandardEventType>> = /* @__PURE__ */ Object.freeze({
  page_view: 'page_viewed',
  view_item: 'contents_viewed',
  add_to_cart: 'items_added',
  begin_checkout: 'checkout_started',
  purchase: 'order_created',
  generate_lead: 'lead_created',
  sign_up: 'registration_completed',
});

/** One GA4 `items[]` entry. Only the keys below are mapped; other item params are not sent. */
export interface Ga4Item {
  /** Becomes the content item's `id`. */
  item_id?: string;
  /** Becomes the content item's `name`. */
  item_name?: string;
  /** Becomes `content_type` (default `"product"`). */
  item_category?: string;
  /** Becomes `variant_dict.variant`. */
  item_variant?: string;
  /** Number of units (default 1 in the order total). */
  quantity?: number;
  /** Unit price in major units. */
  price?: number | string;
  [param: string]: unknown;
}

/** GA4 event parameters. */
export interface Ga4Params {
  /** Major units, with `currency`. */
  value?: number | string;
  /** ISO 4217 code of `value` and of the items' `price`. */
  currency?: string;
  /** The order id of a purchase: becomes the event `id`, verbatim (as GTM pixel tags send it); an integer becomes its digits. */
  transaction_id?: string | number;
  /** The GA4 items; become `contents[]`. */
  items?: readonly Ga4Item[];
  [param: string]: unknown;
}

// Params fromGa4 reads itself, and friendly data keys a GA4 param must not overwrite.
const MAPPED_PARAMS = new Set(['value', 'currency', 'transaction_id', 'items']);
const RESERVED_DATA_KEYS = new Set(['type', 'amount', 'contents', 'planId']);
// Never copied as keys: assigning them on a plain object could change its prototype.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Maps a GA4 event to a friendly {@link EventInput} for `buildEvent` / `track` (spec §9).
 *
 * - Names: {@link GA4_EVENT_MAP}; any other name becomes a `custom` event with the GA4 name as
 *   `customEventName` when it is a valid custom name (lowercase `[a-z0-9_-]`, 1–64, letter or digit
 *   at both ends, neither `custom` nor a standard name), else a `CapiValidationError` (never a silent rename).
 *   `refund` and `add_payment_info` therefore become custom events of the same name.
 * - `transaction_id` → `id`, verbatim, so a pixel tag sending the same order id deduplicates with it.
 * - `value` + `currency` → data `value` (major units, converted exactly by the builder) + `currency`.
 *   Without `value`, when every item has a `price`, the amount is the exact sum of
 *   `price × quantity` (quantity defaults to 1), computed in minor units and given as `amount`.
 * - `items[]` → `contents[]`: `item_id`→`id`, `item_name`→`name`, `item_category`→`contentType`
 *   (default `"product"`), `quantity`, `price`→ item `value` (unit price, major units),
 *   `item_variant`→`variantDict.variant`. Other item params (`item_brand`…) are not sent: the API
 *   rejects unknown item keys. Items on an event whose data cannot hold contents
 *   (`generate_lead`, `sign_up`) are an error.
 * - Other params: standard events keep only the mapped params above (their data forbids other
 *   keys). Custom events also get every other string, number or boolean param under its GA4 name;
 *   other types, and the names `type`, `amount`, `contents`, `planId`, are errors.
 *   `__proto__`, `constructor` and `prototype` keys are ignored (no prototype pollution).
 *
 * @throws CapiValidationError listing every problem (paths like `params.items[0].price`)
 */
export function fromGa4(eventName: string, params: Ga4Params = {}): EventInput {
  try {
    return mapGa4(eventName, params);
  } catch (cause) {
    if (CapiError.isInstance(cause)) throw cause;
    // A throwing getter or proxy in the params: reported like buildEvent reports one.
    throw new CapiValidationError([{ path: 'params', code: 'unreadable', message: 'could not be read' }], undefined, { cause });
  }
}

function mapGa4(eventName: string, params: Ga4Params): EventInput {
  const issues: Issue[] = [];
  const mapped = typeof eventName === 'string' ? own(GA4_EVENT_MAP, eventName) : undefined;
  let input: EventInput;
  if (isStandardEventType(mapped)) {
    input = { type: mapped };
  } else if (isCustomEventName(eventName)) {
    input = { type: 'custom', customEventName: eventName };
  } else {
    // Not mapped, and not usable as a custom event name: never a silent rename.
    if (typeof eventName === 'string' && EVENT_NAME.test(eventName)) {
      fail('eventName', 'reserved_name', 'must not be custom or an OpenAI event type (those are not GA4 events)');
    }
    fail('eventName', 'invalid_format', `must be a mapped GA4 event or a custom event name: ${EVENT_NAME_RULE}`);
  }
  if (!isObject(params)) {
    fail('params', 'invalid_type', 'must be an object');
  }

  const data: EventDataInput = {};
  const currency = own(params, 'currency');
  const value = own(params, 'value');
  const transactionId = own(params, 'transaction_id');
  const items = own(params, 'items');

  if (currency !== undefined) {
    if (typeof currency === 'string') data.currency = currency.toUpperCase();
    else addIssue(issues, 'params.currency', 'invalid_type', 'must be a string');
  }
  if (value !== undefined) {
    if (typeof value === 'number' || typeof value === 'string') data.value = value;
    else addIssue(issues, 'params.value', 'invalid_type', 'must be a number or a decimal string');
  }
  if (transactionId !== undefined) {
    // dataLayers often hold a numeric order id (1000123456): its decimal digits are the id.
    const id = typeof transactionId === 'number' && Number.isSafeInteger(transactionId) ? String(transactionId) : transactionId;
    const before = issues.length;
    checkEventId(id, 'params.transaction_id', issues);
    if (issues.length === before) input.id = id as string;
  }
  if (items !== undefined) {
    const contents = mapItems(items, issues);
    if (dataShapeOf(input.type) === 'customer_action') {
      addIssue(issues, 'params.items', 'forbidden_field', `is not allowed on ${input.type} (its data has no contents)`);
    } else if (contents !== undefined) {
      data.contents = contents;
      if (value === undefined) sumItems(items as readonly unknown[], data, issues);
    }
  }
  if (input.type === 'custom') copyCustomParams(params, data, issues);

  if (issues.length > 0) throw new CapiValidationError(issues);
  input.data = data;
  return input;
}

function mapItems(items: unknown, issues: Issue[]): ContentItemInput[] | undefined {
  if (!Array.isArray(items)) {
    addIssue(issues, 'params.items', 'invalid_type', 'must be an array of items');
    return undefined;
  }
  const contents: ContentItemInput[] = [];
  items.forEach((item: unknown, i) => {
    const path = `params.items[${i}]`;
    if (!isObject(item)) {
      addIssue(issues, path, 'invalid_type', 'must be an object');
      return;
    }
    const content: ContentItemInput = {};
    const text = (key: string): string | undefined => {
      const v = own(item, key);
      if (v === undefined) return undefined;
      if (typeof v === 'string') return v;
      addIssue(issues, `${path}.${key}`, 'invalid_type', 'must be a string');
      return undefined;
    };
    const id = text('item_id');
    const name = text('item_name');
    const category = text('item_category');
    const variant = text('item_variant');
    if (id !== undefined) content.id = id;
    if (name !== undefined) content.name = name;
    content.contentType = category !== undefined && category.trim() !== '' ? category : 'product';
    const quantity = own(item, 'quantity');
    if (quantity !== undefined) {
      if (typeof quantity === 'number') content.quantity = quantity;
      else addIssue(issues, `${path}.quantity`, 'invalid_type', 'must be a non-negative integer');
    }
    const price = own(item, 'price');
    if (price !== undefined) {
      if (typeof price === 'number' || typeof price === 'string') content.value = price;
      else addIssue(issues, `${path}.price`, 'invalid_type', 'must be a number or a decimal string');
    }
    if (variant !== undefined) content.variantDict = { variant };
    contents.push(content);
  });
  return contents;
}

// Exact Σ price × quantity in minor units, only when every item has a price (a partial sum would
// understate the order; the items still carry their own prices).
function sumItems(items: readonly unknown[], data: EventDataInput, issues: Issue[]): void {
  const priced = items.every((item) => isObject(item) && own(item, 'price') !== undefined);
  if (!priced || items.length === 0) return;
  if (typeof data.currency !== 'string') {
    addIssue(issues, 'params.currency', 'required', 'is required when items have a price');
    return;
  }
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Record<string, unknown>;
    const path = `params.items[${i}]`;
    const price = own(item, 'price');
    const quantity = own(item, 'quantity') ?? 1;
    // Wrong types were reported by mapItems.
    if ((typeof price !== 'number' && typeof price !== 'string') || typeof quantity !== 'number') return;
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      addIssue(issues, `${path}.quantity`, 'not_integer', 'must be a non-negative integer');
      return;
    }
    try {
      total += toMinorUnits(price, data.currency, `${path}.price`, 'params.currency') * quantity;
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      issues.push(...error.issues);
      return;
    }
    if (!Number.isSafeInteger(total)) {
      addIssue(issues, 'params.items', 'too_large', 'must total at most 2^53 - 1 in minor units');
      return;
    }
  }
  data.amount = total;
}

function copyCustomParams(params: Record<string, unknown>, data: EventDataInput, issues: Issue[]): void {
  for (const key of Object.keys(params)) {
    if (MAPPED_PARAMS.has(key) || UNSAFE_KEYS.has(key)) continue;
    const value = params[key];
    const path = `params.${key}`;
    if (value === undefined) continue;
    if (RESERVED_DATA_KEYS.has(key)) {
      addIssue(issues, path, 'reserved_name', 'must not be named like a data key (rename the GA4 param)');
    } else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      data[key] = value;
    } else {
      addIssue(issues, path, 'invalid_type', 'must be a string, a finite number or a boolean');
    }
  }
}
