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
  id?: string;
  group_id?: string;
  name?: string;
  content_type?: string;
  quantity?: number;
  /** Integer minor units (unit price preferred). */
  amount?: number;
  currency?: string;
  variant_dict?: Record<string, string>;
}

/** `data` on the wire. Custom events may carry extra keys. */
export interface WireEventData {
  type: DataShape;
  /** Integer minor units of `currency`. */
  amount?: number;
  currency?: string;
  contents?: WireContentItem[];
  plan_id?: string;
  [extra: string]: unknown;
}

/** `user` on the wire: plural hashed lists, raw geo, raw device fields (§4). */
export interface WireUser {
  emails_sha256?: string[];
  phone_numbers_sha256?: string[];
  external_ids_sha256?: string[];
  first_names_sha256?: string[];
  last_names_sha256?: string[];
  cities?: string[];
  regions?: string[];
  postal_codes?: string[];
  countries?: string[];
  obref?: string;
  ip_address?: string;
  user_agent?: string;
  android_advertising_id?: string;
}

/** One event as sent to `POST /v1/events` (§3). */
export interface WireEvent {
  id: string;
  type: EventType;
  timestamp_ms: number;
  custom_event_name?: string;
  oppref?: string;
  source_url?: string;
  action_source?: ActionSource;
  opt_out?: boolean;
  user?: WireUser;
  data: WireEventData;
}

/** The request body of `POST /v1/events` (§2). */
export interface WireRequestBody {
  validate_only?: boolean;
  integration_source?: string;
  events: WireEvent[];
}

/** The pixel's singular user object for `oaiq('init', { pixelId, user })` (§4). */
export interface PixelUser {
  email_sha256?: string;
  phone_number_sha256?: string;
  external_id_sha256?: string;
  first_name_sha256?: string;
  last_name_sha256?: string;
  country?: string;
  city?: string;
  region?: string;
  postal_code?: string;
}

/** A value or a list of values for a user field. */
export type OneOrMany = string | readonly string[];

/** Friendly user input: raw values are normalized and hashed by {@link hashUser}. */
export interface UserInput {
  email?: OneOrMany;
  phone?: OneOrMany;
  externalId?: OneOrMany;
  firstName?: OneOrMany;
  lastName?: OneOrMany;
  city?: OneOrMany;
  region?: OneOrMany;
  postalCode?: OneOrMany;
  country?: OneOrMany;
  /** Already-hashed values (64 hex chars); lowercased, never hashed again. */
  emailSha256?: OneOrMany;
  phoneSha256?: OneOrMany;
  externalIdSha256?: OneOrMany;
  firstNameSha256?: OneOrMany;
  lastNameSha256?: OneOrMany;
  obref?: string;
  ipAddress?: string;
  userAgent?: string;
  androidAdvertisingId?: string;
}

/** Money in friendly input: `value` (major units) or `amount` (integer minor units), never both. */
export interface MoneyInput {
  /** Major units, as a number (`19.99`) or decimal string (`"19.99"`); converted exactly. */
  value?: number | string;
  /** Integer minor units, passed through unchanged. */
  amount?: number;
  /** ISO 4217 code; required with `value`/`amount`. */
  currency?: string;
}

/** One friendly content item. */
export interface ContentItemInput extends MoneyInput {
  id?: string;
  groupId?: string;
  name?: string;
  contentType?: string;
  quantity?: number;
  variantDict?: Record<string, string>;
}

/** Friendly `data`: `type` is filled in from the event name. Custom events may carry extra keys. */
export interface EventDataInput extends MoneyInput {
  /** Optional; when given it must match the event's data shape. */
  type?: DataShape;
  contents?: readonly ContentItemInput[];
  planId?: string;
  [extra: string]: unknown;
}

/** Friendly input to {@link buildEvent}. */
export interface EventInput {
  type: EventType;
  /** The event id; takes precedence over `key`. */
  id?: string;
  /** A natural key (order id…) from which the id is derived with `deriveEventId`. */
  key?: string;
  /** `Date` or Unix ms; default: now. */
  timestamp?: Date | number;
  customEventName?: string;
  oppref?: string;
  sourceUrl?: string;
  /** Keep the query string and fragment of `sourceUrl` (default false: they are stripped). */
  keepSourceUrlQuery?: boolean;
  actionSource?: ActionSource;
  optOut?: boolean;
  user?: UserInput;
  data?: EventDataInput;
}

/** One validation problem: where, which rule (stable code), and a message naming the rule. */
export interface Issue {
  /** JSON-ish path, e.g. `data.contents[0].quantity`; batch issues start with `events[3].`. */
  path: string;
  /** Stable machine-readable code, e.g. `too_long`, `not_integer`. */
  code: string;
  /** Human-readable message naming the field and the rule; never contains raw personal data. */
  message: string;
}

/** Result of a validation: the typed event, or every issue found. */
export type ValidationResult<T> = { ok: true; event: T } | { ok: false; issues: Issue[] };

/** A SHA-256 function: UTF-8 text in, 64 lowercase hex chars out. */
export type Hasher = (text: string) => string;

/** Options shared by functions that read the clock. */
export interface ClockOptions {
  /** Current Unix ms (default `Date.now()`); inject for tests and replay. */
  now?: number;
}
