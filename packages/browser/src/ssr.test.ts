// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('server-side rendering', () => {
  it('imports with no window and gives an inert tracker', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const browser = await import('@x/openai-capi-browser');
    const errors: unknown[] = [];
    const tracker = browser.createTracker({ endpoint: '/r', pixelId: 'p', onError: (e) => errors.push(e) });
    expect(tracker.track('page_viewed')).toBeUndefined();
    expect(() => tracker.setConsent('granted')).not.toThrow();
    expect(tracker.getOppref()).toBeUndefined();
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(typeof browser.connectGoogleConsentMode(tracker)).toBe('function');
    expect(() => browser.identify(tracker, { email: 'ada@example.com' })).not.toThrow();
    expect(errors).toEqual([]);
  });

  it('identify on the inert tracker sends nothing but still reports bad input, without the value', async () => {
    const browser = await import('@x/openai-capi-browser');
    const errors: Error[] = [];
    const tracker = browser.createTracker({ endpoint: '/r', onError: (e) => errors.push(e) });
    browser.identify(tracker, { phone: 'call me maybe' });
    expect(errors).toHaveLength(1);
    expect(browser.CapiValidationError.isInstance(errors[0])).toBe(true);
    expect(errors[0]!.message).not.toContain('call me');
  });
});
