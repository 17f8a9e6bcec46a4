import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapiValidationError } from './errors.js';
import { currencyExponent, isKnownCurrency, ISO_4217_EDITION, knownCurrencies, knownExponent } from './currency.js';

describe('currencyExponent', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['XCG', 2],
    ['ZWG', 2],
    ['SLE', 2],
    ['MGA', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['UYI', 0],
    ['XOF', 0],
    ['XPF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['IQD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
    expect(isKnownCurrency(code)).toBe(true);
  });

  it.each(['usd', 'US', 'USDX', '', 'XAU', 'XAG', 'XDR', 'XTS', 'XXX', 'XBA', 'ANG', 'HRK', 'SLL', 'ZWL', 'BTC'])(
    'rejects %j with unknown_currency',
    (code) => {
      expect(isKnownCurrency(code)).toBe(false);
      let error: unknown;
      try {
        currencyExponent(code);
      } catch (e) {
        error = e;
      }
      expect(CapiValidationError.isInstance(error)).toBe(true);
      expect((error as CapiValidationError).issues).toEqual([
        expect.objectContaining({ path: 'currency', code: 'unknown_currency' }),
      ]);
    },
  );

  it('names the given path in the error', () => {
    expect(() => currencyExponent('ABC', 'data.currency')).toThrow(/data\.currency/);
  });

  it('rejects non-strings without crashing', () => {
    expect(isKnownCurrency(840)).toBe(false);
    expect(() => currencyExponent(840 as unknown as string)).toThrow(CapiValidationError);
  });
});

describe('the pinned table', () => {
  it('holds each code once, all three uppercase letters, and names its edition', () => {
    const codes = knownCurrencies();
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(codes).toHaveLength(165);
    expect(ISO_4217_EDITION).toMatch(/ISO 4217/);
  });

  it('only holds codes the runtime also knows as currencies (when Intl lists them)', () => {
    const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
    if (supported === undefined) return;
    const runtime = new Set(supported('currency'));
    // ICU leaves out fund codes and can lag behind ISO amendments: only those may be missing.
    const funds = ['BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW'];
    const recent = ['VED', 'XCG', 'ZWG', 'SLE'];
    const missing = knownCurrencies().filter((c) => !runtime.has(c));
    expect(missing.filter((c) => !funds.includes(c) && !recent.includes(c))).toEqual([]);
  });
});

describe('knownExponent', () => {
  it('answers each code of a sequence, known or not, as the table does (the last answer is kept)', () => {
    const known = knownCurrencies();
    const code = fc.oneof(fc.constantFrom('USD', 'usd', 'JPY', 'KWD', 'XXX', '', 'USD '), fc.constantFrom(...known), fc.string({ maxLength: 4 }), fc.anything());
    fc.assert(
      fc.property(fc.array(code, { maxLength: 12 }), (codes) => {
        for (const c of codes) {
          const expected = typeof c === 'string' && known.includes(c) ? currencyExponent(c) : undefined;
          expect(knownExponent(c)).toBe(expected);
          expect(isKnownCurrency(c)).toBe(expected !== undefined);
        }
      }),
    );
  });
});
