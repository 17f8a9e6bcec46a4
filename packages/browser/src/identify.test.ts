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
    await identify(tracker, { email: 'Jane@Example.com' });
    tracker.track('lead_created');
    await tracker.flush();
    const body = page.posts()[0]!.body;
    expect(body).not.toMatch(/user|email|sha256|action_source/);
  });

  it('identify re-inits with the complete, merged, hashed user', async () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
    await identify(tracker, { email: 'Jane@Example.com' });
    await identify(tracker, { country: 'us', externalId: 'u_1' });
    const inits = page.oaiqCalls().filter((c) => c[0] === 'init');
    expect(inits).toEqual([
      ['init', { pixelId: 'p1' }],
      ['init', { pixelId: 'p1', user: toPixelUser({ email: 'Jane@Example.com' }) }],
      ['init', { pixelId: 'p1', user: toPixelUser({ email: 'Jane@Example.com', country: 'us', externalId: 'u_1' }) }],
    ]);
    expect(JSON.stringify(page.oaiqCalls())).not.toContain('Jane');
  });

  it('holds user data until consent, and follows user-data consent', async () => {
    const { page, tracker } = setup({ pixelId: 'p1' });
    await identify(tracker, { email: 'jane@example.com' });
    expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toHaveLength(1);
    tracker.setConsent('granted');
    const user = toPixelUser({ email: 'jane@example.com' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user }]);
    tracker.setUserDataConsent('denied');
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1' }]);
    await identify(tracker, { country: 'US' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1' }]);
    tracker.setUserDataConsent('granted');
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'jane@example.com', country: 'US' }) }]);
  });

  it('reports invalid user data and keeps the previous user', async () => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    await identify(tracker, { email: 'jane@example.com' });
    await identify(tracker, { phone: 'call me maybe' });
    expect(CapiValidationError.isInstance(errors[0])).toBe(true);
    expect(errors[0]!.message).not.toContain('call me');
    await identify(tracker, { country: 'US' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'jane@example.com', country: 'US' }) }]);
  });

  it('reports an identify() argument that is not an object, and keeps the user', async () => {
    for (const user of [null, undefined, 'jane@example.com', 42]) {
      const { page, errors, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
      await identify(tracker, { country: 'US' });
      await expect(identify(tracker, user as never)).resolves.toBeUndefined();
      expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['user', 'invalid_type']]);
      expect(errors[0]!.message).not.toContain('jane');
      expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toEqual([
        ['init', { pixelId: 'p1' }],
        ['init', { pixelId: 'p1', user: { country: 'US' } }],
      ]);
    }
  });

  it('works through a Proxy around the tracker (Vue reactive, MobX)', async () => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    await identify(new Proxy(tracker, {}), { email: 'ada@example.com' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'ada@example.com' }) }]);
    expect(errors).toEqual([]);
  });

  it('keeps each tracker’s user apart', async () => {
    const a = setup({ consent: 'granted', pixelId: 'p1' });
    const b = setup({ consent: 'granted', pixelId: 'p2' });
    await identify(a.tracker, { email: 'ada@example.com' });
    await identify(b.tracker, { country: 'FR' });
    expect(a.page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'ada@example.com' }) }]);
    expect(b.page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p2', user: { country: 'FR' } }]);
  });

  it('reports a tracker that is not one from createTracker to the console, without the user data', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const notATracker of [undefined, null, {}, { track() {} }, 'tracker']) {
        await expect(identify(notATracker as unknown as Tracker, { email: 'jane@example.com' })).resolves.toBeUndefined();
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


  it('without WebCrypto (no secure context) reports that it cannot hash and sends no user data', async () => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    try {
      await identify(tracker, { email: 'jane@example.com', country: 'US' });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('cannot hash without WebCrypto')]);
    expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toEqual([['init', { pixelId: 'p1' }]]);
    expect(JSON.stringify(page.oaiqCalls())).not.toMatch(/jane|US/);
  });

  it('a slower digest of an older call never replaces a newer user', async () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
    // The older call's digest is held until the newer call has finished: its answer comes last.
    const subtle = globalThis.crypto.subtle;
    const realDigest = subtle.digest.bind(subtle);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const digest = vi.spyOn(subtle, 'digest').mockImplementation(async (algorithm, data) => {
      const older = calls++ === 0;
      const answer = await realDigest(algorithm, data);
      if (older) await held;
      return answer;
    });
    try {
      const first = identify(tracker, { email: 'old@example.com' });
      const second = identify(tracker, { email: 'new@example.com' });
      await second;
      expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'new@example.com' }) }]);
      release();
      await first;
      expect(digest).toHaveBeenCalledTimes(2);
      expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: toPixelUser({ email: 'new@example.com' }) }]);
      expect(JSON.stringify(page.oaiqCalls())).not.toContain(toPixelUser({ email: 'old@example.com' }).email_sha256 as string);
    } finally {
      digest.mockRestore();
    }
  });

  it('production: only what the normalizers refuse is reported; the rest is hashed as core would', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
      await identify(tracker, { email: 'not an email' });
      expect((errors[0] as CapiValidationError).issues.map((i) => i.path)).toEqual(['user.email']);
      await identify(tracker, { email: ' Jane@Example.com ', phone: '+1 415 555 2671', firstName: "O'Neil", country: 'us' });
      expect(page.oaiqCalls().at(-1)).toEqual([
        'init',
        { pixelId: 'p1', user: toPixelUser({ email: ' Jane@Example.com ', phone: '+1 415 555 2671', firstName: "O'Neil", country: 'us' }) },
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
