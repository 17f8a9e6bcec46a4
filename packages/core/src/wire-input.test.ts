import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { eventInputFromWire } from './wire-input.js';
import { NOW } from './__fixtures__/events.js';

const relayEvent = {
  id: 'order_12345',
  type: 'order_created',
  timestamp_ms: NOW - 60_000,
  source_url: 'https://shop.example/checkout',
  oppref: 'oppref_abc',
  obref: 'obref_1',
  opt_out: true,
  data: {
    type: 'contents',
    amount: 2599,
    currency: 'USD',
    contents: [{ id: 'sku', group_id: 'g', content_type: 'product', quantity: 1, amount: 2599, variant_dict: { size: 'M' } }],
  },
};

describe('eventInputFromWire', () => {
  it('maps a relay event to friendly input, leaving obref to the caller', () => {
    expect(eventInputFromWire(relayEvent)).toEqual({
      id: 'order_12345',
      type: 'order_created',
      timestamp: NOW - 60_000,
      sourceUrl: 'https://shop.example/checkout',
      oppref: 'oppref_abc',
      optOut: true,
      keepSourceUrlQuery: false,
      data: {
        type: 'contents',
        amount: 2599,
        currency: 'USD',
        contents: [{ id: 'sku', groupId: 'g', contentType: 'product', quantity: 1, amount: 2599, variantDict: { size: 'M' } }],
      },
    });
  });

  it('round-trips through buildEvent to the same wire event (action_source web added)', () => {
    const { obref: _, ...wire } = relayEvent;
    expect(buildEvent(eventInputFromWire(relayEvent), { now: NOW })).toEqual({ ...wire, action_source: 'web' });
    const custom = { id: 'q1', type: 'custom', custom_event_name: 'quote', timestamp_ms: NOW, action_source: 'offline',
      data: { type: 'custom', plan_id: 'p', tier: 'gold', nested: { a: 1 } } };
    expect(buildEvent(eventInputFromWire(custom), { now: NOW })).toEqual(custom);
  });

  it('does not map a client-sent user', () => {
    expect('user' in eventInputFromWire({ ...relayEvent, user: { emails_sha256: ['x'] } })).toBe(false);
  });

  it('passes malformed data through for buildEvent to report', () => {
    expect(eventInputFromWire({ ...relayEvent, data: 'x' }).data).toBe('x');
    const input = eventInputFromWire({ ...relayEvent, data: { type: 'contents', contents: [{ sku: 1 }, 2], bogus: 1 } });
    expect(input.data).toEqual({ type: 'contents', contents: [{ sku: 1 }, 2], bogus: 1 });
    try {
      buildEvent(input, { now: NOW });
      expect.unreachable();
    } catch (error) {
      expect((error as CapiValidationError).issues.map((i) => `${i.path}:${i.code}`)).toEqual([
        'data.contents[0].sku:unknown_field',
        'data.bogus:unknown_field',
        'data.contents[1]:invalid_type',
      ]);
    }
  });

  it('throws CapiValidationError for a non-object or unknown event keys', () => {
    for (const wire of [null, 'x', [], 1]) expect(() => eventInputFromWire(wire)).toThrow(CapiValidationError);
    try {
      eventInputFromWire({ ...relayEvent, timestamp: 1, key: 'k' });
      expect.unreachable();
    } catch (error) {
      expect((error as CapiValidationError).issues.map((i) => `${i.path}:${i.code}`)).toEqual([
        'timestamp:unknown_field',
        'key:unknown_field',
      ]);
    }
  });

  it('never turns a __proto__ key into a prototype', () => {
    const input = eventInputFromWire(JSON.parse('{"id":"a","type":"custom","data":{"type":"custom","__proto__":{"user":1}}}'));
    expect(Object.getPrototypeOf(input.data)).toBe(Object.prototype);
    expect(Object.keys(input.data ?? {})).toEqual(['type', '__proto__']);
  });
});
