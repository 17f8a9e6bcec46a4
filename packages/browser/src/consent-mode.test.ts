import { CapiValidationError, type CapiError } from '@x/openai-capi-core';
import { describe, expect, it, vi } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import { connectGoogleConsentMode } from './consent-mode.js';
import { identify } from './identify.js';
import { createTracker } from './tracker.js';

/** A page with gtag's snippet: `gtag(...)` pushes its `arguments` object onto `dataLayer`. */
function gtagPage(url = 'https://shop.example.com/?oppref=c1') {
  const page = openPage(url);
  const holder = page.win as unknown as { dataLayer: unknown[] };
  holder.dataLayer = holder.dataLayer ?? [];
  const gtag = function (..._args: unknown[]) {
    // eslint-disable-next-line prefer-rest-params
    holder.dataLayer.push(arguments);
  };
  const tracker = createTracker({ endpoint: '/r', pixelId: 'p1', window: page.win, now: () => NOW });
  return { page, gtag, tracker, holder };
}

describe('connectGoogleConsentMode', () => {
  it('reports consent values other than granted/denied, and ignores them as gtag does', () => {
    const { page, gtag, tracker } = gtagPage();
    const errors: CapiError[] = [];
    connectGoogleConsentMode(tracker, { window: page.win, onError: (e) => errors.push(e) });
    gtag('consent', 'default', { ad_storage: 'yes', ad_user_data: 'granted' });
    gtag('consent', 'update', { ad_storage: 'Granted' });
    expect(tracker.consent).toBe('pending');
    expect(errors.map((e) => (e as CapiValidationError).issues.map((i) => [i.path, i.code]))).toEqual([
      [['dataLayer.consent.default.ad_storage', 'invalid_consent']],
      [['dataLayer.consent.update.ad_storage', 'invalid_consent']],
    ]);
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(tracker.consent).toBe('granted');
    expect(errors).toHaveLength(2);
  });

  it('applies the current state already in the dataLayer', () => {
    const { page, gtag, tracker } = gtagPage();
    gtag('consent', 'default', { ad_storage: 'denied', ad_user_data: 'denied' });
    gtag('js', new Date());
    gtag('consent', 'update', { ad_storage: 'granted' });
    connectGoogleConsentMode(tracker, { window: page.win });
    expect(tracker.consent).toBe('granted');
    expect(page.win.document.cookie).toBe('__oppref=c1');
  });

  it('follows later updates: ad_storage drives storage and sending', () => {
    const { page, gtag, tracker } = gtagPage();
    connectGoogleConsentMode(tracker, { window: page.win });
    expect(tracker.consent).toBe('pending');
    gtag('consent', 'default', { ad_storage: 'denied' });
    expect(tracker.consent).toBe('denied');
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(tracker.consent).toBe('granted');
    gtag('consent', 'update', { ad_storage: 'denied' });
    expect(tracker.consent).toBe('denied');
    expect(page.win.document.cookie).toBe('');
  });

  it('an update wins over a later default; region-scoped defaults are ignored', () => {
    const { page, gtag, tracker } = gtagPage();
    connectGoogleConsentMode(tracker, { window: page.win });
    gtag('consent', 'default', { ad_storage: 'denied', region: ['US-CA'] });
    expect(tracker.consent).toBe('pending');
    gtag('consent', 'update', { ad_storage: 'granted' });
    gtag('consent', 'default', { ad_storage: 'denied' });
    expect(tracker.consent).toBe('granted');
  });

  it('ad_user_data drives whether identify data reaches the pixel', async () => {
    const { page, gtag, tracker } = gtagPage();
    connectGoogleConsentMode(tracker, { window: page.win });
    gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'denied' });
    await identify(tracker, { country: 'US' });
    expect(page.oaiqCalls().filter((c) => c[0] === 'init' && 'user' in (c[1] as object))).toEqual([]);
    gtag('consent', 'update', { ad_user_data: 'granted' });
    expect(page.oaiqCalls().at(-1)).toEqual(['init', { pixelId: 'p1', user: { country: 'US' } }]);
  });

  it('keeps dataLayer.push working, ignores other entries, and disconnects', () => {
    const { page, gtag, tracker, holder } = gtagPage();
    const disconnect = connectGoogleConsentMode(tracker, { window: page.win });
    expect(holder.dataLayer.push({ event: 'gtm.js' }, ['consent', 'bogus', {}], null)).toBe(3);
    expect(holder.dataLayer).toHaveLength(3);
    disconnect();
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(tracker.consent).toBe('pending');
    expect(holder.dataLayer).toHaveLength(4);
  });

  it('reports an unknown option (a misspelt dataLayerName would follow the wrong array)', () => {
    const { page, tracker } = gtagPage();
    const errors: CapiError[] = [];
    connectGoogleConsentMode(tracker, { window: page.win, datalayerName: 'dl', onError: (e: CapiError) => errors.push(e) } as never);
    expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['options.datalayerName', 'unknown_option']]);
  });

  it('disconnects even after gtag.js or GTM wrapped push again', () => {
    const { page, gtag, tracker, holder } = gtagPage();
    const disconnect = connectGoogleConsentMode(tracker, { window: page.win });
    const ours = holder.dataLayer.push;
    holder.dataLayer.push = function (...items: unknown[]) {
      return ours.apply(this, items);
    };
    disconnect();
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(tracker.consent).toBe('pending');
  });

  it('passes on only the signals a command sets: an unrelated command does not undo the site’s own setConsent', () => {
    const { page, gtag, tracker } = gtagPage();
    gtag('consent', 'default', { ad_storage: 'granted' });
    connectGoogleConsentMode(tracker, { window: page.win });
    expect(tracker.consent).toBe('granted');
    tracker.setConsent('denied');
    gtag('consent', 'update', { analytics_storage: 'granted' });
    expect(tracker.consent).toBe('denied');
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(tracker.consent).toBe('granted');
  });

  it('applies the commands already queued as one state: a returning visitor’s cookie is not deleted and rewritten', () => {
    const page = openPage('https://shop.example.com/');
    page.win.document.cookie = '__oppref=old_click; Path=/';
    const holder = page.win as unknown as { dataLayer: unknown[] };
    holder.dataLayer = [['consent', 'default', { ad_storage: 'denied' }], ['consent', 'update', { ad_storage: 'granted' }]];
    const tracker = createTracker({ endpoint: '/r', window: page.win, now: () => NOW });
    const writesBefore = page.cookieWrites.length;
    connectGoogleConsentMode(tracker, { window: page.win });
    expect(tracker.consent).toBe('granted');
    expect(page.cookieWrites.slice(writesBefore).filter((w) => w.startsWith('__oppref='))).toEqual([]);
    expect(page.win.document.cookie).toBe('__oppref=old_click');
  });

  it('creates the dataLayer when missing, and uses a custom name', () => {
    const page = openPage();
    const tracker = createTracker({ endpoint: '/r', window: page.win, now: () => NOW });
    connectGoogleConsentMode(tracker, { window: page.win, dataLayerName: 'myLayer' });
    const layer = (page.win as unknown as { myLayer: unknown[] }).myLayer;
    layer.push(['consent', 'default', { ad_storage: 'granted' }]);
    expect(tracker.consent).toBe('granted');
  });

  it('reports a value that is not a tracker and a data layer that is not an array, and touches neither', () => {
    const page = openPage();
    const errors: CapiError[] = [];
    const onError = (e: CapiError) => void errors.push(e);
    const holder = page.win as unknown as Record<string, unknown>;
    for (const notATracker of [undefined, null, {}, { setConsent: () => {} }]) {
      const disconnect = connectGoogleConsentMode(notATracker as never, { window: page.win, onError });
      expect(() => disconnect()).not.toThrow();
    }
    expect(holder['dataLayer']).toBeUndefined();

    const tracker = createTracker({ endpoint: '/r', window: page.win, now: () => NOW });
    const theirs = { push: () => 0 };
    holder['myLayer'] = theirs;
    connectGoogleConsentMode(tracker, { window: page.win, dataLayerName: 'myLayer', onError });
    expect(holder['myLayer']).toBe(theirs);
    expect(theirs.push).toBeTypeOf('function');

    expect(errors.every((e) => CapiValidationError.isInstance(e))).toBe(true);
    expect(errors.map((e) => (e as CapiValidationError).issues.map((i) => [i.path, i.code]))).toEqual([
      [['tracker', 'invalid_type']],
      [['tracker', 'invalid_type']],
      [['tracker', 'invalid_type']],
      [['tracker', 'invalid_type']],
      [['window.myLayer', 'invalid_type']],
    ]);
  });

  it('warns on the console without onError, and never throws', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const page = openPage();
    expect(() => connectGoogleConsentMode('tracker' as never, { window: page.win })).not.toThrow();
    expect(() => connectGoogleConsentMode(undefined as never, null as never)).not.toThrow();
    expect(warn).toHaveBeenCalledWith('[openai-capi]', expect.stringContaining('tracker'));
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});
