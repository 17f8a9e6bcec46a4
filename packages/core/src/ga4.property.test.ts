import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOW } from './__fixtures__/events.js';
import { buildEvent } from './build-event.js';
import { currencyExponent } from './currency.js';
import { CapiValidationError } from './errors.js';
import { fromGa4, GA4_EVENT_MAP, type Ga4Params } from './ga4.js';
import type { EventInput } from './types.js';

const anything = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true });
const ga4Name = fc.oneof(fc.constantFrom(...Object.keys(GA4_EVENT_MAP), 'refund', 'add_payment_info', 'custom', 'order_created', 'Purchase', ''), fc.string({ maxLength: 10 }));
const price = fc.oneof(fc.stringMatching(/^[0-9]{1,4}(\.[0-9]{1,3})?$/), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(-1, 'x', null));
const item = fc.record(
  { item_id: fc.oneof(fc.string({ maxLength: 6 }), anything), item_name: fc.string({ maxLength: 6 }), item_category: fc.string({ maxLength: 6 }), item_variant: fc.string({ maxLength: 4 }), item_brand: fc.string(), quantity: fc.oneof(fc.nat(5), fc.constantFrom(-1, 1.5, '2')), price },
  { requiredKeys: [] },
);
const params = fc.oneof(
  anything,
  fc.record(
    {
      value: price,
      currency: fc.constantFrom('USD', 'usd', 'JPY', 'KWD', 'XXX', 5),
      transaction_id: fc.oneof(fc.string({ maxLength: 8 }), anything),
      items: fc.oneof(fc.array(fc.oneof(item, anything), { maxLength: 4 }), anything),
      coupon: fc.string({ maxLength: 5 }),
      step: fc.oneof(fc.nat(), fc.boolean(), anything),
      amount: fc.nat(),
    },
    { requiredKeys: [] },
  ),
);

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(CapiValidationError.isInstance(error)).toBe(true);
    return undefined;
  }
}

/** Exact minor units of a plain decimal string or number with BigInt; undefined when inexact. */
function minor(value: string | number, exponent: number): bigint | undefined {
  const [int = '', frac = ''] = String(value).split('.');
  if (/[1-9]/.test(frac.slice(exponent))) return undefined;
  return BigInt(int + frac.slice(0, exponent).padEnd(exponent, '0'));
}

describe('fromGa4 (properties)', () => {
  it('throws only CapiValidationError, and what it maps builds with only CapiValidationError', () => {
    fc.assert(
      fc.property(ga4Name, params, (name, p) => {
        const input = attempt(() => fromGa4(name, p as Ga4Params));
        if (input === undefined) return;
        expect(input.type === 'custom' ? input.customEventName : GA4_EVENT_MAP[name]).toBe(input.type === 'custom' ? name : input.type);
        attempt(() => buildEvent({ ...input, timestamp: NOW, sourceUrl: 'https://shop.example/' } as EventInput, { now: NOW }));
      }),
      { numRuns: 400 },
    );
  });

  it('sums price × quantity exactly (BigInt reference) when value is absent', () => {
    const pricedItem = fc.record({ price: fc.oneof(fc.stringMatching(/^[0-9]{1,7}(\.[0-9]{1,4})?$/), fc.double({ min: 0, max: 1e7, noNaN: true }).filter((n) => !String(n).includes('e'))), quantity: fc.nat(1000) }, { requiredKeys: ['price'] });
    fc.assert(
      fc.property(fc.array(pricedItem, { minLength: 1, maxLength: 5 }), fc.constantFrom('USD', 'JPY', 'KWD'), (items, currency) => {
        const exponent = currencyExponent(currency);
        let total: bigint | undefined = 0n;
        for (const i of items) {
          const unit = minor(i.price, exponent);
          total = unit === undefined || total === undefined ? undefined : total + unit * BigInt(i.quantity ?? 1);
        }
        const input = attempt(() => fromGa4('purchase', { currency, items }));
        if (total === undefined || total > BigInt(Number.MAX_SAFE_INTEGER)) expect(input).toBeUndefined();
        else expect(input?.data?.amount).toBe(Number(total));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps extra params out of standard events, and copies only primitives into custom ones', () => {
    fc.assert(
      fc.property(fc.constantFrom('purchase', 'sign_up', 'tutorial_begin'), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), anything)), (name, p) => {
        const input = attempt(() => fromGa4(name, p));
        if (input === undefined) return;
        const extra = Object.keys(input.data ?? {}).filter((k) => !['value', 'currency', 'contents', 'amount'].includes(k));
        if (input.type !== 'custom') expect(extra).toEqual([]);
        for (const key of extra) {
          expect(['__proto__', 'constructor', 'prototype']).not.toContain(key);
          expect(['string', 'number', 'boolean']).toContain(typeof input.data?.[key]);
        }
        expect(Object.getPrototypeOf(input.data)).toBe(Object.prototype);
      }),
      { numRuns: 300 },
    );
  });
});
