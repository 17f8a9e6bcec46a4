/**
 * Opt-in mapping of a GA4 (gtag / dataLayer) event to this SDK's friendly event input (spec §9).
 */
import { CapiValidationError } from './errors.js';
import { toMinorUnits } from './money.js';
import { dataShapeOf, isStandardEventType } from './schema.js';
import type { ContentItemInput, EventDataInput, EventInput, Issue, StandardEventType } from './types.js';
import { isCustomEventName } from './validate-event.js';

/** GA4 event names with an OpenAI standard equivalent. `refund` and `add_payment_info` never map. */
export const GA4_EVENT_MAP: Readonly<Record<string, StandardEventType>> = Object.freeze({
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
  item_id?: string;
  item_name?: string;
  item_category?: string;
  item_variant?: string;
  quantity?: number;
  /** Unit price in major units. */
  price?: number | string;
  [param: string]: unknown;
}

/** GA4 event parameters. */
export interface Ga4Params {
  /** Major units, with `currency`. */
  value?: number | string;
  currency?: string;
  /** The natural dedupe key of a purchase: becomes the event `key`. */
  transaction_id?: string;
  items?: readonly Ga4Item[];
  [param: string]: unknown;
}

// Params fromGa4 reads itself, and friendly data keys a GA4 param must not overwrite.
const MAPPED_PARAMS = new Set(['value', 'currency', 'transaction_id', 'items']);
const RESERVED_DATA_KEYS = new Set(['type', 'amount', 'contents', 'planId']);
// Never copied as keys: assigning them on a plain object could change its prototype.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function own(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Maps a GA4 event to a friendly {@link EventInput} for `buildEvent` / `track` (spec §9).
 *
 * - Names: {@link GA4_EVENT_MAP}; any other name becomes a `custom` event with the GA4 name as
 *   `customEventName` when it is a valid custom name (lowercase `[a-z0-9_-]`, 1–64, letter or digit
 *   at both ends, not a standard name), else a `CapiValidationError` (never a silent rename).
 *   `refund` and `add_payment_info` therefore become custom events of the same name.
 * - `transaction_id` → `key` (the event id is then derived from it).
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
  const issues: Issue[] = [];
  const mapped = typeof eventName === 'string' ? own(GA4_EVENT_MAP, eventName) : undefined;
  let input: EventInput;
  if (isStandardEventType(mapped)) {
    input = { type: mapped };
  } else if (isCustomEventName(eventName)) {
    input = { type: 'custom', customEventName: eventName };
  } else {
    throw new CapiValidationError([
      {
        path: 'eventName',
        code: 'invalid_format',
        message:
          'is neither a mapped GA4 event nor a valid custom event name (1-64 lowercase a-z 0-9 _ -, letter or digit at both ends, not an OpenAI event type)',
      },
    ]);
  }
  if (!isRecord(params)) {
    throw new CapiValidationError([{ path: 'params', code: 'invalid_type', message: 'must be an object' }]);
  }

  const data: EventDataInput = {};
  const currency = own(params, 'currency');
  const value = own(params, 'value');
  const transactionId = own(params, 'transaction_id');
  const items = own(params, 'items');

  if (currency !== undefined) {
    if (typeof currency === 'string') data.currency = currency.toUpperCase();
    else issues.push({ path: 'params.currency', code: 'invalid_type', message: 'must be a string' });
  }
  if (value !== undefined) {
    if (typeof value === 'number' || typeof value === 'string') data.value = value;
    else issues.push({ path: 'params.value', code: 'invalid_type', message: 'must be a number or a decimal string' });
  }
  if (transactionId !== undefined) {
    if (typeof transactionId === 'string' && transactionId.trim() !== '') input.key = transactionId;
    else issues.push({ path: 'params.transaction_id', code: 'invalid_type', message: 'must be a non-blank string' });
  }
  if (items !== undefined) {
    const contents = mapItems(items, issues);
    if (dataShapeOf(input.type) === 'customer_action') {
      issues.push({
        path: 'params.items',
        code: 'forbidden_field',
        message: `cannot be sent with ${input.type} (its data has no contents)`,
      });
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
    issues.push({ path: 'params.items', code: 'invalid_type', message: 'must be an array of items' });
    return undefined;
  }
  const contents: ContentItemInput[] = [];
  items.forEach((item: unknown, i) => {
    const path = `params.items[${i}]`;
    if (!isRecord(item)) {
      issues.push({ path, code: 'invalid_type', message: 'must be an object' });
      return;
    }
    const content: ContentItemInput = {};
    const text = (key: string): string | undefined => {
      const v = own(item, key);
      if (v === undefined) return undefined;
      if (typeof v === 'string') return v;
      issues.push({ path: `${path}.${key}`, code: 'invalid_type', message: 'must be a string' });
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
      else issues.push({ path: `${path}.quantity`, code: 'invalid_type', message: 'must be an integer' });
    }
    const price = own(item, 'price');
    if (price !== undefined) {
      if (typeof price === 'number' || typeof price === 'string') content.value = price;
      else issues.push({ path: `${path}.price`, code: 'invalid_type', message: 'must be a number or a decimal string' });
    }
    if (variant !== undefined) content.variantDict = { variant };
    contents.push(content);
  });
  return contents;
}

// Exact Σ price × quantity in minor units, only when every item has a price (a partial sum would
// understate the order; the items still carry their own prices).
function sumItems(items: readonly unknown[], data: EventDataInput, issues: Issue[]): void {
  const priced = items.every((item) => isRecord(item) && own(item, 'price') !== undefined);
  if (!priced || items.length === 0) return;
  if (typeof data.currency !== 'string') {
    issues.push({ path: 'params.currency', code: 'required', message: 'is required when items have a price' });
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
      issues.push({ path: `${path}.quantity`, code: 'not_integer', message: 'must be a non-negative integer' });
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
      issues.push({ path: 'params.items', code: 'too_large', message: 'the order total exceeds the largest safe integer in minor units' });
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
      issues.push({ path, code: 'reserved_name', message: 'is a reserved data key; rename the GA4 param' });
    } else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      data[key] = value;
    } else {
      issues.push({ path, code: 'invalid_type', message: 'custom params must be strings, finite numbers or booleans' });
    }
  }
}
