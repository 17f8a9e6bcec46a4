import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, knownCurrencies } from './currency.js';
import { CapiValidationError } from './errors.js';
import { decimalToMinorUnits, exponentOf } from './minor-units.js';
import { toMinorUnits } from './money.js';

describe('CURRENCY_EXPONENT_EXCEPTIONS (the small table the browser carries)', () => {
  it('gives every code of the full ISO 4217 table its exponent', () => {
    for (const code of knownCurrencies()) expect([code, exponentOf(code)]).toEqual([code, currencyExponent(code)]);
  });
  it('lists only codes of the full table whose exponent is not 2', () => {
    const listed = knownCurrencies().filter((code) => currencyExponent(code) !== 2);
    expect(listed).toEqual(expect.arrayContaining(['JPY', 'KWD', 'CLF']));
    expect(listed.length).toBe(26);
  });
  it('is 2 for a three-letter code it does not list (the relay checks existence)', () => {
    expect(exponentOf('ZZZ')).toBe(2);
    // No false match across code boundaries (…PYG|RWF… holds "GRW").
    expect(exponentOf('GRW')).toBe(2);
  });
});

describe('decimalToMinorUnits', () => {
  it('is toMinorUnits with the exponent given, result or error alike', () => {
    const amounts = fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.stringMatching(/^\d{1,6}(\.\d{0,5})?$/), fc.constantFrom('-1', 'abc', '1e3', '1,5'));
    fc.assert(
      fc.property(amounts, fc.constantFrom('USD', 'JPY', 'KWD', 'CLF', 'EUR'), (amount, code) => {
        const run = (fn: () => number) => {
          try {
            return fn();
          } catch (error) {
            return CapiValidationError.isInstance(error) ? error.issues : error;
          }
        };
        expect(run(() => decimalToMinorUnits(amount, exponentOf(code), code))).toEqual(run(() => toMinorUnits(amount, code)));
      }),
    );
  });
});
