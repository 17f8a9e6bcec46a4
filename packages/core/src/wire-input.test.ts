import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { eventInputFromWire, userInputFromWire } from './wire-input.js';
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

describe('userInputFromWire', () => {
  const H = 'A'.repeat(64);

  it('maps wire keys to UserInput keys, hashed lists to the pre-hashed fields', () => {
    expect(
      userInputFromWire({
        emails_sha256: [H],
        phone_numbers_sha256: [H],
        external_ids_sha256: [H],
        first_names_sha256: [H],
        last_names_sha256: [H],
        cities: ['Paris'],
        regions: ['IDF'],
        postal_codes: ['75001'],
        countries: ['FR'],
        obref: 'ob',
        ip_address: '203.0.113.5',
        user_agent: 'UA/1',
        android_advertising_id: '38400000-8cf0-11bd-b23e-10b96e40000d',
      }),
    ).toEqual({
      emailSha256: [H],
      phoneSha256: [H],
      externalIdSha256: [H],
      firstNameSha256: [H],
      lastNameSha256: [H],
      city: ['Paris'],
      region: ['IDF'],
      postalCode: ['75001'],
      country: ['FR'],
      obref: 'ob',
      ipAddress: '203.0.113.5',
      userAgent: 'UA/1',
      androidAdvertisingId: '38400000-8cf0-11bd-b23e-10b96e40000d',
    });
  });

  it('round-trips through buildEvent without hashing twice', () => {
    const user = { emails_sha256: ['a'.repeat(64)], countries: ['US'], obref: 'ob' };
    const event = buildEvent({ type: 'lead_created', sourceUrl: 'https://shop.example/', user: userInputFromWire(user) }, { now: NOW });
    expect(event.user).toEqual(user);
  });

  it('keeps camelCase keys, drops undefined values, passes unknown keys on for hashUser to report', () => {
    const input = userInputFromWire({ email: 'a@b.co', countries: undefined, bogus: 1, ['__proto__']: { polluted: true } });
    expect(Object.keys(input)).toEqual(['email', 'bogus', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const error = (() => {
      try {
        buildEvent({ type: 'lead_created', sourceUrl: 'https://shop.example/', user: userInputFromWire({ bogus: 1 }) }, { now: NOW });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(CapiValidationError.isInstance(error) && error.issues.map((i) => i.path)).toEqual(['user.bogus']);
  });

  it('returns {} for undefined and rejects anything else that is not an object', () => {
    expect(userInputFromWire(undefined)).toEqual({});
    for (const bad of [null, 'x', 1, ['a']]) {
      expect(() => userInputFromWire(bad)).toThrow(CapiValidationError);
      try {
        userInputFromWire(bad);
      } catch (e) {
        expect((e as CapiValidationError).issues).toEqual([{ path: 'user', code: 'invalid_type', message: 'must be an object' }]);
      }
    }
  });
});

describe('eventInputFromWire: custom keys the builder would reinterpret', () => {
  it('refuses data.value and data.planId rather than turn them into money or plan_id', async () => {
    const { eventInputFromWire } = await import('./wire-input.js');
    const { CapiValidationError } = await import('./errors.js');
    const wire = { id: 'c1', type: 'custom', custom_event_name: 'quote', timestamp_ms: 1, data: { type: 'custom', value: 3, planId: 'x', tier: 'gold' } };
    try {
      eventInputFromWire(wire);
      expect.unreachable();
    } catch (error) {
      expect(CapiValidationError.isInstance(error)).toBe(true);
      expect((error as InstanceType<typeof CapiValidationError>).issues.map((i) => `${i.path}:${i.code}`)).toEqual(['data.value:reserved_name', 'data.planId:reserved_name']);
    }
  });
});
