import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { fromGa4, ga4EventOf } from './ga4.js';
import { mapGa4Params } from './ga4-params.js';
import { NOW } from './__fixtures__/events.js';
import { issuesOf } from './__fixtures__/issues-of.js';

const build = (input: ReturnType<typeof mapGa4Params>) => buildEvent({ ...input, timestamp: NOW, sourceUrl: 'https://shop.example/' }, { now: NOW });

describe('ga4EventOf', () => {
  it('maps table names, keeps valid custom names, refuses the rest', () => {
    expect(ga4EventOf('purchase')).toEqual({ type: 'order_created' });
    expect(ga4EventOf('page_view')).toEqual({ type: 'page_viewed' });
    expect(ga4EventOf('refund')).toEqual({ type: 'custom', customEventName: 'refund' });
    for (const name of ['Purchase', 'order_created', 'custom', 'gtm.js', '', 5, undefined, '__proto__']) expect(ga4EventOf(name)).toBeUndefined();
  });
});

describe('mapGa4Params (the lean part of fromGa4 the browser uses)', () => {
  it('is fromGa4 for valid params, without custom params', () => {
    const params = { transaction_id: 'T_1', value: '129.99', currency: 'usd', items: [{ item_id: 'a', item_name: 'Tee', price: '64.99', quantity: 2 }] };
    expect(mapGa4Params({ type: 'order_created' }, params)).toEqual(fromGa4('purchase', { ...params, items: [{ item_id: 'a', item_name: 'Tee', price: '64.99', quantity: 2 }] }));
    expect(mapGa4Params({ type: 'custom', customEventName: 'quote' }, { value: 1, currency: 'EUR', step: 2 }).data).toEqual({ value: 1, currency: 'EUR' });
    expect(fromGa4('quote', { value: 1, currency: 'EUR', step: 2 }).data).toEqual({ value: 1, currency: 'EUR', step: 2 });
  });

  it('passes field values as given, for the builder to judge', () => {
    const input = mapGa4Params({ type: 'items_added' }, { currency: 'EUR', value: '12,99', items: [{ item_id: 7, item_name: 'Tee', quantity: 1.5, price: 'x' }] });
    expect(input.data).toEqual({ currency: 'EUR', value: '12,99', contents: [{ id: 7, name: 'Tee', contentType: 'product', quantity: 1.5, value: 'x' }] });
    expect(issuesOf(() => build(input)).map((i) => i.path)).toEqual(expect.arrayContaining(['data.value', 'data.contents[0].value']));
  });

  it('sums in minor units with the currency exponent, and leaves the sum out when a price cannot be summed', () => {
    const items = [{ price: '1.5', quantity: 2 }, { price: 0.25 }];
    expect(mapGa4Params({ type: 'checkout_started' }, { currency: 'kwd', items }).data?.amount).toBe(3250);
    expect(mapGa4Params({ type: 'checkout_started' }, { currency: 'EUR', items }).data?.amount).toBe(325);
    expect(mapGa4Params({ type: 'checkout_started' }, { currency: 'JPY', items: [{ price: 8900, quantity: 3 }] }).data?.amount).toBe(26700);
    // 0.25 JPY cannot be summed: no amount, and the builder names the item.
    const jpy = mapGa4Params({ type: 'checkout_started' }, { currency: 'JPY', items });
    expect(jpy.data?.amount).toBeUndefined();
    expect(issuesOf(() => build(jpy)).map((i) => [i.path, i.code])).toEqual([
      ['data.contents[0].value', 'too_precise'],
      ['data.contents[1].value', 'too_precise'],
    ]);
    expect(issuesOf(() => mapGa4Params({ type: 'order_created' }, { currency: 'USD', items: [{ price: '90071992547409' }, { price: 1, quantity: 2 }] }))).toEqual([
      expect.objectContaining({ path: 'params.items', code: 'too_large' }),
    ]);
  });

  it('reports what makes the mapping impossible, under the given path', () => {
    const at = 'dataLayer.purchase.ecommerce';
    expect(issuesOf(() => mapGa4Params({ type: 'order_created' }, { value: 5, items: [null] }, at)).map((i) => [i.path, i.code])).toEqual([
      [`${at}.currency`, 'required'],
      [`${at}.items[0]`, 'invalid_type'],
    ]);
    expect(issuesOf(() => mapGa4Params({ type: 'lead_created' }, { items: [] }, at))).toEqual([expect.objectContaining({ path: `${at}.items`, code: 'forbidden_field' })]);
    expect(issuesOf(() => mapGa4Params({ type: 'order_created' }, 'x', at))).toEqual([expect.objectContaining({ path: at, code: 'invalid_type' })]);
  });

  it('takes an integer transaction_id as its digits, anything else as given (fromGa4 applies the id rule)', () => {
    expect(mapGa4Params({ type: 'order_created' }, { transaction_id: 1000123456 }).id).toBe('1000123456');
    expect(mapGa4Params({ type: 'order_created' }, { transaction_id: ' T-1 ' }).id).toBe(' T-1 ');
    expect(mapGa4Params({ type: 'order_created' }, { transaction_id: 1.5 }).id).toBe(1.5);
    expect(mapGa4Params({ type: 'order_created' }, { transaction_id: 'ada@example.com' }).id).toBe('ada@example.com');
    expect(issuesOf(() => fromGa4('purchase', { transaction_id: 'ada@example.com' }))).toEqual([expect.objectContaining({ code: 'invalid_format' })]);
    expect(issuesOf(() => fromGa4('purchase', { transaction_id: 1.5 }))).toEqual([expect.objectContaining({ code: 'invalid_type' })]);
  });

  it('lets a throwing getter through (fromGa4 wraps it as unreadable)', () => {
    const params = Object.defineProperty({}, 'value', { enumerable: true, get: () => { throw new Error('getter'); } });
    expect(() => mapGa4Params({ type: 'order_created' }, params)).toThrow('getter');
  });
});
