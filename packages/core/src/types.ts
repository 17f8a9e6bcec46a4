/**
 * Wire types of the OpenAI Ads Conversions API (snake_case, exactly as sent) and the friendly
 * camelCase input accepted by {@link buildEvent}. See `spec/conversions-api.md` §2–§6.
 */

/** The 13 event types the Conversions API accepts (§5). */
export type EventType =
  | 'page_viewed'
  | 'contents_viewed'
  | 'items_added'
  | 'checkout_started'
  | 'order_created'
  | 'lead_created'
  | 'registration_completed'
  | 'appointment_scheduled'
  | 'subscription_created'
  | 'trial_started'
  | 'app_installed'
  | 'app_opened'
  | 'custom';

/** Standard (non-custom) event types. */
export type StandardEventType = Exclude<EventType, 'custom'>;

/** `data.type`: the shape of an event's data (§6). */
export type DataShape = 'contents' | 'customer_action' | 'plan_enrollment' | 'custom';

/** Where the conversion happened (§3). */
export type ActionSource =
  | 'web'
  | 'mobile_app'
  | 'offline'
  | 'physical_store'
  | 'phone_call'
  | 'email'
  | 'other';

/** One item of `data.contents` on the wire (§6). */
export interface WireContentItem {
  /** Your id of the item (SKU, content id). */
  id?: string;
  /** Id of the group the item belongs to (product family, variant group). */
  group_id?: string;
  /** Human-readable name of the item. */
  name?: string;
  /** Kind of item, e.g. `product`; non-empty. */
  content_type?: string;
  /** Number of units, a non-negative integer. */
  quantity?: number;
  /** Integer minor units (unit price preferred). */
  amount?: number;
  /** ISO 4217 code of the item `amount`; may be omitted when the event data has a currency. */
  currency?: string;
  /** Variant attributes, string to string (e.g. `{ size: 'M' }`). */
  variant_dict?: Record<string, string>;
}

/** `data` on the wire. Custom events may carry extra keys. */
export interface WireEventData {
  /** The data shape; must match the event type (see `dataShapeOf`). */
  type: DataShape;
  /** Integer minor units of `currency`. */
  amount?: number;
  /** Uppercase ISO 4217 code; required with `amount`. */
  currency?: string;
  /** The items of the conversion; not allowed on `customer_action` data. */
  contents?: WireContentItem[];
  /** The plan subscribed to; `plan_enrollment` and `custom` data only. */
  plan_id?: string;
  [extra: string]: unknown;
}

/** `user` on the wire: plural hashed lists, raw geo, raw device fields (§4). */
export interface WireUser {
  /** SHA-256 of normalized email addresses (1–3 values). */
  emails_sha256?: string[];
  /** SHA-256 of normalized phone numbers, country code included (1–3 values). */
  phone_numbers_sha256?: string[];
  /** SHA-256 of your own user ids, case preserved (1–3 values). */
  external_ids_sha256?: string[];
  /** SHA-256 of normalized first names (1–3 values). */
  first_names_sha256?: string[];
  /** SHA-256 of normalized last names (1–3 values). */
  last_names_sha256?: string[];
  /** Cities, raw and trimmed, at most 128 characters (1–3 values). */
  cities?: string[];
  /** Regions or states, raw and trimmed, at most 128 characters (1–3 values). */
  regions?: string[];
  /** Postal codes, raw: letters, digits, spaces, hyphens, at most 32 characters (1–3 values). */
  postal_codes?: string[];
  /** ISO 3166-1 alpha-2 country codes, uppercase (1–3 values). */
  countries?: string[];
  /** The pixel's browser id from the `__obref` cookie, unchanged. */
  obref?: string;
  /** The visitor's IPv4 or IPv6 address. */
  ip_address?: string;
  /** The visitor's `User-Agent`. */
  user_agent?: string;
  /** Google Advertising ID (UUID format). */
  android_advertising_id?: string;
}

/** One event as sent to `POST /v1/events` (§3). */
export interface WireEvent {
  /** Dedupe key, at most 256 characters; the pixel's `event_id` for the same conversion. */
  id: string;
  /** The event type. */
  type: EventType;
  /** When the conversion happened, Unix ms; within the last 7 days and at most 10 minutes ahead when received. */
  timestamp_ms: number;
  /** Name of a `custom` event (lowercase `[a-z0-9_-]`, 1–64 chars); forbidden on standard events. */
  custom_event_name?: string;
  /** The ad click id, exactly as read from the landing URL or the `__oppref` cookie. */
  oppref?: string;
  /** Absolute http(s) URL where the conversion happened; required when `action_source` is `web`. */
  source_url?: string;
  /** Where the conversion happened; `mobile_app` for `app_installed`/`app_opened`. */
  action_source?: ActionSource;
  /** `true` excludes the event from user-level personalization (it is still counted). */
  opt_out?: boolean;
  /** Hashed and raw identities of the person who converted. */
  user?: WireUser;
  /** The event data; `data.type` must match the event type. */
  data: WireEventData;
}

/** The request body of `POST /v1/events` (§2). */
export interface WireRequestBody {
  /** `true`: the API validates the events and saves none. */
  validate_only?: boolean;
  /** Stable id of the sending integration (1–64 of `[A-Za-z0-9._-]`). */
  integration_source?: string;
  /** 1 to 1000 events; one invalid event fails the whole request. */
  events: WireEvent[];
}

/** The pixel's singular user object for `oaiq('init', { pixelId, user })` (§4). */
export interface PixelUser {
  /** SHA-256 of the normalized email address. */
  email_sha256?: string;
  /** SHA-256 of the normalized phone number. */
  phone_number_sha256?: string;
  /** SHA-256 of your user id. */
  external_id_sha256?: string;
  /** SHA-256 of the normalized first name. */
  first_name_sha256?: string;
  /** SHA-256 of the normalized last name. */
  last_name_sha256?: string;
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  /** City, raw. */
  city?: string;
  /** Region or state, raw. */
  region?: string;
  /** Postal code, raw. Sent under both keys until OpenAI settles which one the pixel reads (docs/spec-decisions.md). */
  postal_code?: string;
  /** The same postal code: the docs' `init` example says `zip_code`, the field list `postal_code`. */
  zip_code?: string;
}

/** A value or a list of values for a user field. */
export type OneOrMany = string | readonly string[];

/** Friendly user input: raw values are normalized and hashed by `hashUser`. */
export interface UserInput {
  /** Email address(es): trimmed, lowercased, then hashed. */
  email?: OneOrMany | undefined;
  /** Phone number(s) with country code (`+1 415 555 2671`): digits kept, then hashed. */
  phone?: OneOrMany | undefined;
  /** Your user id(s): trimmed (case kept), then hashed. */
  externalId?: OneOrMany | undefined;
  /** First name(s): lowercased, spaces and punctuation removed, then hashed. */
  firstName?: OneOrMany | undefined;
  /** Last name(s): lowercased, spaces and punctuation removed, then hashed. */
  lastName?: OneOrMany | undefined;
  /** City or cities, sent raw (trimmed). */
  city?: OneOrMany | undefined;
  /** Region(s) or state(s), sent raw (trimmed). */
  region?: OneOrMany | undefined;
  /** Postal code(s), sent raw (trimmed). */
  postalCode?: OneOrMany | undefined;
  /** ISO 3166-1 alpha-2 code(s) such as `US`, sent uppercased. */
  country?: OneOrMany | undefined;
  /** Already-hashed values (64 hex chars); lowercased, never hashed again. */
  emailSha256?: OneOrMany | undefined;
  /** Already-hashed phone number(s) (64 hex chars). */
  phoneSha256?: OneOrMany | undefined;
  /** Already-hashed user id(s) (64 hex chars). */
  externalIdSha256?: OneOrMany | undefined;
  /** Already-hashed first name(s) (64 hex chars). */
  firstNameSha256?: OneOrMany | undefined;
  /** Already-hashed last name(s) (64 hex chars). */
  lastNameSha256?: OneOrMany | undefined;
  /** The pixel's browser id from the `__obref` cookie, passed unchanged. */
  obref?: string | undefined;
  /** The visitor's IPv4 or IPv6 address. */
  ipAddress?: string | undefined;
  /** The visitor's `User-Agent`, passed unchanged. */
  userAgent?: string | undefined;
  /** Google Advertising ID (UUID format). */
  androidAdvertisingId?: string | undefined;
}

/** Money in friendly input: `value` (major units) or `amount` (integer minor units), never both. */
export interface MoneyInput {
  /** Major units, as a number (`19.99`) or decimal string (`"19.99"`); converted exactly. */
  value?: number | string | undefined;
  /** Integer minor units, passed through unchanged. */
  amount?: number | undefined;
  /** ISO 4217 code; required with `value`/`amount`. */
  currency?: string | undefined;
}

/** One friendly content item. */
export interface ContentItemInput extends MoneyInput {
  /** Your id of the item (SKU, content id). */
  id?: string | undefined;
  /** Id of the item's group; sent as `group_id`. */
  groupId?: string | undefined;
  /** Human-readable name of the item. */
  name?: string | undefined;
  /** Kind of item, e.g. `product`; sent as `content_type`. */
  contentType?: string | undefined;
  /** Number of units, a non-negative integer. */
  quantity?: number | undefined;
  /** Variant attributes, string to string; sent as `variant_dict`. */
  variantDict?: Record<string, string> | undefined;
}

/** Friendly `data`: `type` is filled in from the event name. Custom events may carry extra keys. */
export interface EventDataInput extends MoneyInput {
  /** Optional; when given it must match the event's data shape. */
  type?: DataShape | undefined;
  /** The items of the conversion; not allowed on `customer_action` events. */
  contents?: readonly ContentItemInput[] | undefined;
  /** The plan subscribed to (subscription and trial events); sent as `plan_id`. */
  planId?: string | undefined;
  [extra: string]: unknown;
}

/** Friendly input to {@link buildEvent}. */
export interface EventInput {
  /** The event type (`custom` needs `customEventName`). */
  type: EventType;
  /**
   * The event id, sent verbatim: your order, lead or subscription id, the same one the pixel and
   * any other integration send for this conversion (so they deduplicate). Not blank, at most 256
   * chars, not an e-mail address. Default: a random `createEventId()`.
   */
  id?: string | undefined;
  /** `Date` or Unix ms; default: now. */
  timestamp?: Date | number | undefined;
  /** Name of a `custom` event: lowercase `[a-z0-9_-]`, 1–64 chars, not a standard type. */
  customEventName?: string | undefined;
  /** The ad click id, passed unchanged. */
  oppref?: string | undefined;
  /** Page where the conversion happened; required for `web` (the default action source). */
  sourceUrl?: string | undefined;
  /** Keep the query string and fragment of `sourceUrl` (default false: they are stripped). */
  keepSourceUrlQuery?: boolean | undefined;
  /** Where the conversion happened (default `web`). */
  actionSource?: ActionSource | undefined;
  /** `true` excludes the event from user-level personalization (it is still sent and counted). */
  optOut?: boolean | undefined;
  /** Who converted: normalized and hashed by `hashUser`. */
  user?: UserInput | undefined;
  /** Event data; `data.type` is filled in from `type`. */
  data?: EventDataInput | undefined;
}

/**
 * The stable `code` of every {@link Issue} core reports. Codes name the kind of rule broken; the
 * `path` names the field and the `message` states the rule in words.
 *
 * | code | meaning |
 * |---|---|
 * | `required` | a required field is missing (or `undefined`) |
 * | `invalid_type` | wrong type (string, integer, boolean, plain object, array expected; `options.now` not a finite number) |
 * | `unknown_field` | a key not known at this place (typos included) |
 * | `unknown_option` | an option name a function does not take (`unknownOptionIssues`: `flush_at`, `pixelIds`) |
 * | `forbidden_field` | a known key not allowed here (`contents` on customer_action data, `plan_id` outside plan_enrollment/custom, `custom_event_name` on a standard event, `user` in `buildEventWithoutUser`) |
 * | `empty` | empty (or blank) string, empty list or batch |
 * | `too_long` | a string over its cap (`id` 256, email 254, city/region 128) |
 * | `too_many` | a user list over 3 unique values, a batch over 1000 events |
 * | `duplicate` | a wire user list repeats a value |
 * | `duplicate_event` | a batch repeats a (type or custom name, id) pair |
 * | `not_integer`, `negative`, `too_large` | integers: `timestamp_ms`, `amount`, `quantity`; money over 2^53 − 1 minor units |
 * | `too_precise` | a decimal amount with more decimals than its currency has |
 * | `too_old`, `in_future` | `timestamp_ms` before now − 7 days or after now + 10 minutes |
 * | `invalid_value` | not one of an enum (`type`, `action_source`) |
 * | `invalid_format` | a string breaking its format (email, phone, name, decimal amount, custom event name, hashes, geo, IP, GAID, integration source; a lone surrogate in a value to hash or an id; an id shaped like an e-mail address) |
 * | `invalid_url` | `source_url` not an absolute http(s) URL with a host |
 * | `reserved_name` | a custom event name equal to `custom` or a standard event type; a GA4 param named like a data key; a wire custom data key `value` or `planId` (`eventInputFromWire`) |
 * | `shape_mismatch` | `data.type` is not the data shape of the event type |
 * | `action_source_mismatch` | app_installed/app_opened without `action_source: mobile_app` |
 * | `unknown_currency` | not an uppercase ISO 4217 code of the pinned table |
 * | `looks_hashed` | a 64-hex value in a raw user field (use its `*Sha256` twin; city and region have none: send them raw) |
 * | `not_json` | a custom data value JSON cannot carry faithfully (bigint, function, NaN, cycles, a `Date`, a `Map`, anything with `toJSON`) |
 * | `conflict` | two fields that exclude each other (`value` and `amount`; `planId` and `plan_id`) |
 * | `unreadable` | reading the input threw (getter, proxy) |
 * | `failed` | a step failed for a reason outside the input (no Web Crypto, a throwing hasher) |
 */
export type IssueCode =
  | 'required'
  | 'invalid_type'
  | 'unknown_field'
  | 'unknown_option'
  | 'forbidden_field'
  | 'empty'
  | 'too_long'
  | 'too_many'
  | 'duplicate'
  | 'duplicate_event'
  | 'not_integer'
  | 'negative'
  | 'too_large'
  | 'too_precise'
  | 'too_old'
  | 'in_future'
  | 'invalid_value'
  | 'invalid_format'
  | 'invalid_url'
  | 'reserved_name'
  | 'shape_mismatch'
  | 'action_source_mismatch'
  | 'unknown_currency'
  | 'looks_hashed'
  | 'not_json'
  | 'conflict'
  | 'unreadable'
  | 'failed';

/**
 * One validation problem. `formatIssues` prints it as `path: message`, e.g.
 * `data.contents[0].quantity: must be a non-negative integer`.
 */
export interface Issue {
  /** Where: JSON-ish path, e.g. `data.contents[0].quantity`; batch issues start with `events[3].`; `''` is the input itself. */
  path: string;
  /**
   * Which rule, machine-readable. Core only reports {@link IssueCode}s; the type stays `string` so
   * platform packages can report their own codes (e.g. a relay's `not_allowed`) in the same shape.
   */
  code: string;
  /** The rule in words, without the path (`must be a non-negative integer`); never contains raw personal data. */
  message: string;
}

/** Result of a validation: the typed event, or every issue found. */
export type ValidationResult<T> =
  | {
      /** The input passed every rule. */
      ok: true;
      /** The input itself, now typed. */
      event: T;
    }
  | {
      /** The input broke at least one rule. */
      ok: false;
      /** Every issue found, in input order. */
      issues: Issue[];
    };

/**
 * Result of `validateEvent`: {@link ValidationResult} plus `warnings`, the invalid optional fields
 * left out of `event` (spec §10; empty in `strict` mode). Warnings carry paths and rules, never values.
 */
export type EventValidationResult =
  | {
      /** The event passed every rule that rejects (warnings aside). */
      ok: true;
      /** The event, typed: the input itself, or a copy without the fields named in `warnings`. */
      event: WireEvent;
      /** Invalid optional fields left out of `event`, one issue each. */
      warnings: Issue[];
    }
  | {
      /** The event broke at least one rule that rejects it. */
      ok: false;
      /** Every issue that rejects the event, in input order. */
      issues: Issue[];
      /** Invalid optional fields found as well (they alone would not reject it). */
      warnings: Issue[];
    };

/** A SHA-256 function: UTF-8 text in, 64 lowercase hex chars out. */
export type Hasher = (text: string) => string;

/** Options shared by functions that read the clock. */
export interface ClockOptions {
  /** Current Unix ms (default `Date.now()`); inject for tests and replay. */
  now?: number | undefined;
}
