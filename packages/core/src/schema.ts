/**
 * The static schema of the Conversions API (spec §3, §5): event types, their data shapes, action
 * sources, the custom event name rule and the limits this project enforces.
 */
import type { ActionSource, DataShape, EventType, StandardEventType } from './types.js';

const SHAPES: Readonly<Record<EventType, DataShape>> = {
  page_viewed: 'contents',
  contents_viewed: 'contents',
  items_added: 'contents',
  checkout_started: 'contents',
  order_created: 'contents',
  lead_created: 'customer_action',
  registration_completed: 'customer_action',
  appointment_scheduled: 'customer_action',
  subscription_created: 'plan_enrollment',
  trial_started: 'plan_enrollment',
  app_installed: 'customer_action',
  app_opened: 'customer_action',
  custom: 'custom',
};

/** The 13 event types, in the order of spec §5 (`custom` last). */
export const EVENT_TYPES: readonly EventType[] = /* @__PURE__ */ Object.keys(SHAPES) as EventType[];

/** The 12 standard (non-custom) event types. */
export const STANDARD_EVENT_TYPES: readonly StandardEventType[] = /* @__PURE__ */ EVENT_TYPES.slice(0, -1) as StandardEventType[];

/** Every `action_source` value (§3). */
export const ACTION_SOURCES: readonly ActionSource[] = ['web', 'mobile_app', 'offline', 'physical_store', 'phone_call', 'email', 'other'];

/** Max events in one request (§2). */
export const MAX_BATCH_EVENTS = 1000;
/** Max length of an event `id` (undocumented by OpenAI; this project's cap). */
export const MAX_EVENT_ID_LENGTH = 256;
/** How far in the past `timestamp_ms` may be when OpenAI receives it: 7 days. */
export const MAX_PAST_MS = 604_800_000;
/** How far in the future `timestamp_ms` may be: 10 minutes. */
export const MAX_FUTURE_MS = 600_000;

/**
 * The form of every event name: 1–64 of `[a-z0-9_-]`, a letter or digit at both ends. Event types
 * match it too.
 */
export const EVENT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

/** The rule of `EVENT_NAME`, in words, for issue messages. */
export const EVENT_NAME_RULE = 'must be 1-64 of a-z 0-9 _ -, with a letter or digit at both ends';

/** The `data.type` an event of type `type` must carry (`order_created` → `contents`). */
export function dataShapeOf(type: EventType): DataShape {
  return SHAPES[type];
}

/** True for one of the 13 event types. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(SHAPES, value);
}

/** True for a standard event type (every type but `custom`). */
export function isStandardEventType(value: unknown): value is StandardEventType {
  return value !== 'custom' && isEventType(value);
}

/** True for event types the browser pixel accepts: all but `app_installed` and `app_opened`. */
export function isPixelEventType(value: unknown): value is EventType {
  return value !== 'app_installed' && value !== 'app_opened' && isEventType(value);
}

/** True for one of the 7 `action_source` values. */
export function isActionSource(value: unknown): value is ActionSource {
  return ACTION_SOURCES.includes(value as ActionSource);
}

/**
 * True for a valid `custom_event_name`: `EVENT_NAME` form (lowercase, since the pixel drops
 * other names) and not reserved, i.e. neither `custom` nor a standard event type.
 */
export function isCustomEventName(value: unknown): value is string {
  return typeof value === 'string' && EVENT_NAME.test(value) && !isEventType(value);
}

/**
 * The name under which OpenAI deduplicates an event (spec §7): its `type`, or its
 * `custom_event_name` for `custom` events (`custom` when a custom event lacks one, which only an
 * invalid event can). With the pixel id and the event `id` it forms the dedupe key.
 */
export function dedupeNameOf(event: { type: string; custom_event_name?: string | undefined }): string {
  return event.type === 'custom' ? (event.custom_event_name ?? 'custom') : event.type;
}
