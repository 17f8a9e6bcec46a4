import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, knownCurrencies } from './currency.js';
import { CapiValidationError } from './errors.js';
import { decimalToMinorUnits, exponentOf, minorUnitsOf, type MinorUnitsFailure } from './minor-units.js';
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

// The regex implementation minorUnitsOf replaced (a char scan without substrings, for speed), kept
// here as the model it must equal on every input.
const MODEL_DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;
function modelMinorUnitsOf(amount: unknown, exponent: number): number | MinorUnitsFailure {
  if (typeof amount !== 'number' && typeof amount !== 'string') return 'invalid_type';
  const text = String(amount);
  if (text[0] === '-') return 'negative';
  const match = MODEL_DECIMAL.exec(text);
  if (!match) return 'invalid_format';
  const [, int = '', frac = '', exp = '0'] = match;
  const shift = +exp + exponent;
  if (!Number.isSafeInteger(shift)) return 'too_large';
  const digits = int + frac;
  const point = int.length + shift;
  if (/[1-9]/.test(digits.slice(Math.max(point, 0)))) return 'too_precise';
  const whole = +(point > 0 ? digits.slice(0, point).padEnd(Math.min(point, digits.length + 20), '0') : '0');
  return whole > Number.MAX_SAFE_INTEGER ? 'too_large' : whole;
}

describe('minorUnitsOf', () => {
  const EDGES: unknown[] = [
    '25.99', '0', '0.00', '-0', -0, '1.500', '0.001', '1e3', '1E3', '1e-7', 1e-7, '1e+21', 1e21, '1.5e2', '1e', '1e+', '1e-', '1.', '.5',
    '', ' 1', '1 ', '1\n', '+1', '1,5', '1.2.3', '1e5x', '1ee5', 'e5', 'NaN', 'Infinity', Number.NaN, Number.POSITIVE_INFINITY, -1,
    '9007199254740991', '9007199254740992', '90071992547409.91', '90071992547409.92', '90071992547409.9100000', 9007199254740991, 2 ** 53,
    '00000000000000000000000000001', '1.000000000000000000000000001', '0.0000000000000000000000000000', '1e14', '1e13', '0e400', '1e400',
    '0e999999999999999999999', '1e-999999999999999999999', '0e-9007199254740993', '0e9007199254740990', '1e-9007199254740991',
    '9'.repeat(400), `0.${'0'.repeat(400)}1`, `1${'0'.repeat(30)}e-30`, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, '\uFF11', '\u0663', '1\u0663',
    null, undefined, true, 10n, {}, [], ['1'], new String('1'),
  ];
  const EXPONENTS = [0, 2, 3, 4, -2, 20, 2 ** 53 - 1, -(2 ** 53), 1.5, Number.NaN];

  it('equals the regex implementation it replaced, on its edge cases', () => {
    for (const amount of EDGES) for (const exponent of EXPONENTS) {
      expect([amount, exponent, minorUnitsOf(amount, exponent)]).toEqual([amount, exponent, modelMinorUnitsOf(amount, exponent)]);
    }
  });

  it('equals the regex implementation it replaced, on arbitrary numbers and strings', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^\\d{0,${max}}$`));
    // Near-decimals: each part of `int[.frac][e[+-]exp]` present or not, empty or not, leading zeros.
    const decimal = fc
      .tuple(digits(25), fc.option(digits(25)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(22))))
      .map(([int, frac, exp]) => `${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`);
    const amount = fc.oneof(
      decimal,
      decimal.map((text) => `-${text}`),
      fc.tuple(decimal, fc.nat(30), fc.string({ maxLength: 2 })).map(([text, at, junk]) => text.slice(0, at) + junk + text.slice(at)),
      fc.string(),
      fc.stringMatching(/^[\d.eE+-]{0,12}$/),
      fc.double(),
      fc.integer(),
      fc.double({ min: 0, max: 1e7 }).map((n) => Math.round(n * 100) / 100),
      fc.anything(),
    );
    const exponent = fc.oneof(fc.constantFrom(0, 2, 3, 4), fc.integer({ min: -40, max: 40 }), fc.constantFrom(...EXPONENTS));
    fc.assert(
      fc.property(amount, exponent, (a, e) => {
        expect(minorUnitsOf(a, e)).toEqual(modelMinorUnitsOf(a, e));
      }),
      { numRuns: 20_000 },
    );
  });
});
