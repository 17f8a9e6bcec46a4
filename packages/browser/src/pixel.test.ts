import { describe, expect, it, vi } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import { PIXEL_SCRIPT_URL, createPixelBridge, installPixelStub } from './pixel.js';
import { pixelDataOf } from './pixel-data.js';
import type { RelayEvent } from './relay-transport.js';

/** The bridge's onError in tests where the pixel never throws. */
const fail = (error: unknown): never => {
  throw new Error(`unexpected pixel error: ${String(error)}`);
};

const scripts = (doc: Document) => [...doc.querySelectorAll('script')].map((s) => s.getAttribute('src'));

const order: RelayEvent = {
  id: 'order_12345',
  type: 'order_created',
  timestamp: NOW,
  sourceUrl: 'https://shop.example.com/checkout',
  oppref: 'click',
  data: { value: '25.99', currency: 'usd' },
};
const orderData = pixelDataOf(order.type, order.data);

describe('installPixelStub', () => {
  it('installs the official queue shape: a function pushing its arguments onto oaiq.q', () => {
    const page = openPage();
    installPixelStub(page.win);
    const oaiq = (page.win as unknown as { oaiq: ((...a: unknown[]) => void) & { q: unknown[] } }).oaiq;
    oaiq('init', { pixelId: 'p' });
    expect(oaiq.q).toHaveLength(1);
    expect(Object.prototype.toString.call(oaiq.q[0])).toBe('[object Arguments]');
    expect(page.oaiqCalls()).toEqual([['init', { pixelId: 'p' }]]);
  });

  it('keeps an existing oaiq (the site installed the snippet itself), and measures on our pixel only', () => {
    const page = openPage();
    const calls: unknown[][] = [];
    const existing = (...args: unknown[]) => void calls.push(args);
    (page.win as unknown as { oaiq: unknown }).oaiq = existing;
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['p'], granted: false, debug: false, onError: fail });
    expect((page.win as unknown as { oaiq: unknown }).oaiq).toBe(existing);
    bridge.measure(order, orderData);
    // The site's own oaiq may have other pixels initialised: `measure` would count the event there too.
    expect(calls.map((c) => c.slice(0, 2))).toEqual([['consent', false], ['init', { pixelId: 'p' }], ['measureSingle', 'p']]);
  });
});

describe('createPixelBridge', () => {
  it('reports a script the page refuses to load (Trusted Types) and still records the grant', () => {
    const page = openPage();
    const errors: unknown[] = [];
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: false, debug: false, onError: (e) => errors.push(e) });
    const refuse = vi.spyOn(page.win.document, 'createElement').mockImplementation(() => {
      throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
    });
    expect(() => bridge.setConsent(true)).not.toThrow();
    refuse.mockRestore();
    expect(errors).toHaveLength(1);
    expect(page.oaiqCalls().at(-1)).toEqual(['consent', true]);
  });


  it('queues consent before init, and loads the script only once granted', () => {
    const page = openPage();
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: false, debug: true, onError: fail });
    expect(page.oaiqCalls()).toEqual([
      ['consent', false],
      ['init', { pixelId: 'p1', debug: true }],
    ]);
    expect(scripts(page.win.document)).toEqual([]);
    bridge.setConsent(true);
    bridge.setConsent(false);
    bridge.setConsent(true);
    expect(page.oaiqCalls().slice(2)).toEqual([
      ['consent', true],
      ['consent', false],
      ['consent', true],
    ]);
    expect(scripts(page.win.document)).toEqual([PIXEL_SCRIPT_URL]);
  });

  it('loads the script at once when created granted', () => {
    const page = openPage();
    createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: true, debug: false, onError: fail });
    expect(page.oaiqCalls()).toEqual([['consent', true], ['init', { pixelId: 'p1' }]]);
    expect(scripts(page.win.document)).toEqual([PIXEL_SCRIPT_URL]);
  });

  it('measures with event_id and nothing of source_url, timestamp or oppref', () => {
    const page = openPage();
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: true, debug: false, onError: fail });
    bridge.measure(order, orderData);
    expect(page.oaiqCalls()[2]).toEqual([
      'measure',
      'order_created',
      { type: 'contents', amount: 2599, currency: 'USD' },
      { event_id: 'order_12345' },
    ]);
    expect(JSON.stringify(page.oaiqCalls())).not.toMatch(/source_url|timestamp|oppref|click/);
  });

  it('passes custom_event_name and opt_out as options, and no server-only custom data keys', () => {
    const page = openPage();
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: true, debug: false, onError: fail });
    const custom: RelayEvent = { ...order, id: 'quote_1', type: 'custom', customEventName: 'quote_requested', optOut: true, data: { value: 1, currency: 'EUR', planId: 'pro', internal_note: 'x' } };
    bridge.measure(custom, pixelDataOf(custom.type, custom.data));
    expect(page.oaiqCalls()[2]).toEqual([
      'measure',
      'custom',
      { type: 'custom', amount: 100, currency: 'EUR', plan_id: 'pro' },
      { event_id: 'quote_1', custom_event_name: 'quote_requested', opt_out: true },
    ]);
  });

  it('uses measureSingle per pixel with several pixels, and inits each once', () => {
    const page = openPage();
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['pA', 'pB'], granted: true, debug: false, onError: fail });
    bridge.measure(order, orderData);
    expect(page.oaiqCalls()).toEqual([
      ['consent', true],
      ['init', { pixelId: 'pA' }],
      ['init', { pixelId: 'pB' }],
      ['measureSingle', 'pA', 'order_created', orderData, { event_id: 'order_12345' }],
      ['measureSingle', 'pB', 'order_created', orderData, { event_id: 'order_12345' }],
    ]);
  });

  it('setUser re-inits every pixel with the complete user, undefined clears it', () => {
    const page = openPage();
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['pA', 'pB'], granted: true, debug: false, onError: fail });
    bridge.setUser({ country: 'US', city: 'Paris' });
    bridge.setUser(undefined);
    expect(page.oaiqCalls().slice(3)).toEqual([
      ['init', { pixelId: 'pA', user: { country: 'US', city: 'Paris' } }],
      ['init', { pixelId: 'pB', user: { country: 'US', city: 'Paris' } }],
      ['init', { pixelId: 'pA' }],
      ['init', { pixelId: 'pB' }],
    ]);
  });

  it('does not add the script twice when the page already has it', () => {
    const page = openPage();
    const existing = page.win.document.createElement('script');
    existing.src = PIXEL_SCRIPT_URL;
    page.win.document.head.appendChild(existing);
    createPixelBridge({ window: page.win, pixelIds: ['p1'], granted: true, debug: false, onError: fail });
    expect(scripts(page.win.document)).toEqual([PIXEL_SCRIPT_URL]);
  });
});

describe('a pixel that throws', () => {
  it('reports each throw and still makes the other calls', () => {
    const page = openPage();
    const calls: unknown[][] = [];
    (page.win as unknown as { oaiq: unknown }).oaiq = (...args: unknown[]) => {
      calls.push(args);
      throw new Error('broken pixel');
    };
    const errors: unknown[] = [];
    const bridge = createPixelBridge({ window: page.win, pixelIds: ['pA', 'pB'], granted: true, debug: false, onError: (e) => errors.push(e) });
    bridge.measure(order, orderData);
    expect(calls.map((c) => c[0])).toEqual(['consent', 'init', 'init', 'measureSingle', 'measureSingle']);
    expect(errors).toHaveLength(5);
  });
});

describe('pixelDataOf (the pixel copy of the page\'s data, without core\'s builder)', () => {
  it('converts value to integer minor units by core\'s rule, with the ISO 4217 exponent exceptions', () => {
    expect(pixelDataOf('order_created', { value: '25.99', currency: 'usd' })).toEqual({ type: 'contents', amount: 2599, currency: 'USD' });
    expect(pixelDataOf('order_created', { value: 500, currency: 'JPY' })).toEqual({ type: 'contents', amount: 500, currency: 'JPY' });
    expect(pixelDataOf('order_created', { value: '1.234', currency: 'KWD' })).toEqual({ type: 'contents', amount: 1234, currency: 'KWD' });
    expect(pixelDataOf('order_created', { value: '1.2345', currency: 'CLF' })).toEqual({ type: 'contents', amount: 12345, currency: 'CLF' });
    expect(pixelDataOf('order_created', { value: '1.500', currency: 'USD' })).toEqual({ type: 'contents', amount: 150, currency: 'USD' });
    expect(pixelDataOf('order_created', { amount: 2599, currency: 'USD' })).toEqual({ type: 'contents', amount: 2599, currency: 'USD' });
  });

  it('converts items (falling back on the event currency) and renames their keys for the pixel', () => {
    const data = { currency: 'EUR', contents: [{ id: 'a', groupId: 'g', name: 'A', contentType: 'product', quantity: 2, value: '10.5', variantDict: { size: 'M' } }] };
    expect(pixelDataOf('items_added', data)).toEqual({
      type: 'contents',
      currency: 'EUR',
      contents: [{ id: 'a', group_id: 'g', name: 'A', content_type: 'product', quantity: 2, amount: 1050, variant_dict: { size: 'M' } }],
    });
    expect(pixelDataOf('subscription_created', { planId: 'pro' })).toEqual({ type: 'plan_enrollment', plan_id: 'pro' });
  });

  it('refuses a value it cannot convert exactly, naming the field (never rounded)', () => {
    for (const [value, currency, code] of [['1.999', 'USD', 'too_precise'], ['1.5', 'JPY', 'too_precise'], ['12,99', 'EUR', 'invalid_format'], ['-1', 'EUR', 'negative']] as const) {
      expect(() => pixelDataOf('order_created', { value, currency })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'data.value', code })] }));
    }
  });

  it('says the rule each refused value breaks: a plain decimal, not negative, not too precise', () => {
    // '12,99' has two decimals and '-1' none: "at most 2 decimals" alone would not say what is wrong.
    for (const [value, currency, rule] of [['12,99', 'EUR', 'must be a decimal'], ['-1', 'EUR', '≥ 0'], ['1.5', 'JPY', 'at most 0 decimals']] as const) {
      expect(() => pixelDataOf('order_created', { value, currency })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ message: expect.stringContaining(rule) })] }));
    }
  });
});

describe('pixelScriptUrl (the tracker option)', () => {
  it('loads the given script instead of OpenAI\'s, once, on the first grant', async () => {
    const { createTracker } = await import('./tracker.js');
    const page = openPage('https://shop.example.com/');
    const errors: unknown[] = [];
    const url = 'http://127.0.0.1:4318/sdk/oaiq.min.js';
    const tracker = createTracker({ pixelId: 'p', pixelScriptUrl: url, window: page.win, onError: (e) => errors.push(e) });
    expect(scripts(page.win.document)).toEqual([]);
    tracker.setConsent('granted');
    tracker.setConsent('granted');
    expect(scripts(page.win.document)).toEqual([url]);
    expect(errors).toEqual([]);
  });

  it('reports a URL that is not absolute http(s) in development builds', async () => {
    const { createTracker } = await import('./tracker.js');
    for (const bad of ['/sdk/oaiq.min.js', 'javascript:alert(1)', 42]) {
      const page = openPage('https://shop.example.com/');
      const errors: { issues?: { path: string; code: string }[] }[] = [];
      createTracker({ pixelId: 'p', pixelScriptUrl: bad as string, consent: 'granted', window: page.win, onError: (e) => errors.push(e as never) });
      expect(errors.flatMap((e) => e.issues ?? [])).toEqual([expect.objectContaining({ path: 'options.pixelScriptUrl', code: 'invalid_pixel_script_url' })]);
    }
  });

  it('in a production build, loads the given script without checking it, and OpenAI\'s for none or an empty one', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const { createTracker } = await import('./tracker.js');
      const errors: unknown[] = [];
      for (const [given, loaded] of [
        ['https://cdn.example/oaiq.js', 'https://cdn.example/oaiq.js'],
        ['', PIXEL_SCRIPT_URL],
        [undefined, PIXEL_SCRIPT_URL],
      ] as const) {
        const page = openPage('https://shop.example.com/');
        createTracker({ pixelId: 'p', ...(given === undefined ? {} : { pixelScriptUrl: given }), consent: 'granted', window: page.win, onError: (e) => errors.push(e) });
        expect(scripts(page.win.document)).toEqual([loaded]);
      }
      expect(errors).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
