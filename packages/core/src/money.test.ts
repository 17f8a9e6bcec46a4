import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { knownCurrencies, currencyExponent } from './currency.js';
import { CapiValidationError } from './errors.js';
import { fromMinorUnits, toMinorUnits } from './money.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (CapiValidationError.isInstance(error)) return error.issues[0]?.code;
    throw error;
  }
  return undefined;
}

/** Reference: BigInt arithmetic on a plain decimal string; undefined when not exact. */
function reference(decimal: string, exponent: number): bigint | undefined {
  const [int = '', frac = ''] = decimal.split('.');
  const kept = frac.slice(0, exponent).padEnd(exponent, '0');
  if (/[1-9]/.test(frac.slice(exponent))) return undefined;
  return BigInt(int + kept);
}

describe('toMinorUnits', () => {
  it.each([
    [19.99, 'USD', 1999],
    ['19.99', 'USD', 1999],
    [129.99, 'USD', 12999],
    [0.1, 'USD', 10],
    [0.29, 'USD', 29],
    [1.15, 'EUR', 115],
    [4.35, 'USD', 435],
    [25.99, 'USD', 2599],
    ['1234.5', 'KWD', 1234500],
    [1.005, 'KWD', 1005],
    [500, 'JPY', 500],
    ['8900', 'JPY', 8900],
    ['1.500', 'USD', 150],
    ['0', 'USD', 0],
    [0, 'USD', 0],
    [-0, 'USD', 0],
    ['007.10', 'USD', 710],
    ['1.2345', 'CLF', 12345],
    [1e-7 * 1e7, 'USD', 100],
    ['1e3', 'USD', 100000],
    ['1.5E2', 'JPY', 150],
    [1e21, 'JPY', Number.NaN],
    ['90071992547409.91', 'USD', 9007199254740991],
  ])('%j %s → %d', (amount, currency, expected) => {
    if (Number.isNaN(expected)) expect(codeOf(() => toMinorUnits(amount, currency))).toBe('too_large');
    else expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it.each([
    ['1.005', 'USD', 'too_precise'],
    [1.005, 'USD', 'too_precise'],
    [0.1 + 0.2, 'USD', 'too_precise'],
    [1e-7, 'USD', 'too_precise'],
    ['0.5', 'JPY', 'too_precise'],
    ['1.0001', 'KWD', 'too_precise'],
    [-1, 'USD', 'negative'],
    ['-1.00', 'USD', 'negative'],
    [Number.NaN, 'USD', 'invalid_format'],
    [Number.POSITIVE_INFINITY, 'USD', 'invalid_format'],
    ['', 'USD', 'invalid_format'],
    ['abc', 'USD', 'invalid_format'],
    ['1,000.00', 'USD', 'invalid_format'],
    ['$5', 'USD', 'invalid_format'],
    [' 5', 'USD', 'invalid_format'],
    ['+5', 'USD', 'invalid_format'],
    ['.5', 'USD', 'invalid_format'],
    ['5.', 'USD', 'invalid_format'],
    ['0x10', 'USD', 'invalid_format'],
    ['Infinity', 'USD', 'invalid_format'],
    ['90071992547409.92', 'USD', 'too_large'],
    ['1e400', 'USD', 'too_large'],
    ['1e9999999999999999999', 'USD', 'too_large'],
    [19.99, 'usd', 'unknown_currency'],
    [19.99, 'XAU', 'unknown_currency'],
  ])('%j %s → %s', (amount, currency, code) => {
    expect(codeOf(() => toMinorUnits(amount, currency))).toBe(code);
  });

  it('rejects non-numbers with invalid_type', () => {
    for (const value of [null, undefined, true, {}, [], 10n]) {
      expect(codeOf(() => toMinorUnits(value as unknown as number, 'USD'))).toBe('invalid_type');
    }
  });

  it('names the given paths', () => {
    expect(() => toMinorUnits('x', 'USD', 'data.contents[1].value')).toThrow(/data\.contents\[1\]\.value/);
    expect(() => toMinorUnits('1', 'EURO', 'value', 'data.currency')).toThrow(/data\.currency/);
  });

  it('equals a BigInt reference on decimal strings, and rejects exactly when the reference is inexact', () => {
    const currency = fc.constantFrom(...knownCurrencies());
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }))
      .map(([int, frac]) => (frac === undefined ? `${int}` : `${int}.${frac}`));
    fc.assert(
      fc.property(decimal, currency, (text, code) => {
        const expected = reference(text, currencyExponent(code));
        if (expected === undefined) {
          expect(codeOf(() => toMinorUnits(text, code))).toBe('too_precise');
        } else if (expected > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(codeOf(() => toMinorUnits(text, code))).toBe('too_large');
        } else {
          expect(toMinorUnits(text, code)).toBe(Number(expected));
        }
      }),
    );
  });

  it('reads numbers through their shortest decimal form (matches the reference on String(n))', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom('USD', 'JPY', 'KWD', 'CLF'), (n, code) => {
        const text = String(n);
        fc.pre(!text.includes('e'));
        const expected = reference(text, currencyExponent(code));
        if (expected === undefined) expect(codeOf(() => toMinorUnits(n, code))).toBe('too_precise');
        else if (expected > BigInt(Number.MAX_SAFE_INTEGER)) expect(codeOf(() => toMinorUnits(n, code))).toBe('too_large');
        else expect(toMinorUnits(n, code)).toBe(Number(expected));
      }),
    );
  });

  it('round-trips with fromMinorUnits', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.constantFrom(...knownCurrencies()), (minor, code) => {
        expect(toMinorUnits(fromMinorUnits(minor, code), code)).toBe(minor);
      }),
    );
  });
});

describe('fromMinorUnits', () => {
  it.each([
    [1999, 'USD', '19.99'],
    [5, 'USD', '0.05'],
    [0, 'USD', '0.00'],
    [500, 'JPY', '500'],
    [5, 'KWD', '0.005'],
    [1234500, 'KWD', '1234.500'],
    [12345, 'CLF', '1.2345'],
    [-150, 'EUR', '-1.50'],
  ])('%d %s → %s', (amount, currency, expected) => {
    expect(fromMinorUnits(amount, currency)).toBe(expected);
  });

  it('rejects non-integers and unknown currencies', () => {
    expect(codeOf(() => fromMinorUnits(1.5, 'USD'))).toBe('not_integer');
    expect(codeOf(() => fromMinorUnits(2 ** 53, 'USD'))).toBe('not_integer');
    expect(codeOf(() => fromMinorUnits(1, 'usd'))).toBe('unknown_currency');
  });
});
