/**
 * Opt-in mapping of a GA4 (gtag / dataLayer) event to this SDK's friendly event input (spec §9).
 * The one GA4 mapping: `fromGa4` on the server and the browser's `connectDataLayer` both use it. It
 * needs no currency table (money stays decimal `value`s, converted by `buildEvent`), so it is small.
 */
import { CapiError, CapiValidationError, fail } from './errors.js';
import { mapParamsWith, own, type AddIssue } from './ga4-params.js';
import { checkEventId } from './ids.js';
import { decimalToMinorUnits, exponentOf } from './minor-units.js';
import { EVENT_NAME, EVENT_NAME_RULE, isCustomEventName, isStandardEventType } from './schema.js';
import { countIssueCode, isObject } from './validate-common.js';
import type { EventDataInput, EventInput, IssueCode, StandardEventType } from './types.js';


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
const MAPPED_PARAMS = /* @__PURE__ */ new Set(['value', 'currency', 'transaction_id', 'items']);
const RESERVED_DATA_KEYS = /* @__PURE__ */ new Set(['type', 'amount', 'contents', 'planId']);
// Never copied as keys: assigning them on a plain object could change its prototype.
const UNSAFE_KEYS = /* @__PURE__ */ new Set(['__proto__', 'constructor', 'prototype']);
const ITEM_TEXT = ['item_id', 'item_name', 'item_category', 'item_variant'];
const MUST_BE_COUNT = 'must be a non-negative integer';
// Issue codes of an amount's form, which hold whatever the currency.
const FORM_CODES = ['invalid_type', 'negative', 'invalid_format'];

/**
 * Maps a GA4 event to a friendly {@link EventInput} for `buildEvent` / `track` (spec §9).
 *
 * - Names: {@link GA4_EVENT_MAP}; any other name becomes a `custom` event with the GA4 name as
 *   `customEventName` when it is a valid custom name (lowercase `[a-z0-9_-]`, 1–64, letter or digit
 *   at both ends, neither `custom` nor a standard name), else a `CapiValidationError` (never a silent rename).
 *   `refund` and `add_payment_info` therefore become custom events of the same name.
 * - `transaction_id` → `id`, verbatim (an integer: its digits), so a pixel tag or a server event
 *   sending the same order id deduplicates with it; it must pass the id rule (`checkEventId`).
 * - `value` + `currency` → data `value` (major units, converted exactly by the builder) + `currency`
 *   (uppercased; required with a `value`). Without `value`, when every item has a `price`, the
 *   amount is the exact sum of `price × quantity` (quantity defaults to 1), computed in minor units
 *   and given as `amount`. Amounts finer than the currency are errors (never rounded).
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
  const event = ga4EventOf(eventName);
  if (!event) {
    // Not mapped, and not usable as a custom event name: never a silent rename.
    if (typeof eventName === 'string' && EVENT_NAME.test(eventName)) {
      fail('eventName', 'reserved_name', 'must not be custom or an OpenAI event type (those are not GA4 events)');
    }
    fail('eventName', 'invalid_format', `must be a mapped GA4 event or a custom event name: ${EVENT_NAME_RULE}`);
  }
  try {
    return mapParamsWith(event, params, 'params', checkDetails, (id, path, issues) => {
      const before = issues.length;
      checkEventId(id, path, issues);
      return issues.length > before;
    });
  } catch (cause) {
    if (CapiError.isInstance(cause)) throw cause;
    // A throwing getter or proxy in the params: reported like buildEvent reports one.
    throw new CapiValidationError([{ path: 'params', code: 'unreadable', message: 'could not be read' }], undefined, { cause });
  }
}

/**
 * The OpenAI event a GA4 event name maps to (spec §9): `{ type }` from {@link GA4_EVENT_MAP}, else
 * `{ type: 'custom', customEventName }` for a valid custom event name, else `undefined`.
 *
 * @example ga4EventOf('purchase') // { type: 'order_created' }
 */
export function ga4EventOf(eventName: unknown): EventInput | undefined {
  const mapped = typeof eventName === 'string' ? own(GA4_EVENT_MAP, eventName) : undefined;
  if (isStandardEventType(mapped)) return { type: mapped };
  if (isCustomEventName(eventName)) return { type: 'custom', customEventName: eventName };
  return undefined;
}

// fromGa4's own rules on top of mapGa4Params: the type of every mapped field, and amounts exact in
// the currency (`toMinorUnits`' rule), named at the GA4 param; and the other params of custom events.
// The browser leaves these to the relay's builder.
function checkDetails(params: Record<string, unknown>, data: EventDataInput, add: AddIssue, type: EventInput['type']): void {
  const currency = own(params, 'currency');
  const code = typeof currency === 'string' ? currency.toUpperCase() : undefined;
  // Without a usable currency only the form is checked (mapGa4Params reports a missing currency).
  const money = (amount: unknown, at: string): void => {
    try {
      decimalToMinorUnits(amount as number, code === undefined ? 0 : exponentOf(code), code ?? '', 'params' + at);
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      for (const issue of error.issues) if (code !== undefined || FORM_CODES.includes(issue.code)) add(at, issue.code as IssueCode, issue.message);
    }
  };
  const value = own(params, 'value');
  const items = own(params, 'items');
  if (currency !== undefined && code === undefined) add('.currency', 'invalid_type', 'must be a string');
  if (value !== undefined) money(value, '.value');
  if (Array.isArray(items)) {
    items.forEach((item: unknown, i) => {
      if (!isObject(item)) return;
      const at = `.items[${i}]`;
      for (const key of ITEM_TEXT) {
        const text = own(item, key);
        if (text !== undefined && typeof text !== 'string') add(`${at}.${key}`, 'invalid_type', 'must be a string');
      }
      // Core's count rule; GA4 paths report every number that breaks it as not_integer.
      const quantity = own(item, 'quantity');
      const count = quantity === undefined ? undefined : countIssueCode(quantity);
      if (count) add(`${at}.quantity`, count === 'invalid_type' ? count : 'not_integer', MUST_BE_COUNT);
      const price = own(item, 'price');
      if (price !== undefined) money(price, `${at}.price`);
    });
  }
  if (type === 'custom') copyCustomParams(params, data, add);
}

function copyCustomParams(params: Record<string, unknown>, data: EventDataInput, add: AddIssue): void {
  for (const key of Object.keys(params)) {
    if (MAPPED_PARAMS.has(key) || UNSAFE_KEYS.has(key)) continue;
    const value = params[key];
    if (value === undefined) continue;
    if (RESERVED_DATA_KEYS.has(key)) {
      add(`.${key}`, 'reserved_name', 'must not be named like a data key (rename the GA4 param)');
    } else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      data[key] = value;
    } else {
      add(`.${key}`, 'invalid_type', 'must be a string, a finite number or a boolean');
    }
  }
}
