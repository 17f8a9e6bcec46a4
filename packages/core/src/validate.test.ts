import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBatch, validateEvent, validateIntegrationSource } from './validate.js';
import { codes, NOW, order } from './__fixtures__/events.js';

describe('validateBatch', () => {
  it('accepts 1..1000 valid events and returns the same array', () => {
    const events = [order()];
    expect(validateBatch(events, { now: NOW })).toEqual({ ok: true, event: events });
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...order(), id: `o${i}` }));
    expect(validateBatch(many, { now: NOW }).ok).toBe(true);
  });

  it.each([
    [[], ['events:empty']],
    [null, ['events:invalid_type']],
    [{ events: [] }, ['events:invalid_type']],
    [Array.from({ length: 1001 }, (_, i) => ({ ...order(), id: `o${i}` })), ['events:too_many']],
  ])('rejects a bad events array %#', (events, expected) => {
    expect(codes(validateBatch(events, { now: NOW }))).toEqual(expected);
  });

  it('prefixes event issues with events[i].', () => {
    expect(codes(validateBatch([order(), { ...order(), id: 'b', data: { type: 'contents', amount: -1, currency: 'USD' } }, 7], { now: NOW }))).toEqual([
      'events[1].data.amount:negative',
      'events[2]:invalid_type',
    ]);
  });

  it('rejects a repeated (type, id) pair, and (custom_event_name, id) for custom events', () => {
    const custom = (name: string) => ({ ...order(), type: 'custom', custom_event_name: name, data: { type: 'custom' } });
    expect(codes(validateBatch([order(), order(), order()], { now: NOW }))).toEqual([
      'events[1].id:duplicate_event',
      'events[2].id:duplicate_event',
    ]);
    const result = validateBatch([order(), { ...order(), type: 'checkout_started' }, custom('a'), custom('b'), custom('a')], { now: NOW });
    expect(codes(result)).toEqual(['events[4].id:duplicate_event']);
    if (!result.ok) expect(result.issues[0]?.message).toBe('must not repeat the type and id of events[2]');
  });

  it('applies the time window as of the injected now', () => {
    expect(codes(validateBatch([order()], { now: NOW + 604_800_000 }))).toEqual(['events[0].timestamp_ms:too_old']);
  });
});

describe('validateIntegrationSource', () => {
  it.each(['acme_measurement', 'x-openai-capi-node', 'A', 'a.b-c_d', 'a'.repeat(64)])('accepts %s', (value) => {
    expect(validateIntegrationSource(value)).toEqual([]);
  });
  it.each([
    ['', 'invalid_format'],
    ['_acme', 'invalid_format'],
    [' acme', 'invalid_format'], // checked as given: not trimmed (nor lowercased) first
    ['acme measurement', 'invalid_format'],
    ['a'.repeat(65), 'invalid_format'],
    ['acmé', 'invalid_format'],
    [42, 'invalid_type'],
  ])('rejects %j', (value, code) => {
    expect(validateIntegrationSource(value)).toEqual([expect.objectContaining({ path: 'integration_source', code })]);
  });
});

describe('validation never throws', () => {
  it('returns issues for any JSON-like value as an event, a field or a batch', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }), (value) => {
        const results = [
          validateEvent(value, { now: NOW }),
          validateEvent({ ...order(), data: value }, { now: NOW }),
          validateEvent({ ...order(), user: value }, { now: NOW }),
          validateEvent({ ...order(), type: 'custom', custom_event_name: 'x', data: { type: 'custom', value } }, { now: NOW }),
          validateBatch(value, { now: NOW }),
          validateBatch([value], { now: NOW }),
        ];
        for (const r of results) {
          if (!r.ok) for (const issue of r.issues) expect(typeof issue.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('survives random wire-shaped events', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, 'custom', 'contents', 'USD', 'web'));
    const event = fc.record(
      { id: field, type: field, timestamp_ms: field, custom_event_name: field, source_url: field, action_source: field,
        opt_out: field, oppref: field, user: fc.dictionary(fc.constantFrom('emails_sha256', 'cities', 'obref', 'x'), field),
        data: fc.record({ type: field, amount: field, currency: field, contents: fc.array(fc.dictionary(fc.string(), field)) }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(event, (e) => { validateEvent(e, { now: NOW }); }), { numRuns: 300 });
  });
});

describe('validateBatch with hostile arrays', () => {
  it('reports an array whose elements cannot be read', () => {
    const events = new Proxy([order()], {
      get(target, key, receiver) {
        if (key === '0') throw new Error('boom');
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(codes(validateBatch(events, { now: NOW }))).toEqual(['events:unreadable']);
  });
});
