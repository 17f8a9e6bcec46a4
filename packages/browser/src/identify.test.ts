import { CapiValidationError, toPixelUser } from '@x/openai-capi-core';
import type { CapiError } from '@x/openai-capi-core';
import { describe, expect, it, vi } from 'vitest';
import { identify } from './identify.js';
import type { Tracker } from './tracker.js';
import { setupTracker } from './__tests__/tracker-setup.js';

const setup = (options: Parameters<typeof setupTracker>[0] = {}) => setupTracker(options, 'https://www.shop.example.com/landing?oppref=click_123');

describe('identify', () => {
  it('sends no user, IP or user agent: identify stays out of the relay', async () => {
    const { page, tracker } = setup({ consent: 'granted' });
    identify(tracker, { email: 'Jane@Example.com' });
    tracker.track('lead_created');
    await tracker.flush();
    const body = page.beacons[0]!.body;
    expect(body).not.toMatch(/user|email|sha256|action_source/);
  });

  it('identify re-inits with the complete, merged, hashed user', () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
    identify(tracker, { email: 'Jane@Example.com' });
    identify(tracker, { country: 'us', externalId: 'u_1' });
    const inits = page.oaiqCalls().filter((c) => c[0] === 'init');
    expect(inits).toEqual([
      ['init', { pixelId: 'p1' }],
      ['init', { pixelId: 'p1', user: toPixelUser({ email: 'Jane@Example.com' }) }],
      ['init', { pixelId: 'p1', user: toPixelUser({ email: 'Jane@Example.com', country: 'us', externalId: 'u_1' }) }],
    ]);
    expect(JSON.stringify(page.oaiqCalls())).not.toContain('Jane');
  });

  it('holds user data until consent, and follows user-data consent', () => {
    const { page, tracker } = setup({ pixelId: 'p1' });
    identify(tracker, { email: 'jane@example.com' });
    expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toHaveLength(1);
    tracker.setConsent('granted');
    const user = toPixelUser({ email: 'jane@example.com' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user }]);
    tracker.setUserDataConsent('denied');
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1' }]);
    identify(tracker, { country: 'US' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1' }]);
    tracker.setUserDataConsent('granted');
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'jane@example.com', country: 'US' }) }]);
  });

  it('reports invalid user data and keeps the previous user', () => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    identify(tracker, { email: 'jane@example.com' });
    identify(tracker, { phone: 'call me maybe' });
    expect(CapiValidationError.isInstance(errors[0])).toBe(true);
    expect(errors[0]!.message).not.toContain('call me');
    identify(tracker, { country: 'US' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'jane@example.com', country: 'US' }) }]);
  });

  it('reports an identify() argument that is not an object, and keeps the user', () => {
    for (const user of [null, undefined, 'jane@example.com', 42]) {
      const { page, errors, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
      identify(tracker, { country: 'US' });
      expect(() => identify(tracker, user as never)).not.toThrow();
      expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['user', 'invalid_type']]);
      expect(errors[0]!.message).not.toContain('jane');
      expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toEqual([
        ['init', { pixelId: 'p1' }],
        ['init', { pixelId: 'p1', user: { country: 'US' } }],
      ]);
    }
  });

  it('works through a Proxy around the tracker (Vue reactive, MobX)', () => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    identify(new Proxy(tracker, {}), { email: 'ada@example.com' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'ada@example.com' }) }]);
    expect(errors).toEqual([]);
  });

  it('keeps each tracker’s user apart', () => {
    const a = setup({ consent: 'granted', pixelId: 'p1' });
    const b = setup({ consent: 'granted', pixelId: 'p2' });
    identify(a.tracker, { email: 'ada@example.com' });
    identify(b.tracker, { country: 'FR' });
    expect(a.page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'ada@example.com' }) }]);
    expect(b.page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p2', user: { country: 'FR' } }]);
  });

  it('reports a tracker that is not one from createTracker to the console, without the user data', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const notATracker of [undefined, null, {}, { track() {} }, 'tracker']) {
        expect(() => identify(notATracker as unknown as Tracker, { email: 'jane@example.com' })).not.toThrow();
      }
      expect(warn).toHaveBeenCalledTimes(5);
      for (const [, message] of warn.mock.calls) {
        expect(message).toContain('tracker: must be a tracker from createTracker');
        expect(message).not.toContain('jane');
      }
    } finally {
      warn.mockRestore();
    }
  });

});
