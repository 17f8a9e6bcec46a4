import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { fromGa4, GA4_EVENT_MAP, type Ga4Params } from './ga4.js';
import { NOW } from './__fixtures__/events.js';
import { issuesOf } from './__fixtures__/issues-of.js';


describe('GA4_EVENT_MAP', () => {
  it('maps the seven GA4 names of spec §9 and nothing else', () => {
    expect(GA4_EVENT_MAP).toEqual({
      page_view: 'page_viewed',
      view_item: 'contents_viewed',
      add_to_cart: 'items_added',
      begin_checkout: 'checkout_started',
      purchase: 'order_created',
      generate_lead: 'lead_created',
      sign_up: 'registration_completed',
    });
    expect(Object.isFrozen(GA4_EVENT_MAP)).toBe(true);
  });
});

describe('fromGa4', () => {
  it('maps a purchase with value, currency, transaction id and items', () => {
    const input = fromGa4('purchase', {
      transaction_id: 'T_12345',
      value: 72.05,
      currency: 'USD',
      coupon: 'SUMMER',
      items: [
        { item_id: 'SKU_1', item_name: 'Shirt', item_category: 'Apparel', item_variant: 'green', price: 10.01, quantity: 3, item_brand: 'X' },
        { item_id: 'SKU_2', price: '42.02' },
      ],
    });
    expect(input).toEqual({
      type: 'order_created',
      id: 'T_12345',
      data: {
        value: 72.05,
        currency: 'USD',
        contents: [
          { id: 'SKU_1', name: 'Shirt', contentType: 'Apparel', quantity: 3, value: 10.01, variantDict: { variant: 'green' } },
          { id: 'SKU_2', contentType: 'product', value: '42.02' },
        ],
      },
    });
  });

  it('sums price × quantity exactly in minor units when value is absent', () => {
    const input = fromGa4('begin_checkout', {
      currency: 'usd',
      items: [
        { item_id: 'a', price: 0.1, quantity: 3 },
        { item_id: 'b', price: '0.2' },
        { item_id: 'c', price: 19.99, quantity: 7 },
      ],
    });
    // 0.1 × 3 + 0.2 + 19.99 × 7 = 0.30 + 0.20 + 139.93 = 140.43 (floats would give 140.43000000000001)
    expect(input.data?.amount).toBe(14043);
    expect(input.data?.currency).toBe('USD');
    expect(input.data?.value).toBeUndefined();
  });

  it('ends as wire money in minor units once built: value → amount, item price → item amount (spec §9)', () => {
    const wire = (params: Ga4Params) =>
      buildEvent({ ...fromGa4('purchase', params), timestamp: NOW, sourceUrl: 'https://shop.example/' }, { now: NOW }).data;
    expect(wire({ transaction_id: 'T_1', value: 72.05, currency: 'usd', items: [{ item_id: 'a', price: 10.01, quantity: 3 }, { item_id: 'b', price: '42.02' }] })).toEqual({
      type: 'contents',
      amount: 7205,
      currency: 'USD',
      contents: [
        { id: 'a', content_type: 'product', quantity: 3, amount: 1001 },
        { id: 'b', content_type: 'product', amount: 4202 },
      ],
    });
    expect(wire({ currency: 'JPY', items: [{ item_id: 'a', price: 8900 }] })).toEqual({
      type: 'contents',
      amount: 8900,
      currency: 'JPY',
      contents: [{ id: 'a', content_type: 'product', amount: 8900 }],
    });
    // A price finer than the currency is refused (at the GA4 param), never rounded.
    expect(issuesOf(() => wire({ value: 11, currency: 'JPY', items: [{ item_id: 'a', price: 5.5, quantity: 2 }] }))).toEqual([
      expect.objectContaining({ path: 'params.items[0].price', code: 'too_precise' }),
    ]);
  });

  it('does not sum when some item has no price (items keep their own prices)', () => {
    const input = fromGa4('add_to_cart', { currency: 'EUR', items: [{ item_id: 'a', price: 5 }, { item_id: 'b' }] });
    expect(input.data?.amount).toBeUndefined();
    expect(input.data?.contents).toHaveLength(2);
  });

  it('reports problems of the sum', () => {
    expect(issuesOf(() => fromGa4('purchase', { items: [{ item_id: 'a', price: 5 }] }))).toEqual([
      expect.objectContaining({ path: 'params.currency', code: 'required' }),
    ]);
    expect(issuesOf(() => fromGa4('purchase', { currency: 'JPY', items: [{ item_id: 'a', price: 5.5 }] }))).toEqual([
      expect.objectContaining({ path: 'params.items[0].price', code: 'too_precise' }),
    ]);
    expect(issuesOf(() => fromGa4('purchase', { currency: 'USD', items: [{ item_id: 'a', price: 5, quantity: 1.5 }] }))).toEqual([
      expect.objectContaining({ path: 'params.items[0].quantity', code: 'not_integer' }),
    ]);
    // A negative or unsafe quantity too is not_integer (not core's negative / too_large).
    for (const quantity of [-1, 2 ** 53]) {
      expect(issuesOf(() => fromGa4('purchase', { currency: 'USD', items: [{ item_id: 'a', price: 5, quantity }] }))).toEqual([
        expect.objectContaining({ path: 'params.items[0].quantity', code: 'not_integer' }),
      ]);
    }
    expect(
      issuesOf(() => fromGa4('purchase', { currency: 'USD', items: [{ price: '90071992547409' }, { price: '1', quantity: 2 }] })),
    ).toEqual([expect.objectContaining({ code: 'too_large' })]);
  });

  it('requires a currency with value, and amounts exact in it (named at the GA4 param)', () => {
    expect(issuesOf(() => fromGa4('purchase', { value: 10, transaction_id: 'T_1' }))).toEqual([
      expect.objectContaining({ path: 'params.currency', code: 'required' }),
    ]);
    expect(issuesOf(() => fromGa4('purchase', { value: '12,99', currency: 'EUR' }))).toEqual([
      expect.objectContaining({ path: 'params.value', code: 'invalid_format' }),
    ]);
    expect(issuesOf(() => fromGa4('purchase', { value: 1.5, currency: 'JPY' }))).toEqual([
      expect.objectContaining({ path: 'params.value', code: 'too_precise' }),
    ]);
    expect(issuesOf(() => fromGa4('purchase', { value: -5 }))).toEqual([
      expect.objectContaining({ path: 'params.currency', code: 'required' }),
      expect.objectContaining({ path: 'params.value', code: 'negative' }),
    ]);
  });

  it('maps page_view keeping only mapped params', () => {
    expect(fromGa4('page_view', { page_location: 'https://x.example/?email=a@b.c', page_title: 'Home' })).toEqual({
      type: 'page_viewed',
      data: {},
    });
  });

  it('maps lead and sign-up events, and refuses items on them', () => {
    expect(fromGa4('generate_lead', { value: 50, currency: 'USD' })).toEqual({
      type: 'lead_created',
      data: { value: 50, currency: 'USD' },
    });
    expect(fromGa4('sign_up', { method: 'Google' })).toEqual({ type: 'registration_completed', data: {} });
    expect(issuesOf(() => fromGa4('generate_lead', { items: [{ item_id: 'a' }] }))).toEqual([
      expect.objectContaining({ path: 'params.items', code: 'forbidden_field' }),
    ]);
  });

  it.each(['refund', 'add_payment_info', 'view_cart', 'quote_requested', 'a', 'x-1'])('maps %s to a custom event of that name', (name) => {
    expect(fromGa4(name, {})).toEqual({ type: 'custom', customEventName: name, data: {} });
  });

  it('passes scalar params of custom events through as custom data', () => {
    const input = fromGa4('refund', {
      transaction_id: 'T_1',
      value: '30.00',
      currency: 'EUR',
      reason: 'damaged',
      partial: true,
      count: 2,
      items: [{ item_id: 'a', price: '30.00' }],
    });
    expect(input).toEqual({
      type: 'custom',
      customEventName: 'refund',
      id: 'T_1',
      data: {
        value: '30.00',
        currency: 'EUR',
        reason: 'damaged',
        partial: true,
        count: 2,
        contents: [{ id: 'a', contentType: 'product', value: '30.00' }],
      },
    });
  });

  it('rejects custom params that cannot be passed through', () => {
    const issues = issuesOf(() => fromGa4('share', { nested: { a: 1 }, amount: 5, type: 'x', bad: Number.NaN } as Ga4Params));
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['params.nested', 'invalid_type'],
      ['params.amount', 'reserved_name'],
      ['params.type', 'reserved_name'],
      ['params.bad', 'invalid_type'],
    ]);
  });

  it.each(['Purchase', 'add to cart', '', '_x', 'x'.repeat(65), '__proto__', 'toString', 'page-view!'])(
    'rejects the event name %j (never a silent rename)',
    (name) => {
      expect(issuesOf(() => fromGa4(name, {}))).toEqual([expect.objectContaining({ path: 'eventName', code: 'invalid_format' })]);
    },
  );

  it.each(['order_created', 'lead_created', 'custom'])('rejects the reserved name %j (an OpenAI type, not a GA4 event)', (name) => {
    expect(issuesOf(() => fromGa4(name, {}))).toEqual([expect.objectContaining({ path: 'eventName', code: 'reserved_name' })]);
  });

  it('does not resolve names through Object.prototype', () => {
    expect(fromGa4('constructor', {})).toEqual({ type: 'custom', customEventName: 'constructor', data: {} });
    expect(fromGa4('hasownproperty', {}).type).toBe('custom');
  });

  it('ignores __proto__/constructor/prototype params without polluting prototypes', () => {
    const params = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "prototype": 1, "ok": "yes"}') as Ga4Params;
    const input = fromGa4('custom_thing', params);
    expect(input.data).toEqual({ ok: 'yes' });
    expect(Object.getPrototypeOf(input.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps transaction_id as the id verbatim; an integer one becomes its digits; an e-mail is refused', () => {
    expect(fromGa4('purchase', { transaction_id: ' T-1 ' }).id).toBe(' T-1 ');
    expect(fromGa4('purchase', { transaction_id: 1000123456 }).id).toBe('1000123456');
    expect(issuesOf(() => fromGa4('purchase', { transaction_id: 'ada@example.com' })).map((i) => [i.path, i.code])).toEqual([['params.transaction_id', 'invalid_format']]);
    expect(issuesOf(() => fromGa4('purchase', { transaction_id: 1.5 })).map((i) => [i.path, i.code])).toEqual([['params.transaction_id', 'invalid_type']]);
  });

  it('rejects bad param types with paths', () => {
    const issues = issuesOf(() =>
      fromGa4('purchase', { currency: 5, value: {}, transaction_id: ' ', items: [null, { item_id: 7, quantity: '2', price: [] }] } as unknown as Ga4Params),
    );
    // Every problem, in no promised order.
    expect(issues.map((i) => [i.path, i.code]).sort()).toEqual([
      ['params.currency', 'invalid_type'],
      ['params.value', 'invalid_type'],
      ['params.transaction_id', 'empty'],
      ['params.items[0]', 'invalid_type'],
      ['params.items[1].item_id', 'invalid_type'],
      ['params.items[1].quantity', 'invalid_type'],
      ['params.items[1].price', 'invalid_type'],
    ].sort());
    expect(issuesOf(() => fromGa4('purchase', 'x' as unknown as Ga4Params))[0]?.path).toBe('params');
    expect(issuesOf(() => fromGa4('purchase', { items: {} } as unknown as Ga4Params))[0]?.path).toBe('params.items');
  });
});

describe('fromGa4: unreadable params', () => {
  it('turns a throwing getter into an unreadable issue, never a raw error', () => {
    const params = Object.defineProperty({}, 'value', { enumerable: true, get: () => { throw new Error('getter'); } });
    expect(issuesOf(() => fromGa4('purchase', params as Ga4Params)).map((i) => `${i.path}:${i.code}`)).toEqual(['params:unreadable']);
  });
});
