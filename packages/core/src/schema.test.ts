import { describe, expect, it } from 'vitest';
import {
  ACTION_SOURCES,
  dataShapeOf,
  EVENT_TYPES,
  isActionSource,
  isCustomEventName,
  dedupeNameOf,
  isEventType,
  isPixelEventType,
  isStandardEventType,
  MAX_BATCH_EVENTS,
  MAX_EVENT_ID_LENGTH,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
  STANDARD_EVENT_TYPES,
} from './schema.js';

describe('schema', () => {
  it('lists the 13 event types with their data shapes (spec §5)', () => {
    expect(Object.fromEntries(EVENT_TYPES.map((t) => [t, dataShapeOf(t)]))).toEqual({
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
    });
    expect(STANDARD_EVENT_TYPES).toHaveLength(12);
    expect(STANDARD_EVENT_TYPES).not.toContain('custom');
  });

  it('classifies event types', () => {
    expect(isEventType('custom')).toBe(true);
    expect(isEventType('purchase')).toBe(false);
    expect(isEventType('constructor')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType(undefined)).toBe(false);
    expect(isStandardEventType('order_created')).toBe(true);
    expect(isStandardEventType('custom')).toBe(false);
    expect(isStandardEventType('nope')).toBe(false);
    expect(isPixelEventType('order_created')).toBe(true);
    expect(isPixelEventType('custom')).toBe(true);
    expect(isPixelEventType('app_installed')).toBe(false);
    expect(isPixelEventType('app_opened')).toBe(false);
    expect(isPixelEventType('nope')).toBe(false);
  });

  it('reserves custom and the standard types as custom event names', () => {
    expect(isCustomEventName('quote_requested')).toBe(true);
    expect(isCustomEventName('a')).toBe(true);
    expect(isCustomEventName('custom')).toBe(false);
    expect(isCustomEventName('order_created')).toBe(false);
    expect(isCustomEventName('Quote')).toBe(false);
    expect(isCustomEventName('quote-')).toBe(false);
    expect(isCustomEventName(7)).toBe(false);
  });

  it('lists the action sources and the limits', () => {
    expect(ACTION_SOURCES).toEqual(['web', 'mobile_app', 'offline', 'physical_store', 'phone_call', 'email', 'other']);
    expect(isActionSource('web')).toBe(true);
    expect(isActionSource('WEB')).toBe(false);
    expect([MAX_BATCH_EVENTS, MAX_EVENT_ID_LENGTH, MAX_PAST_MS, MAX_FUTURE_MS]).toEqual([1000, 256, 604_800_000, 600_000]);
  });
});

describe('dedupeNameOf', () => {
  it('is the type, or the custom event name for custom events (spec §7)', () => {
    expect(dedupeNameOf({ type: 'order_created' })).toBe('order_created');
    expect(dedupeNameOf({ type: 'order_created', custom_event_name: 'ignored' })).toBe('order_created');
    expect(dedupeNameOf({ type: 'custom', custom_event_name: 'quote_requested' })).toBe('quote_requested');
    expect(dedupeNameOf({ type: 'custom' })).toBe('custom');
  });
});
