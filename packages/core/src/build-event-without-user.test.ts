import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEvent, buildEventWithoutUser } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { validateEvent } from './validate.js';
import { NOW } from './__fixtures__/events.js';
import type { EventInput } from './types.js';
import { issuesOf } from './__fixtures__/issues-of.js';

const T = 1_773_892_800_000;
const order: EventInput = {
  type: 'order_created',
  id: 'order_12345',
  timestamp: T,
  sourceUrl: 'https://shop.example.com/checkout?email=a%40b.example',
  data: { value: '25.99', currency: 'usd', contents: [{ id: 'sku_1', contentType: 'product', quantity: 1, value: 25.99 }] },
};


describe('buildEventWithoutUser', () => {
  it('builds exactly what buildEvent builds from input without user', () => {
    const event = buildEventWithoutUser(order, { now: NOW });
    expect(event).toEqual(buildEvent(order, { now: NOW }));
    expect(event).toEqual({
      id: 'order_12345',
      type: 'order_created',
      timestamp_ms: T,
      source_url: 'https://shop.example.com/checkout',
      action_source: 'web',
      data: { type: 'contents', amount: 2599, currency: 'USD', contents: [{ id: 'sku_1', content_type: 'product', quantity: 1, amount: 2599 }] },
    });
    expect(validateEvent(event, { now: NOW }).ok).toBe(true);
  });

  it('rejects input.user with forbidden_field pointing to buildEvent, next to every other issue', () => {
    const issues = issuesOf(() =>
      buildEventWithoutUser({ ...order, user: { email: 'jane@example.com' }, data: { value: '1.999', currency: 'USD' } }, { now: NOW }),
    );
    expect(issues.map((i) => `${i.path}:${i.code}`)).toEqual(['user:forbidden_field', 'data.value:too_precise']);
    expect(issues[0]?.message).toMatch(/buildEvent\b/);
    expect(JSON.stringify(issues)).not.toContain('jane');
    // Even an empty user object is refused: this builder never carries identities.
    expect(issuesOf(() => buildEventWithoutUser({ ...order, user: {} }, { now: NOW }))).toEqual([
      expect.objectContaining({ path: 'user', code: 'forbidden_field' }),
    ]);
  });

  it('applies the same rules as buildEvent (ids, money, wire rules)', () => {
    const codes = (input: unknown) => issuesOf(() => buildEventWithoutUser(input as EventInput, { now: NOW })).map((i) => `${i.path}:${i.code}`);
    expect(codes({ ...order, id: ' ' })).toEqual(['id:empty']);
    expect(codes({ ...order, data: { value: 1 } })).toEqual(['data.currency:required']);
    expect(codes({ ...order, timestamp: T - 8 * 86_400_000 })).toEqual(['timestamp:too_old']);
    expect(codes({ ...order, type: 'custom', customEventName: 'custom', data: undefined })).toEqual(['customEventName:reserved_name']);
    expect(codes(null)).toEqual([':invalid_type']);
  });

  it('uses the real clock when no now is given', () => {
    const before = Date.now();
    expect(buildEventWithoutUser({ type: 'lead_created', actionSource: 'offline' }).timestamp_ms).toBeGreaterThanOrEqual(before);
  });

  it('only ever throws CapiValidationError, and only returns valid events', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true }), (input) => {
        try {
          expect(validateEvent(buildEventWithoutUser(input as EventInput, { now: NOW }), { now: NOW }).ok).toBe(true);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
