import { CapiError, CapiValidationError } from '@x/openai-capi-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import type { Page, PageOptions } from './__tests__/page.js';
import { PIXEL_SCRIPT_URL } from './pixel.js';
import { createTracker } from './tracker.js';
import type { TrackerOptions } from './tracker.js';
import { LANDING, setupTracker } from './__tests__/tracker-setup.js';

const MONTH = 30 * 86_400;

// Some tests run as a production bundle would (`vi.stubEnv('NODE_ENV', 'production')`).
afterEach(() => {
  vi.unstubAllEnvs();
});
const setup = setupTracker;

const opprefWrites = (page: Page) => page.cookieWrites.filter((w) => w.startsWith('__oppref='));
const scripts = (page: Page) => [...page.win.document.querySelectorAll('script')].map((s) => s.getAttribute('src'));

describe('capture and storage', () => {
  it('captures oppref from the URL and stores it once granted, with the documented attributes', () => {
    const { page, tracker } = setup({ consent: 'granted' });
    expect(tracker.getOppref()).toBe('click_123');
    expect(opprefWrites(page)).toEqual([
      `__oppref=click_123; Max-Age=${MONTH}; Path=/; SameSite=Lax; Domain=example.com; Secure`,
    ]);
    expect(page.win.document.cookie).toBe('__oppref=click_123');
  });

  it('keeps the value in memory only while pending, and writes it on grant', () => {
    const { page, tracker } = setup();
    expect(tracker.consent).toBe('pending');
    expect(tracker.getOppref()).toBe('click_123');
    expect(page.cookieWrites).toEqual([]); // not even a domain probe
    tracker.setConsent('granted');
    expect(page.win.document.cookie).toBe('__oppref=click_123');
  });

  it('honours cookie.maxAgeDays and cookie.domain', () => {
    const { page } = setup({ consent: 'granted', cookie: { maxAgeDays: 7, domain: 'shop.example.com' } });
    expect(opprefWrites(page)).toEqual([
      `__oppref=click_123; Max-Age=${7 * 86_400}; Path=/; SameSite=Lax; Domain=shop.example.com; Secure`,
    ]);
  });

  it('writes a host-only, non-Secure cookie on http://localhost', () => {
    const { page } = setup({ consent: 'granted' }, 'http://localhost:3000/?oppref=abc');
    expect(opprefWrites(page)).toEqual([`__oppref=abc; Max-Age=${MONTH}; Path=/; SameSite=Lax`]);
  });

  it('captures a click id with + and escapes exactly as the server reads it (core readQueryParam)', () => {
    const { page, tracker } = setup({ consent: 'granted' }, 'http://localhost:3000/?oppref=a+b%2Fc%3D%3D&x=1');
    expect(tracker.getOppref()).toBe('a+b/c==');
    expect(opprefWrites(page)).toEqual([`__oppref=a+b/c==; Max-Age=${MONTH}; Path=/; SameSite=Lax`]);
  });

  it('probes past a public suffix for the registrable domain', () => {
    const { page } = setup({ consent: 'granted' }, 'https://www.shop.co.uk/?oppref=abc');
    expect(opprefWrites(page)[0]).toContain('; Domain=shop.co.uk;');
  });

  it('reads a stored oppref when the URL has none, without rewriting it', () => {
    const page = openPage('https://shop.example.com/cart');
    page.win.document.cookie = '__oppref=from_cookie; Path=/';
    page.cookieWrites.length = 0;
    const tracker = createTracker({ endpoint: '/r', window: page.win, consent: 'granted', now: () => NOW });
    expect(tracker.getOppref()).toBe('from_cookie');
    expect(page.cookieWrites).toEqual([]);
  });

  it('a fresh URL value replaces the stored one and restarts its lifetime (SPA navigation)', () => {
    const { page, tracker } = setup({ consent: 'granted' });
    tracker.track('page_viewed');
    expect(opprefWrites(page)).toHaveLength(1); // same URL value: no rewrite
    page.pushState('/product?oppref=click_456');
    const id = tracker.track('page_viewed');
    expect(tracker.getOppref()).toBe('click_456');
    expect(opprefWrites(page)).toHaveLength(2);
    expect(opprefWrites(page)[1]).toContain(`__oppref=click_456; Max-Age=${MONTH}`);
    expect(id).toBeTypeOf('string');
  });

  it('reads __obref but never creates it', async () => {
    const { page, tracker } = setup({ consent: 'granted' });
    expect(tracker.getObref()).toBeUndefined();
    page.win.document.cookie = '__obref=ob_42; Path=/';
    expect(tracker.getObref()).toBe('ob_42');
    tracker.track('page_viewed');
    await tracker.flush();
    expect(page.relayEvents()[0]!.obref).toBe('ob_42');
    expect(page.cookieWrites.filter((w) => w.startsWith('__obref=') && !w.startsWith('__obref=ob_42'))).toEqual([]);
  });
});

describe('consent', () => {
  it('denial deletes __oppref on the host and the parent domains, and hides oppref/obref', () => {
    const { page, tracker } = setup({ consent: 'granted' });
    page.win.document.cookie = '__oppref=host_only; Path=/';
    page.win.document.cookie = '__obref=ob_1; Path=/';
    tracker.setConsent('denied');
    expect(tracker.consent).toBe('denied');
    expect(page.win.document.cookie).toBe('__obref=ob_1');
    const deletions = opprefWrites(page).filter((w) => w.includes('Max-Age=0'));
    expect(deletions.map((w) => /Domain=([^;]+)/.exec(w)?.[1])).toEqual([undefined, 'example.com', 'shop.example.com', 'www.shop.example.com']);
    expect(tracker.getOppref()).toBeUndefined();
    expect(tracker.getObref()).toBeUndefined();
  });

  it('denial with cookie.domain set deletes that domain\'s cookie too', () => {
    const { page, tracker } = setup({ consent: 'granted', cookie: { domain: 'shop.example.com' } });
    expect(page.win.document.cookie).toBe('__oppref=click_123');
    tracker.setConsent('denied');
    expect(page.win.document.cookie).toBe('');
  });

  it('starting denied deletes a stored __oppref and tracks nothing', async () => {
    const page = openPage(LANDING);
    page.win.document.cookie = '__oppref=old; Path=/; Domain=example.com';
    const tracker = createTracker({ endpoint: '/r', window: page.win, consent: 'denied', now: () => NOW });
    expect(page.win.document.cookie).toBe('');
    expect(tracker.track('page_viewed')).toBeUndefined();
    await tracker.flush();
    expect(page.posts()).toEqual([]);
  });

  it('can be granted after a denial (a new choice), writing the cookie again', () => {
    const { page, tracker } = setup({ consent: 'denied' });
    tracker.setConsent('granted');
    expect(page.win.document.cookie).toBe('__oppref=click_123');
    expect(tracker.track('page_viewed')).toBeTypeOf('string');
  });

  it('Global Privacy Control is a denial that setConsent("granted") cannot lift', async () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: 'p1' }, LANDING, { gpc: true });
    expect(tracker.consent).toBe('denied');
    tracker.setConsent('granted');
    expect(tracker.consent).toBe('denied');
    expect(tracker.track('order_created', { value: '25.99', currency: 'USD' })).toBeUndefined();
    await tracker.flush();
    expect(page.posts()).toEqual([]);
    expect(page.cookieWrites.filter((w) => !w.includes('Max-Age=0'))).toEqual([]);
    expect(scripts(page)).toEqual([]);
    expect(page.oaiqCalls()[0]).toEqual(['consent', false]);
  });

  it('globalPrivacyControl: false leaves GPC to the site', () => {
    const { tracker } = setup({ consent: 'granted', globalPrivacyControl: false }, LANDING, { gpc: true });
    expect(tracker.consent).toBe('granted');
    expect(tracker.track('page_viewed')).toBeTypeOf('string');
  });

  it('rejects an unknown consent state through onError', () => {
    const { tracker, errors } = setup();
    expect(() => tracker.setConsent('yes' as never)).not.toThrow();
    expect(tracker.consent).toBe('pending');
    expect(CapiValidationError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as CapiValidationError).issues[0]!.code).toBe('invalid_consent');
  });
});

describe('queueing while pending', () => {
  it('queues events (with their ids) and replays them in order on grant', async () => {
    const { page, tracker } = setup({ pixelId: 'p1' });
    const a = tracker.track('page_viewed');
    const b = tracker.track('items_added', { value: 10, currency: 'EUR' });
    expect(a).toBeTypeOf('string');
    await tracker.flush();
    expect(page.posts()).toEqual([]);
    expect(page.oaiqCalls().filter((c) => c[0] === 'measure')).toEqual([]);
    tracker.setConsent('granted');
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual([a, b]);
    expect(page.relayEvents()[1]!.timestamp).toBe(NOW);
    expect(page.oaiqCalls().filter((c) => c[0] === 'measure').map((c) => (c[3] as { event_id: string }).event_id)).toEqual([a, b]);
  });

  it('replays every queued event to the relay even when the page\'s pixel throws, and reports it', async () => {
    const { page, tracker, errors } = setup({ pixelId: 'p1' });
    (page.win as unknown as { oaiq: unknown }).oaiq = () => {
      throw new Error('broken pixel script');
    };
    const ids = [tracker.track('page_viewed'), tracker.track('lead_created'), tracker.track('page_viewed')];
    expect(() => tracker.setConsent('granted')).not.toThrow();
    await tracker.flush();
    expect(tracker.consent).toBe('granted');
    expect(page.relayEvents().map((e) => e.id)).toEqual(ids);
    expect(errors.length).toBeGreaterThanOrEqual(3); // consent + one measure per event, each reported
  });

  it('drops the queue on denial', async () => {
    const { page, tracker } = setup({ pixelId: 'p1' });
    tracker.track('page_viewed');
    tracker.setConsent('denied');
    tracker.setConsent('granted');
    await tracker.flush();
    expect(page.posts()).toEqual([]);
    expect(page.oaiqCalls().filter((c) => c[0] === 'measure')).toEqual([]);
  });

  it('revocation also drops events still waiting for their batch', async () => {
    const { page, tracker } = setup({ consent: 'granted' });
    tracker.track('page_viewed');
    tracker.setConsent('denied');
    await page.happy.happyDOM.waitUntilComplete();
    await tracker.flush();
    expect(page.posts()).toEqual([]);
  });

  it('is bounded: beyond maxQueuedEvents the oldest is dropped and reported', async () => {
    const { page, tracker, errors } = setup({ maxQueuedEvents: 2 });
    const ids = [1, 2, 3].map((i) => tracker.track('page_viewed', undefined, { eventId: `e${i}` }));
    expect(ids).toEqual(['e1', 'e2', 'e3']);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('dropped event e1')]);
    tracker.setConsent('granted');
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['e2', 'e3']);
  });

  it('with maxQueuedEvents 0 returns no id while pending: the event is dropped, not sent later', async () => {
    const { page, tracker, errors } = setup({ maxQueuedEvents: 0 });
    expect(tracker.track('page_viewed', undefined, { eventId: 'e1' })).toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('dropped event e1')]);
    tracker.setConsent('granted');
    await tracker.flush();
    expect(page.relayEvents()).toEqual([]);
  });

  it('sends what track() was given, even if the page changes its objects before the event leaves', async () => {
    const { page, tracker } = setup();
    const data = { value: '10.00', currency: 'EUR', contents: [{ id: 'sku_1', quantity: 1 }] };
    tracker.track('order_created', data, { eventId: 'o1' });
    data.contents[0]!.quantity = 99;
    (data.contents[0] as Record<string, unknown>).price = 10n;
    tracker.setConsent('granted');
    await tracker.flush();
    expect(page.relayEvents()[0]?.data).toEqual({ value: '10.00', currency: 'EUR', contents: [{ id: 'sku_1', quantity: 1 }] });
  });
});

describe('relay payloads', () => {
  it('reports data whose toJSON throws at track(), and still sends the rest of the batch', async () => {
    const { page, tracker, errors } = setup({ consent: 'granted' });
    // Its own values are JSON, but its toJSON would run (and throw) only when the batch is serialized.
    class Hostile {
      toJSON(): never {
        throw new Error('boom');
      }
    }
    const hostile = new Hostile();
    expect(tracker.track('custom', { extra: hostile } as never, { customEventName: 'x', eventId: 'c1' })).toBeUndefined();
    expect(tracker.track('page_viewed', undefined, { eventId: 'p1' })).toBe('p1');
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['p1']);
    expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['data.extra', 'not_json']]);
  });

  it('posts in the same task, without waiting for the batch timer, once the page is hidden (it may be unloading)', async () => {
    const { page, tracker } = setup({ consent: 'granted' });
    Object.defineProperty(page.win.document, 'visibilityState', { configurable: true, value: 'hidden' });
    tracker.track('page_viewed', undefined, { eventId: 'late' });
    await Promise.resolve();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['late']);
  });

  it('on a hidden page, a consent grant replays the pending queue in one beacon, not one per event', async () => {
    const { page, tracker } = setup();
    Object.defineProperty(page.win.document, 'visibilityState', { configurable: true, value: 'hidden' });
    for (let i = 0; i < 30; i++) tracker.track('page_viewed', undefined, { eventId: `q${i}` });
    tracker.setConsent('granted');
    await Promise.resolve();
    expect(page.posts()).toHaveLength(1);
    expect(page.relayEvents()).toHaveLength(30);
  });

  it('posts the agreed relay format (v2: the input as given) with sendBeacon in production, batched', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { page, tracker } = setup({ consent: 'granted' });
    page.win.document.cookie = '__obref=ob_1; Path=/';
    const data = { value: '25.99', currency: 'usd', contents: [{ id: 'sku_1', quantity: 2, value: '12.99' }] };
    const id = tracker.track('order_created', data, { eventId: 'order_12345', optOut: true });
    tracker.track('custom', { plan: 'pro' }, { customEventName: 'quote_requested', eventId: 'quote_1' });
    expect(page.beacons).toEqual([]);
    await page.happy.happyDOM.waitUntilComplete();
    expect(page.fetches).toEqual([]);
    expect(page.beacons).toHaveLength(1);
    expect(page.beacons[0]!.url).toBe('/api/openai-capi');
    expect(JSON.parse(page.beacons[0]!.body)).toEqual({
      v: 2,
      consent: 'granted',
      events: [
        {
          type: 'order_created',
          id: 'order_12345',
          timestamp: NOW,
          sourceUrl: 'https://www.shop.example.com/landing',
          oppref: 'click_123',
          obref: 'ob_1',
          optOut: true,
          data,
        },
        {
          type: 'custom',
          id: 'quote_1',
          customEventName: 'quote_requested',
          timestamp: NOW,
          sourceUrl: 'https://www.shop.example.com/landing',
          oppref: 'click_123',
          obref: 'ob_1',
          data: { plan: 'pro' },
        },
      ],
    });
    expect(id).toBe('order_12345');
  });

  it('in development posts with fetch, so that it can report the issues of a 400 answer', async () => {
    const { page, tracker, errors } = setup({ consent: 'granted' }, undefined, { fetchStatus: 400, fetchBody: '{"accepted":[],"rejected":[{"index":0,"id":"e1","issues":[{"path":"data.planId","code":"invalid_type","message":"must be a string"}]}]}' });
    tracker.track('page_viewed', undefined, { eventId: 'e1' });
    await tracker.flush();
    expect(page.beacons).toEqual([]);
    expect(page.fetches).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(CapiValidationError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as CapiValidationError).issues).toEqual([{ path: 'data.planId', code: 'invalid_type', message: 'must be a string' }]);
    expect(errors[0]!.message).toContain('refused event e1: data.planId: must be a string');
  });

  it('keeps the query in source_url only when asked', async () => {
    const { page, tracker } = setup({ consent: 'granted', keepSourceUrlQuery: true });
    tracker.track('page_viewed');
    await tracker.flush();
    expect(page.relayEvents()[0]!.sourceUrl).toBe(LANDING);
  });

  it('flushes on pagehide and when the page becomes hidden', async () => {
    const { page, tracker } = setup({ consent: 'granted', batchDelayMs: 60_000 });
    tracker.track('page_viewed');
    page.happy.dispatchEvent(new page.happy.Event('pagehide'));
    expect(page.posts()).toHaveLength(1);
    tracker.track('page_viewed');
    Object.defineProperty(page.win.document, 'visibilityState', { configurable: true, value: 'hidden' });
    page.happy.document.dispatchEvent(new page.happy.Event('visibilitychange'));
    expect(page.posts()).toHaveLength(2);
  });
});

describe('pixel bridge', () => {
  it('still replays the pending queue to the relay when the page refuses the pixel script', async () => {
    const { page, tracker, errors } = setup({ pixelId: 'p1' });
    tracker.track('page_viewed', undefined, { eventId: 'q1' });
    const refuse = vi.spyOn(page.win.document, 'createElement').mockImplementation(() => {
      throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
    });
    tracker.setConsent('granted');
    refuse.mockRestore();
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['q1']);
    expect(errors).toHaveLength(1);
    expect(tracker.track('page_viewed', undefined, { eventId: 'q2' })).toBe('q2');
  });

  it('is created working when consent is granted at start and the script is refused', () => {
    const page = openPage(LANDING);
    const refuse = vi.spyOn(page.win.document, 'createElement').mockImplementation(() => {
      throw new TypeError('refused');
    });
    const errors: CapiError[] = [];
    const tracker = createTracker({ endpoint: '/r', pixelId: 'p1', consent: 'granted', window: page.win, now: () => NOW, onError: (e) => errors.push(e) });
    refuse.mockRestore();
    expect(tracker.track('page_viewed', undefined, { eventId: 'g1' })).toBe('g1');
    expect(errors).toHaveLength(1);
  });

  it('initialises a pixel id given twice once', () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: ['p1', 'p1', 'p2'] });
    tracker.track('page_viewed', undefined, { eventId: 'd1' });
    expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toEqual([['init', { pixelId: 'p1' }], ['init', { pixelId: 'p2' }]]);
    expect(page.oaiqCalls().filter((c) => c[0] === 'measureSingle').map((c) => c[1])).toEqual(['p1', 'p2']);
  });

  it('sends consent before init, loads the script only on grant, and measures with the relay id', async () => {
    const { page, tracker } = setup({ pixelId: 'pix_1' });
    expect(page.oaiqCalls()).toEqual([['consent', false], ['init', { pixelId: 'pix_1' }]]);
    expect(scripts(page)).toEqual([]);
    const id = tracker.track('order_created', { amount: 2599, currency: 'USD' }, { eventId: 'order_12345' });
    tracker.setConsent('granted');
    expect(scripts(page)).toEqual([PIXEL_SCRIPT_URL]);
    await tracker.flush();
    expect(page.oaiqCalls().slice(2)).toEqual([
      ['consent', true],
      ['measure', 'order_created', { type: 'contents', amount: 2599, currency: 'USD' }, { event_id: id }],
    ]);
    expect(page.relayEvents()[0]!.id).toBe(id);
  });

  it('uses measureSingle per pixel and custom as the pixel event name', () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: ['pA', 'pB'] });
    tracker.track('custom', undefined, { customEventName: 'quote_requested', eventId: 'q1' });
    expect(page.oaiqCalls().slice(3)).toEqual([
      ['measureSingle', 'pA', 'custom', { type: 'custom' }, { event_id: 'q1', custom_event_name: 'quote_requested' }],
      ['measureSingle', 'pB', 'custom', { type: 'custom' }, { event_id: 'q1', custom_event_name: 'quote_requested' }],
    ]);
  });

  it('works with a pixel only (no relay)', () => {
    const { page, tracker, errors } = setup({ endpoint: undefined as never, consent: 'granted', pixelId: 'p1' });
    expect(tracker.track('page_viewed', undefined, { eventId: 'pv1' })).toBe('pv1');
    expect(page.oaiqCalls().at(-1)).toEqual(['measure', 'page_viewed', { type: 'contents' }, { event_id: 'pv1' }]);
    expect(errors).toEqual([]);
  });
});

describe('track never throws: bad input goes to onError', () => {
  const cases: [string, () => [string, unknown?, unknown?], string][] = [
    ['unknown event name', () => ['purchase'], 'type'],
    ['custom without a name', () => ['custom'], 'customEventName'],
    ['custom name not lowercase', () => ['custom', undefined, { customEventName: 'Quote' }], 'customEventName'],
    ['custom name on a standard event', () => ['page_viewed', undefined, { customEventName: 'x' }], 'customEventName'],
    ['float amount', () => ['order_created', { amount: 25.99, currency: 'USD' }], 'data.amount'],
    ['value without currency', () => ['order_created', { value: 25.99 }], 'data.currency'],
    ['more decimals than the currency has', () => ['order_created', { value: '1.999', currency: 'USD' }], 'data.value'],
    ['value and amount together', () => ['order_created', { value: 1, amount: 100, currency: 'USD' }], 'data.value'],
    ['unknown data key on a standard event', () => ['page_viewed', { foo: 1 }], 'data.foo'],
    ['contents on customer_action', () => ['lead_created', { contents: [] }], 'data.contents'],
    ['data not an object', () => ['page_viewed', 'cheap'], 'data'],
    ['blank eventId', () => ['order_created', undefined, { eventId: '  ' }], 'options.eventId'],
    ['a key option (ids are given as eventId)', () => ['order_created', undefined, { key: 'order_1' }], 'options.key'],
    ['app_installed in the browser', () => ['app_installed'], 'type'],
    ['app_opened in the browser', () => ['app_opened'], 'type'],
    // Ignored, these would give a random id silently: no deduplication with the server twin.
    ['a misspelt track option', () => ['order_created', undefined, { event_id: 'o1' }], 'options.event_id'],
    ['a bare key instead of the options object', () => ['order_created', undefined, 'order_1'], 'options'],
    ['a numeric key instead of the options object', () => ['order_created', undefined, 12345], 'options'],
  ];

  it.each(cases)('%s', async (_name, args, path) => {
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    const [name, data, options] = args();
    let result: unknown = 'not called';
    expect(() => {
      result = tracker.track(name as never, data as never, options as never);
    }).not.toThrow();
    expect(result).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(CapiValidationError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as CapiValidationError).issues.map((i) => i.path)).toContain(path);
    await tracker.flush();
    expect(page.posts()).toEqual([]);
    expect(page.oaiqCalls().filter((c) => String(c[0]).startsWith('measure'))).toEqual([]);
  });

  // A production bundle checks only what keeps garbage out; the relay refuses the rest.
  const productionRefusals: [string, () => [string, unknown?, unknown?], string, string][] = [
    ['unknown event name', () => ['purchase'], 'type', 'not_browser_event'],
    ['app_installed in the browser', () => ['app_installed'], 'type', 'not_browser_event'],
    ['blank eventId', () => ['order_created', undefined, { eventId: '  ' }], 'options.eventId', 'invalid_type'],
    ['numeric eventId', () => ['order_created', undefined, { eventId: 42 }], 'options.eventId', 'invalid_type'],
    ['a currency that is not three letters', () => ['order_created', { value: 1, currency: 'EURO' }], 'data.currency', 'invalid_format'],
    ['a value the pixel cannot take exactly', () => ['order_created', { value: '1.999', currency: 'USD' }], 'data.value', 'too_precise'],
    ['an item value the pixel cannot take exactly', () => ['order_created', { currency: 'JPY', contents: [{ value: '1.5' }] }], 'data.contents[0].value', 'too_precise'],
  ];

  it.each(productionRefusals)('production: %s is refused at the call site', async (_name, args, path, code) => {
    vi.stubEnv('NODE_ENV', 'production');
    const { page, tracker, errors } = setup({ consent: 'granted', pixelId: 'p1' });
    const [name, data, options] = args();
    expect(tracker.track(name as never, data as never, options as never)).toBeUndefined();
    expect((errors as CapiValidationError[]).map((e) => e.issues.map((i) => `${i.path}:${i.code}`))).toEqual([[`${path}:${code}`]]);
    await tracker.flush();
    expect(page.posts()).toEqual([]);
    expect(page.oaiqCalls().filter((c) => String(c[0]).startsWith('measure'))).toEqual([]);
  });

  it('production: what only the relay checks is sent as given (the relay refuses it), with no message in the page', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { page, tracker, errors } = setup({ consent: 'granted' });
    expect(tracker.track('order_created', { contents: [{ id: 'a', quantity: -1 }] }, { eventId: 'o1' })).toBe('o1');
    expect(tracker.track('page_viewed', { foo: 1 } as never, { event_id: 'x' } as never)).toMatch(/^[0-9a-f-]{36}$/);
    await tracker.flush();
    expect(errors).toEqual([]);
    expect(page.relayEvents().map((e) => e.data)).toEqual([{ contents: [{ id: 'a', quantity: -1 }] }, { foo: 1 }]);
  });

  it('logs to the console in debug mode', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { tracker } = setup({ consent: 'granted', debug: true });
    tracker.track('purchase' as never);
    expect(warn).toHaveBeenCalledWith('[openai-capi]', expect.stringContaining('type'));
    warn.mockRestore();
  });

  it('survives a throwing onError and a throwing cookie jar', () => {
    const page = openPage(LANDING);
    Object.defineProperty(page.win.document, 'cookie', {
      get: () => {
        throw new Error('SecurityError');
      },
      set: () => {
        throw new Error('SecurityError');
      },
    });
    const onError = vi.fn(() => {
      throw new Error('broken handler');
    });
    const tracker = createTracker({ endpoint: '/r', window: page.win, consent: 'granted', onError, now: () => NOW });
    let id: string | undefined;
    expect(() => (id = tracker.track('page_viewed'))).not.toThrow();
    expect(id).toBeTypeOf('string'); // cookies failing does not stop tracking
    expect(onError).toHaveBeenCalled();
    expect(CapiError.isInstance(onError.mock.calls[0]![0 as never])).toBe(true);
  });

  it('reports configuration mistakes at creation', () => {
    const { errors } = setup({ endpoint: '', pixelId: ['ok', ' '], apiKey: 'sk-secret' } as never);
    const issues = (errors[0] as CapiValidationError).issues.map((i) => i.code);
    expect(issues).toEqual(['secret_in_browser', 'invalid_endpoint', 'invalid_pixel_id']);
    expect(errors[0]!.message).not.toContain('sk-secret');
  });

  it('reports an API key even when it comes from a shared defaults object (inherited)', () => {
    const page = openPage(LANDING);
    const errors: CapiError[] = [];
    const defaults = Object.create({ apiKey: 'sk_live_secret' }) as TrackerOptions;
    createTracker(Object.assign(defaults, { endpoint: '/r', window: page.win, now: () => NOW, onError: (e: CapiError) => errors.push(e) }));
    expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['options.apiKey', 'secret_in_browser']]);
    expect(errors[0]!.message).not.toContain('sk_live');
  });

  it('reports unknown options, with a hint, instead of ignoring a misspelt pixel id or cookie lifetime', () => {
    const { errors, page } = setup({ pixelIds: ['px_1'], cookie: { maxAge: 7, domian: 'example.com' }, api_key: 'sk-secret' } as never);
    expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code, i.message])).toEqual([
      ['options.api_key', 'secret_in_browser', 'is a server secret: never in browser code (ignored)'],
      ['options.pixelIds', 'unknown_option', 'is not an option of createTracker (did you mean pixelId?)'],
      ['options.cookie.maxAge', 'unknown_option', 'is not an option of cookie (did you mean maxAgeDays?)'],
      ['options.cookie.domian', 'unknown_option', 'is not an option of cookie (did you mean domain?)'],
    ]);
    expect(errors[0]!.message).not.toContain('sk-secret');
    expect(page.oaiqCalls()).toEqual([]);
  });

  it('leaves invalid pixel ids out of the pixel bridge, and a lone bad one is no destination', () => {
    const { page, errors } = setup({ endpoint: undefined as never, pixelId: ['', 'pix_ok', 7] as never });
    expect((errors[0] as CapiValidationError).issues.map((i) => i.path)).toEqual(['options.pixelId[0]', 'options.pixelId[2]']);
    expect(page.oaiqCalls().filter((c) => c[0] === 'init')).toEqual([['init', { pixelId: 'pix_ok' }]]);

    const lone = setup({ endpoint: undefined as never, pixelId: 42 as never });
    expect((lone.errors[0] as CapiValidationError).issues.map((i) => i.code)).toEqual(['invalid_pixel_id', 'no_destination']);
    expect(lone.page.oaiqCalls()).toEqual([]);
  });

  it('reports an invalid initial consent and cookie lifetime, and falls back to the defaults', () => {
    for (const maxAgeDays of [0, -1, Number.NaN]) {
      const { page, errors, tracker } = setup({ consent: true as never, cookie: { maxAgeDays } });
      expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([
        ['options.consent', 'invalid_consent'],
        ['options.cookie.maxAgeDays', 'invalid_value'],
      ]);
      expect(tracker.consent).toBe('pending');
      tracker.setConsent('granted');
      expect(opprefWrites(page).at(-1)).toContain(`; Max-Age=${MONTH};`);
      expect(page.win.document.cookie).toBe('__oppref=click_123');
    }
  });

  it('reports a maxQueuedEvents that is not a count, and keeps the pending queue bounded at 100', () => {
    for (const maxQueuedEvents of [Number.NaN, -1, 2.5]) {
      const { errors, tracker } = setup({ maxQueuedEvents });
      expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['options.maxQueuedEvents', 'invalid_value']]);
      for (let i = 0; i < 101; i++) tracker.track('page_viewed');
      expect(errors.at(-1)!.message).toMatch(/maxQueuedEvents \(100\) reached/);
    }
  });

  it('replaces an older host-only __oppref (e.g. set by a server) rather than leaving it to shadow the fresh one', () => {
    const page = openPage('https://www.shop.example.com/landing?oppref=NEW');
    page.win.document.cookie = '__oppref=OLD; Path=/';
    const errors: CapiError[] = [];
    createTracker({ endpoint: '/r', consent: 'granted', window: page.win, now: () => NOW, onError: (e) => errors.push(e) });
    expect(page.win.document.cookie).toBe('__oppref=NEW');
    expect(errors).toEqual([]);
  });

  it('reports a browser that blocks cookies, and keeps the click id for the page', async () => {
    const { page, errors, tracker } = setup({ consent: 'granted' }, LANDING, { cookiesBlocked: true });
    expect(errors).toHaveLength(1);
    expect(CapiError.isInstance(errors[0])).toBe(true);
    expect(errors[0]!.message).toMatch(/refused the __oppref cookie: the click id lasts for this page only/);
    expect(errors[0]!.message).not.toContain('click_123');
    expect(page.win.document.cookie).toBe('');
    expect(tracker.getOppref()).toBe('click_123');
    tracker.track('page_viewed');
    await tracker.flush();
    expect(page.relayEvents()[0]?.oppref).toBe('click_123');
    expect(errors).toHaveLength(1);
  });

  it('reports a cookie.domain the browser refuses, and stores the click id on the registrable domain instead', () => {
    for (const domain of ['other.com', 'www.shop.example.com.evil.test', 42 as never]) {
      const { page, errors, tracker } = setup({ consent: 'granted', cookie: { domain } });
      expect(errors.map((e) => (e as CapiValidationError).issues?.map((i) => [i.path, i.code]))).toEqual([[['options.cookie.domain', 'cookie_refused']]]);
      expect(opprefWrites(page)).toEqual([`__oppref=click_123; Max-Age=${MONTH}; Path=/; SameSite=Lax; Domain=example.com; Secure`]);
      expect(page.win.document.cookie).toBe('__oppref=click_123');
      expect(tracker.getOppref()).toBe('click_123');
    }
  });

  it('reports a batchDelayMs that is not a number of ms ≥ 0, and still batches', async () => {
    for (const batchDelayMs of [Number.NaN, -1, Infinity, '10' as never]) {
      const { page, errors, tracker } = setup({ consent: 'granted', batchDelayMs });
      expect((errors[0] as CapiValidationError).issues.map((i) => [i.path, i.code])).toEqual([['options.batchDelayMs', 'invalid_value']]);
      tracker.track('page_viewed');
      tracker.track('page_viewed');
      expect(page.posts()).toEqual([]);
      await page.happy.happyDOM.waitUntilComplete();
      expect(page.relayEvents()).toHaveLength(2);
      expect(page.posts()).toHaveLength(1);
    }
  });

  it('an onError that is not a function counts as none: problems go to the console, not nowhere', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const onError of ['log', 42, {}]) {
      warn.mockClear();
      const page = openPage(LANDING);
      const tracker = createTracker({ endpoint: '/r', consent: 'granted', window: page.win, now: () => NOW, onError: onError as never });
      expect(() => tracker.track('purchase' as never)).not.toThrow();
      expect(warn).toHaveBeenCalledWith('[openai-capi]', expect.stringContaining('type'));
    }
    warn.mockRestore();
  });

  it('reports a tracker with nowhere to send', () => {
    const { errors } = setup({ endpoint: undefined as never });
    expect((errors[0] as CapiValidationError).issues[0]!.code).toBe('no_destination');
  });
});

describe('development builds: call shape and optional fields', () => {
  it("answers the server's call shape track({ type, … }) with the browser's, and sends nothing", async () => {
    const { tracker, errors, page } = setup({ consent: 'granted' });
    expect(tracker.track({ type: 'order_created', id: 'o1' } as never)).toBeUndefined();
    expect((errors[0] as CapiValidationError).issues[0]).toMatchObject({ path: 'type', code: 'invalid_type' });
    expect(errors[0]?.message).toContain("track('order_created', data, { eventId })");
    await tracker.flush();
    expect(page.relayEvents()).toEqual([]);
  });

  it('sends an order with an invalid optional item field (the relay leaves it out) and says so (spec §10)', async () => {
    const { tracker, errors, page } = setup({ consent: 'granted' });
    const id = tracker.track('order_created', { value: '10.00', currency: 'USD', contents: [{ id: 'sku', name: '', quantity: 1 }] }, { eventId: 'o-9' });
    expect(id).toBe('o-9');
    expect((errors[0] as CapiValidationError).issues).toEqual([expect.objectContaining({ path: 'data.contents[0].name', code: 'empty' })]);
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['o-9']);
  });
});

describe('event ids', () => {
  it('sends eventId verbatim to the relay and the pixel, else a random UUID v4; nothing hashes ids', async () => {
    const { page, tracker } = setup({ consent: 'granted', pixelId: 'p1' });
    expect(tracker.track('order_created', undefined, { eventId: 'Order #12345 é' })).toBe('Order #12345 é');
    const a = tracker.track('page_viewed');
    const b = tracker.track('page_viewed');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    await tracker.flush();
    expect(page.relayEvents().map((e) => e.id)).toEqual(['Order #12345 é', a, b]);
    expect(page.oaiqCalls().filter((c) => c[0] === 'measure').map((c) => (c[3] as { event_id: string }).event_id)).toEqual(['Order #12345 é', a, b]);
  });

  it('takes null options as no options', () => {
    const { tracker, errors } = setup({ consent: 'granted' });
    expect(tracker.track('page_viewed', undefined, null as never)).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
  });
});
