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
    expect(errors).toEqual([]);
  });
});
