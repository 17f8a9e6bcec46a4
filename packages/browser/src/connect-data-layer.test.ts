import { CapiValidationError, type CapiError } from '@x/openai-capi-core';
import { describe, expect, it, vi } from 'vitest';
import { openPage } from './__tests__/page.js';
import { setupTracker } from './__tests__/tracker-setup.js';
import { connectDataLayer, DATA_LAYER_EVENTS, type DataLayerEvent } from './connect-data-layer.js';
import { createTracker, type TrackOptions } from './tracker.js';

type DataLayer = unknown[] & { push: (...items: unknown[]) => number };

/** A page with a tracker whose `track` calls are recorded, and the page's `dataLayer`. */
function shop(before: unknown[] = []) {
  const { page, errors, tracker } = setupTracker({ consent: 'granted' });
  const holder = page.win as unknown as { dataLayer: DataLayer };
  holder.dataLayer = before as DataLayer;
  const track = vi.spyOn(tracker, 'track');
  const tracked = () => track.mock.calls.map(([type, data, options]) => ({ type, data: data ?? {}, ...(options as TrackOptions) }));
  return { page, errors, tracker, win: page.win, dataLayer: () => holder.dataLayer, tracked, track };
}

/** What GTM's gtm.js (google/data-layer-helper) does on load: wraps `push`, chaining to the old one. */
function installGtm(dataLayer: DataLayer) {
  const seen: unknown[] = [];
  const oldPush = dataLayer.push;
  dataLayer.push = function (...items: unknown[]) {
    const length = oldPush.apply(dataLayer, items);
    seen.push(...items);
    return length;
  };
  return seen;
}

const ITEM = { item_id: 'SKU_1', item_name: 'Blue tee', item_category: 'Apparel', item_variant: 'M', price: '24.50', quantity: 2, item_brand: 'X' };
const purchase = (id = 'T_1001') => ({ event: 'purchase', ecommerce: { transaction_id: id, value: '129.99', currency: 'usd', tax: 4.9, items: [ITEM] } });
const issues = (errors: CapiError[]) => errors.map((e) => (CapiValidationError.isInstance(e) ? e.issues.map((i) => [i.path, i.code]) : e.message));
const undefinedOptions = { eventId: undefined, customEventName: undefined, optOut: undefined };

describe('connectDataLayer: mapping', () => {
  it('tracks the entries already there at connect time, then later pushes, with core\'s GA4 table', () => {
    const s = shop([{ event: 'gtm.js', 'gtm.start': 1 }, { ecommerce: null }, { event: 'view_item', ecommerce: { currency: 'USD', value: 24.5, items: [ITEM] } }]);
    connectDataLayer(s.tracker, { window: s.win });
    expect(s.tracked()).toEqual([
      {
        type: 'contents_viewed',
        data: { currency: 'USD', value: 24.5, contents: [{ id: 'SKU_1', name: 'Blue tee', contentType: 'Apparel', quantity: 2, value: '24.50', variantDict: { variant: 'M' } }] },
        ...undefinedOptions,
      },
    ]);
    s.dataLayer().push({ ecommerce: null });
    s.dataLayer().push(purchase());
    expect(s.tracked()[1]).toEqual({
      type: 'order_created',
      // `value` as pushed (major units): the relay's builder converts it with the currency.
      data: { currency: 'USD', value: '129.99', contents: [expect.objectContaining({ id: 'SKU_1', value: '24.50', quantity: 2 })] },
      ...undefinedOptions,
      eventId: 'T_1001',
    });
    expect(s.errors).toEqual([]);
  });

  it('maps the six default events and ignores the rest (page_view, refund, gtm.*) unless opted in', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    for (const event of ['page_view', 'refund', 'add_payment_info', 'gtm.dom', 'view_item_list', ...DATA_LAYER_EVENTS]) {
      s.dataLayer().push({ ecommerce: null }, { event, ecommerce: { currency: 'EUR', value: 1 } });
    }
    expect(s.tracked().map((t) => t.type)).toEqual(['contents_viewed', 'items_added', 'checkout_started', 'order_created', 'lead_created', 'registration_completed']);
    expect(s.errors).toEqual([]);
  });

  it('opts in to page_view and to custom events by name', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win, events: ['purchase', 'page_view', 'newsletter_signup'] });
    s.dataLayer().push({ event: 'page_view' }, { event: 'newsletter_signup' }, { event: 'add_to_cart', ecommerce: { items: [] } });
    expect(s.tracked()).toEqual([
      { type: 'page_viewed', data: {}, ...undefinedOptions },
      { type: 'custom', data: {}, ...undefinedOptions, customEventName: 'newsletter_signup' },
    ]);
  });

  it('reads gtag\'s form too: gtag(\'event\', name, params) pushes its arguments', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    const gtag = function (..._args: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      s.dataLayer().push(arguments);
    };
    gtag('event', 'begin_checkout', { currency: 'JPY', items: [{ item_id: 'a', price: 8900, quantity: 2 }], send_to: 'G-1' });
    gtag('config', 'G-1');
    expect(s.tracked()).toEqual([
      { type: 'checkout_started', data: { currency: 'JPY', amount: 17800, contents: [{ id: 'a', contentType: 'product', value: 8900, quantity: 2 }] }, ...undefinedOptions },
    ]);
  });

  it('sums price × quantity exactly (minor units of the currency) when the push has no value', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push({ event: 'add_to_cart', ecommerce: { currency: 'USD', items: [{ item_id: 'a', price: 0.1, quantity: 3 }, { item_id: 'b', price: '19.99' }] } });
    // In minor units, exactly (floats would give 2028.9999999999998 cents).
    expect(s.tracked()[0]?.data).toMatchObject({ amount: 2029, currency: 'USD' });
  });

  it('sends a purchase pushed twice twice, with one id (OpenAI dedupes it)', () => {
    const s = shop([purchase('T_9')]);
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push({ ecommerce: null }, purchase('T_9'));
    expect(s.tracked().map((t) => [t.type, t.eventId])).toEqual([
      ['order_created', 'T_9'],
      ['order_created', 'T_9'],
    ]);
  });
});

describe('connectDataLayer: ecommerce as GTM\'s data model holds it', () => {
  it('respects ecommerce: null resets', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push({ event: 'view_item', ecommerce: { currency: 'USD', value: 5, items: [{ item_id: 'a', price: 5 }, { item_id: 'b', price: 7 }] } });
    s.dataLayer().push({ ecommerce: null });
    s.dataLayer().push({ event: 'add_to_cart', ecommerce: { currency: 'USD', value: 9, items: [{ item_id: 'c', price: 9 }] } });
    expect(s.tracked()[1]?.data.contents?.map((c) => c.id)).toEqual(['c']);
  });

  it('without a reset, merges like GTM (objects and arrays by index), as the GA4 tag would see it', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push({ event: 'view_item', ecommerce: { currency: 'USD', value: 5, items: [{ item_id: 'a', price: 5 }, { item_id: 'b', price: 7 }] } });
    s.dataLayer().push({ event: 'add_to_cart', ecommerce: { value: 9, items: [{ item_id: 'c', price: 9 }] } });
    expect(s.tracked()[1]?.data).toMatchObject({ currency: 'USD', value: 9 });
    expect(s.tracked()[1]?.data.contents?.map((c) => c.id)).toEqual(['c', 'b']);
  });

  it('reads ecommerce pushed before its event, and never the page\'s own objects later changed', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    const ecommerce = { transaction_id: 'T_2', currency: 'EUR', value: 10 };
    s.dataLayer().push({ ecommerce });
    ecommerce.value = 99;
    s.dataLayer().push({ event: 'purchase' });
    expect(s.tracked()[0]).toMatchObject({ type: 'order_created', eventId: 'T_2', data: { value: 10, currency: 'EUR' } });
  });

  it('never copies __proto__ from a push into its model', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push(JSON.parse('{"event":"purchase","ecommerce":{"__proto__":{"polluted":1},"currency":"USD","value":1}}'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(s.tracked()[0]?.data).toEqual({ currency: 'USD', value: 1 });
  });
});

describe('connectDataLayer: GTM and other listeners', () => {
  it('works when GTM wrapped push before, and keeps GTM seeing every push with push\'s return value', () => {
    const s = shop([{ event: 'gtm.js' }]);
    const gtm = installGtm(s.dataLayer());
    connectDataLayer(s.tracker, { window: s.win });
    expect(s.dataLayer().push({ ecommerce: null }, purchase())).toBe(3);
    expect(gtm).toEqual([{ ecommerce: null }, purchase()]);
    expect(s.tracked()).toHaveLength(1);
  });

  it('works when GTM wraps push after it; each push is tracked once; disconnect stops it', () => {
    const s = shop();
    const connection = connectDataLayer(s.tracker, { window: s.win });
    const gtm = installGtm(s.dataLayer());
    s.dataLayer().push(purchase('T_a'));
    expect(gtm).toHaveLength(1);
    expect(s.tracked().map((t) => t.eventId)).toEqual(['T_a']);
    connection.disconnect();
    s.dataLayer().push({ ecommerce: null }, purchase('T_b'));
    expect(gtm).toHaveLength(3);
    expect(s.tracked()).toHaveLength(1);
    expect(s.dataLayer()).toHaveLength(3);
  });

  it('disconnect restores the original push when nothing wrapped it since', () => {
    const s = shop();
    const original = s.dataLayer().push;
    const connection = connectDataLayer(s.tracker, { window: s.win });
    expect(s.dataLayer().push).not.toBe(original);
    connection.disconnect();
    expect(s.dataLayer().push).toBe(original);
  });

  it('handles pushes made from inside a push in push order', () => {
    const s = shop();
    const dataLayer = s.dataLayer();
    const oldPush = dataLayer.push;
    // A tag that reacts to a purchase by pushing its own event, from inside GTM's push.
    dataLayer.push = function (...items: unknown[]) {
      const length = oldPush.apply(dataLayer, items);
      if ((items[0] as { event?: string }).event === 'purchase') dataLayer.push({ ecommerce: null }, { event: 'sign_up' });
      return length;
    };
    connectDataLayer(s.tracker, { window: s.win });
    dataLayer.push(purchase());
    expect(s.tracked().map((t) => t.type)).toEqual(['order_created', 'registration_completed']);
  });
});

describe('connectDataLayer: bad pushes', () => {
  it('reports a push without currency or with malformed items to onError, tracks nothing, and breaks no listener', () => {
    const s = shop();
    const gtm = installGtm(s.dataLayer());
    connectDataLayer(s.tracker, { window: s.win });
    const bad = [
      { event: 'purchase', ecommerce: { transaction_id: 'T_1', value: 10 } },
      { ecommerce: null },
      { event: 'add_to_cart', ecommerce: { currency: 'USD', items: { item_id: 'a' } } },
      { ecommerce: null },
      { event: 'view_item', ecommerce: { currency: 'USD', items: [null, 'x'] } },
      { ecommerce: null },
      { event: 'begin_checkout', ecommerce: 'nope' },
      { ecommerce: null },
      { event: 'sign_up', ecommerce: { items: [ITEM] } },
    ];
    for (const entry of bad) expect(() => s.dataLayer().push(entry)).not.toThrow();
    expect(gtm).toEqual(bad);
    expect(s.tracked()).toEqual([]);
    expect(issues(s.errors)).toEqual([
      [['dataLayer.purchase.ecommerce.currency', 'required']],
      [['dataLayer.add_to_cart.ecommerce.items', 'invalid_type']],
      [
        ['dataLayer.view_item.ecommerce.items[0]', 'invalid_type'],
        ['dataLayer.view_item.ecommerce.items[1]', 'invalid_type'],
      ],
      [['dataLayer.begin_checkout.ecommerce', 'invalid_type']],
      [['dataLayer.sign_up.ecommerce.items', 'forbidden_field']],
    ]);
    // The next good push is tracked as usual.
    s.dataLayer().push({ ecommerce: null }, purchase());
    expect(s.tracked()).toHaveLength(1);
  });

  it('names gtag pushes without .ecommerce', () => {
    const s = shop([['event', 'purchase', { value: 3, transaction_id: 'T_1' }]]);
    connectDataLayer(s.tracker, { window: s.win });
    expect(issues(s.errors)).toEqual([[['dataLayer.purchase.currency', 'required']]]);
  });

  it('takes an integer transaction_id as its digits; a blank one is refused by track, never sent with a random id', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win });
    s.dataLayer().push({ event: 'purchase', ecommerce: { transaction_id: 1000123456, value: 5, currency: 'EUR' } });
    s.dataLayer().push({ ecommerce: null }, { event: 'purchase', ecommerce: { transaction_id: ' ', value: 5, currency: 'EUR' } });
    expect(s.tracked().map((t) => t.eventId)).toEqual(['1000123456', ' ']);
    expect(s.track.mock.results.map((r) => r.value)).toEqual(['1000123456', undefined]);
    expect(issues(s.errors)).toEqual([[['options.eventId', expect.any(String)]]]);
  });

  it('contains a push whose fields throw when read, and a throwing onError', () => {
    const page = openPage('https://shop.example.com/');
    const tracker = createTracker({ endpoint: '/r', window: page.win, consent: 'granted', onError: () => { throw new Error('boom'); } });
    const dataLayer: DataLayer = [] as unknown as DataLayer;
    (page.win as unknown as { dataLayer: DataLayer }).dataLayer = dataLayer;
    connectDataLayer(tracker, { window: page.win });
    const hostile = { event: 'purchase', get ecommerce(): unknown { throw new Error('getter'); } };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => dataLayer.push(hostile, purchase())).not.toThrow();
    expect(dataLayer).toHaveLength(2);
    warn.mockRestore();
  });
});

describe('connectDataLayer: transform', () => {
  it('passes each mapped event and its push; the returned event is tracked, null skips it', () => {
    const s = shop();
    const seen: [DataLayerEvent, unknown][] = [];
    connectDataLayer(s.tracker, {
      window: s.win,
      transform: (event, push) => {
        seen.push([event, push]);
        if (event.eventId?.startsWith('TEST_')) return null;
        return { ...event, optOut: true };
      },
    });
    s.dataLayer().push(purchase('TEST_1'), { ecommerce: null }, purchase('T_real'));
    expect(seen.map(([event, push]) => [event.eventId, push])).toEqual([
      ['TEST_1', purchase('TEST_1')],
      ['T_real', purchase('T_real')],
    ]);
    expect(s.tracked()).toEqual([expect.objectContaining({ type: 'order_created', eventId: 'T_real', optOut: true })]);
  });

  it('reports a transform that throws or returns no event, never throwing into the page', () => {
    const s = shop();
    let calls = 0;
    connectDataLayer(s.tracker, {
      window: s.win,
      transform: () => {
        calls++;
        if (calls === 1) throw new Error('transform bug');
        return undefined as unknown as DataLayerEvent;
      },
    });
    expect(() => s.dataLayer().push(purchase(), { ecommerce: null }, purchase())).not.toThrow();
    expect(s.tracked()).toEqual([]);
    expect(s.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('transform bug'),
      expect.stringContaining('options.transform(purchase): must return an event or null'),
    ]);
  });
});

describe('connectDataLayer: transform typos', () => {
  it('passes the event\'s other keys to track as its options: a misspelt one is reported, not ignored', () => {
    const s = shop();
    connectDataLayer(s.tracker, { window: s.win, transform: (event) => ({ ...event, eventID: 'x' }) as DataLayerEvent });
    s.dataLayer().push(purchase());
    expect(issues(s.errors)).toEqual([[['options.eventID', 'unknown_field']]]);
  });
});

describe('connectDataLayer: setup', () => {
  it('reports invalid options and connects nothing (a misspelt transform must not be ignored)', () => {
    const s = shop([purchase()]);
    const push = s.dataLayer().push;
    const transfrom = (e: DataLayerEvent) => e;
    connectDataLayer(s.tracker, { window: s.win, transfrom, events: ['purchase', 'Purchase', 5] } as never);
    connectDataLayer(s.tracker, { window: s.win, events: 'purchase', transform: 'x' } as never);
    expect(issues(s.errors)).toEqual([
      [
        ['options.transfrom', 'unknown_option'],
        ['options.events[1]', 'invalid_format'],
        ['options.events[2]', 'invalid_format'],
      ],
      [
        ['options.events', 'invalid_type'],
        ['options.transform', 'invalid_type'],
      ],
    ]);
    expect(s.dataLayer().push).toBe(push);
    expect(s.tracked()).toEqual([]);
  });

  it('reports a tracker that is not one, and a dataLayer that is not an array (left untouched)', () => {
    const page = openPage('https://shop.example.com/');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(connectDataLayer({} as never, { window: page.win }).disconnect()).toBeUndefined();
    expect(warn.mock.calls[0]?.join(' ')).toContain('tracker: must be a tracker');
    const s = shop();
    (s.win as unknown as { dataLayer: unknown }).dataLayer = { push: 1 };
    connectDataLayer(s.tracker, { window: s.win });
    expect(issues(s.errors)).toEqual([[['window.dataLayer', 'invalid_type']]]);
    expect((s.win as unknown as { dataLayer: unknown }).dataLayer).toEqual({ push: 1 });
    warn.mockRestore();
  });

  it('creates the dataLayer when there is none yet (GTM loads later and keeps it), and follows a custom name', () => {
    const s = shop();
    const holder = s.win as unknown as Record<string, DataLayer | undefined>;
    delete holder['dataLayer'];
    connectDataLayer(s.tracker, { window: s.win });
    connectDataLayer(s.tracker, { window: s.win, dataLayerName: 'shopLayer' });
    expect(Array.isArray(holder['dataLayer'])).toBe(true);
    installGtm(holder['dataLayer']!);
    holder['dataLayer']!.push(purchase('T_1'));
    holder['shopLayer']!.push(purchase('T_2'));
    expect(s.tracked().map((t) => t.eventId)).toEqual(['T_1', 'T_2']);
  });

  it('production builds leave the option check out, and never throw on bad options either', () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const s = shop([purchase()]);
      connectDataLayer(s.tracker, { window: s.win, colour: 'blue', events: ['purchase', 'Purchase'] } as never);
      expect(s.errors).toEqual([]);
      expect(s.tracked()).toHaveLength(1);
      const t = shop();
      expect(() => connectDataLayer(t.tracker, { window: t.win, events: 'purchase' } as never)).not.toThrow();
      expect(t.errors).toHaveLength(1);
      connectDataLayer(t.tracker, { window: t.win, transform: 'x' } as never);
      expect(() => t.dataLayer().push(purchase())).not.toThrow();
      expect(t.errors).toHaveLength(2);
      const u = shop();
      connectDataLayer(u.tracker, { window: u.win, transform: () => undefined as unknown as DataLayerEvent });
      expect(() => u.dataLayer().push(purchase())).not.toThrow();
      expect(u.errors.map((e) => e.message)).toEqual([expect.stringContaining('unexpected error')]);
      expect([...t.tracked(), ...u.tracked()]).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
