import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate.js';
import { codes, NOW, order } from './__fixtures__/events.js';

const withData = (type: string, data: unknown, extra: Record<string, unknown> = {}) =>
  codes(validateEvent({ ...order(), type, data, ...extra }, { now: NOW }));
const contents = (data: Record<string, unknown>) => withData('order_created', { type: 'contents', ...data });
const item = (fields: Record<string, unknown>, data: Record<string, unknown> = {}) =>
  contents({ contents: [fields], ...data });

describe('validateEvent: data', () => {
  it.each([
    [undefined, ['data:required']],
    [null, ['data:invalid_type']],
    [[], ['data:invalid_type']],
    [{}, ['data.type:required']],
    [{ type: 'customer_action' }, ['data.type:shape_mismatch']],
    [{ type: 'Contents' }, ['data.type:shape_mismatch']],
    [{ type: 'contents' }, []],
  ])('order_created data %#', (data, expected) => expect(withData('order_created', data)).toEqual(expected));

  it('names the expected shape in the message', () => {
    const result = validateEvent({ ...order(), data: { type: 'custom' } }, { now: NOW });
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual(['must be "contents" for this event type']);
  });

  // checkData remembers the last key list that passed and whether it holds a key forbidden for the
  // shape: the same keys under another shape must be judged again.
  it('judges the same data keys by the shape of each event, in any order of events', () => {
    for (let round = 0; round < 2; round++) {
      expect(withData('order_created', { type: 'contents', contents: [] })).toEqual([]);
      expect(withData('lead_created', { type: 'contents', contents: [] })).toEqual(['data.type:shape_mismatch', 'data.contents:forbidden_field']);
      expect(withData('custom', { type: 'custom', contents: [] }, { custom_event_name: 'my_event' })).toEqual([]);
      expect(withData('order_created', { type: 'contents', plan_id: 'p' })).toEqual(['data.plan_id:forbidden_field']);
      expect(withData('subscription_created', { type: 'contents', plan_id: 'p' })).toEqual(['data.type:shape_mismatch']);
      expect(withData('lead_created', { type: 'contents', plan_id: 'p' })).toEqual(['data.type:shape_mismatch', 'data.plan_id:forbidden_field']);
    }
  });

  it('checks data.type against the known shapes when the event type is invalid', () => {
    expect(withData('nope', { type: 'contents', contents: [{ bad: 1 }] })).toEqual([
      'type:invalid_value',
      'data.contents[0].bad:unknown_field',
    ]);
    expect(withData('nope', { type: 'other' })).toEqual(['type:invalid_value', 'data.type:shape_mismatch']);
  });

  it.each([
    // amount
    [{ amount: 0, currency: 'USD' }, []],
    [{ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }, []],
    [{ amount: 2 ** 53, currency: 'USD' }, ['data.amount:too_large']],
    [{ amount: 25.99, currency: 'USD' }, ['data.amount:not_integer']],
    [{ amount: -1, currency: 'USD' }, ['data.amount:negative']],
    [{ amount: '2599', currency: 'USD' }, ['data.amount:invalid_type']],
    [{ amount: Number.POSITIVE_INFINITY, currency: 'USD' }, ['data.amount:not_integer']],
    // currency
    [{ amount: 100 }, ['data.currency:required']],
    [{ currency: 'EUR' }, []],
    [{ amount: 8900, currency: 'JPY' }, []],
    [{ amount: 100, currency: 'usd' }, ['data.currency:unknown_currency']],
    [{ amount: 100, currency: 'ABC' }, ['data.currency:unknown_currency']],
    [{ amount: 100, currency: 1 }, ['data.currency:unknown_currency']],
    [{ amount: 100, currency: 'US' }, ['data.currency:unknown_currency']],
  ])('money %#', (data, expected) => expect(contents(data)).toEqual(expected));

  it.each([
    ['lead_created', { type: 'customer_action', amount: 5000, currency: 'USD' }, []],
    ['lead_created', { type: 'customer_action', contents: [] }, ['data.contents:forbidden_field']],
    ['lead_created', { type: 'customer_action', plan_id: 'pro' }, ['data.plan_id:forbidden_field']],
    ['lead_created', { type: 'customer_action', note: 'x' }, ['data.note:unknown_field']],
    ['order_created', { type: 'contents', plan_id: 'pro' }, ['data.plan_id:forbidden_field']],
    ['order_created', { type: 'contents', value: 25.99 }, ['data.value:unknown_field']],
    ['trial_started', { type: 'plan_enrollment', plan_id: 'pro', contents: [{ id: 'a' }] }, []],
    ['trial_started', { type: 'plan_enrollment', plan_id: '' }, ['data.plan_id:empty']],
    ['trial_started', { type: 'plan_enrollment', plan_id: 3 }, ['data.plan_id:invalid_type']],
    ['trial_started', { type: 'plan_enrollment', planId: 'pro' }, ['data.planId:unknown_field']],
    ['custom', { type: 'custom', plan_id: 'pro', contents: [{ id: 'a' }], amount: 1, currency: 'USD' }, []],
    ['custom', { type: 'custom', anything: { nested: [1, 'a', null, true] }, n: null }, []],
    ['custom', { type: 'custom', plan_id: 4 }, ['data.plan_id:invalid_type']],
    ['custom', { type: 'custom', big: 10n }, ['data.big:not_json']],
    ['custom', { type: 'custom', nan: [Number.NaN] }, ['data.nan:not_json']],
    ['custom', { type: 'custom', fn: () => 1 }, ['data.fn:not_json']],
    // Sent as something else (a string, {}) or throwing when the batch is serialized:
    ['custom', { type: 'custom', when: new Date(0) }, ['data.when:not_json']],
    ['custom', { type: 'custom', map: new Map([['a', 1]]) }, ['data.map:not_json']],
    ['custom', { type: 'custom', price: { toJSON: null, n: 1 } }, []],
    ['custom', { type: 'custom', price: new (class Price { toJSON() { return 1n; } })() }, ['data.price:not_json']],
  ])('%s fields %#', (type, data, expected) =>
    expect(withData(type, data, type === 'custom' ? { custom_event_name: 'quote' } : {})).toEqual(expected));

  it('accepts custom extra data nested up to 32 levels below the value, and rejects deeper nesting', () => {
    // nest(n): n objects around a number; the outermost is the value of the key (level 0).
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    expect(withData('custom', { type: 'custom', deep: nest(33) }, { custom_event_name: 'quote' })).toEqual([]);
    expect(withData('custom', { type: 'custom', deep: [nest(32)] }, { custom_event_name: 'quote' })).toEqual([]);
    expect(withData('custom', { type: 'custom', deep: nest(34) }, { custom_event_name: 'quote' })).toEqual(['data.deep:not_json']);
  });

  it('rejects custom data nested deeper than JSON-safe (and cyclic data) without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(withData('custom', { type: 'custom', cyclic }, { custom_event_name: 'quote' })).toEqual(['data.cyclic:not_json']);
  });
});

describe('validateEvent: contents items', () => {
  it('accepts a full item', () => {
    expect(
      item({
        id: 'sku_1',
        group_id: 'g',
        name: 'Bundle',
        content_type: 'product',
        quantity: 2,
        amount: 1299,
        currency: 'EUR',
        variant_dict: { size: 'M', color: '' },
      }),
    ).toEqual([]);
    expect(contents({ contents: [] })).toEqual([]);
  });

  it.each([
    [{ contents: 'sku_1' }, ['data.contents:invalid_type']],
    [{ contents: [null] }, ['data.contents[0]:invalid_type']],
    [{ contents: [{ id: 'a' }, 'b'] }, ['data.contents[1]:invalid_type']],
  ])('contents shape %#', (data, expected) => expect(contents(data)).toEqual(expected));

  it.each([
    [{ sku: 'a' }, ['data.contents[0].sku:unknown_field']],
    [{ price: 100 }, ['data.contents[0].price:unknown_field']],
    [{ id: '' }, ['data.contents[0].id:empty']],
    [{ group_id: 1 }, ['data.contents[0].group_id:invalid_type']],
    [{ name: '' }, ['data.contents[0].name:empty']],
    [{ content_type: '' }, ['data.contents[0].content_type:empty']],
    [{ quantity: 0 }, []],
    [{ quantity: 1.5 }, ['data.contents[0].quantity:not_integer']],
    [{ quantity: -1 }, ['data.contents[0].quantity:negative']],
    [{ quantity: '1' }, ['data.contents[0].quantity:invalid_type']],
    [{ amount: 100, currency: 'USD' }, []],
    [{ amount: -5, currency: 'USD' }, ['data.contents[0].amount:negative']],
    [{ amount: 100, currency: 'eur' }, ['data.contents[0].currency:unknown_currency']],
    [{ variant_dict: { size: 1 } }, ['data.contents[0].variant_dict.size:invalid_type']],
    [{ variant_dict: ['M'] }, ['data.contents[0].variant_dict:invalid_type']],
  ])('item field %#', (fields, expected) => expect(item(fields)).toEqual(expected));

  it('lets an item amount inherit the event currency, and requires a currency otherwise', () => {
    expect(item({ amount: 100 }, { currency: 'USD' })).toEqual([]);
    expect(item({ amount: 100 }, { amount: 100, currency: 'EUR' })).toEqual([]);
    expect(item({ amount: 100 }, { currency: 'eur' })).toEqual(['data.currency:unknown_currency']);
    expect(withData('order_created', { type: 'contents', contents: [{ amount: 100 }] })).toEqual([
      'data.contents[0].currency:required',
    ]);
    expect(withData('order_created', { type: 'contents', contents: [{ amount: 100, currency: 'JPY' }] })).toEqual([]);
  });
});
