import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, knownCurrencies } from './currency.js';
import { CapiValidationError } from './errors.js';
import { toMinorUnits } from './money.js';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reference for a plain decimal with an optional exponent (`"12.5e-1"`): BigInt arithmetic only.
 * `{ minor }` when exact in the currency, else the code `toMinorUnits` must give.
 */
function reference(text: string, exponent: number): { minor: bigint } | { code: 'too_precise' | 'too_large' } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) throw new Error(`reference given a non-decimal: ${text}`);
  const [, int = '', frac = '', exp = '0'] = match;
  // value = digits × 10^(shift), digits = int frac as one integer
  const digits = BigInt(int + frac);
  const shift = Number(exp) + exponent - frac.length;
  if (digits === 0n) return { minor: 0n };
  if (shift >= 0) {
    const minor = digits * 10n ** BigInt(shift);
    return minor > MAX ? { code: 'too_large' } : { minor };
  }
  const divisor = 10n ** BigInt(-shift);
  if (digits % divisor !== 0n) return { code: 'too_precise' };
  const minor = digits / divisor;
  return minor > MAX ? { code: 'too_large' } : { minor };
}

function run(amount: unknown, currency: unknown): { minor: number } | { code: string } {
  try {
    return { minor: toMinorUnits(amount as number, currency as string) };
  } catch (error) {
    if (!CapiValidationError.isInstance(error)) throw error;
    expect(error.issues).toHaveLength(1);
    return { code: error.issues[0]!.code };
  }
}

const expected = (r: ReturnType<typeof reference>) => ('minor' in r ? { minor: Number(r.minor) } : r);
const currency = fc.constantFrom(...knownCurrencies());

describe('toMinorUnits (properties, against a BigInt reference)', () => {
  it('agrees on decimal strings with an exponent', () => {
    const text = fc
      .tuple(
        fc.stringMatching(/^[0-9]{1,20}$/),
        fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }),
        fc.option(fc.integer({ min: -40, max: 40 }), { nil: undefined }),
        fc.constantFrom('e', 'E', 'e+'),
      )
      .map(([int, frac, exp, e]) => `${int}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `${exp < 0 ? 'e' : e}${exp}`}`);
    fc.assert(
      fc.property(text, currency, (t, code) => {
        expect(run(t, code)).toEqual(expected(reference(t, currencyExponent(code))));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on every non-negative double, read through String(n) (exponent forms included)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), currency, (n, code) => {
        fc.pre(Number.isFinite(n));
        expect(run(n, code)).toEqual(expected(reference(String(n), currencyExponent(code))));
      }),
      { numRuns: 500 },
    );
  });

  it('throws only CapiValidationError for any amount and currency, and returns only safe non-negative integers', () => {
    const amount = fc.oneof(
      fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true }),
      fc.string(),
      fc.double(),
      fc.constantFrom('1e999999999', '1e-999999999', '0e999999999', '9'.repeat(400), '-0', ' 1', '1_000', '0x10', '١٢'),
    );
    fc.assert(
      fc.property(amount, fc.oneof(currency, fc.string({ maxLength: 4 }), fc.anything()), (a, c) => {
        const result = run(a, c);
        if ('minor' in result) {
          expect(Number.isSafeInteger(result.minor) && result.minor >= 0).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('toMinorUnits edge cases found while writing the properties', () => {
  it('handles huge exponents without building huge strings', () => {
    expect(run('1e999999999', 'USD')).toEqual({ code: 'too_large' });
    expect(run('1e-999999999', 'USD')).toEqual({ code: 'too_precise' });
    expect(run('0e999999999', 'USD')).toEqual({ minor: 0 });
    expect(run('0.000e-999', 'USD')).toEqual({ minor: 0 });
  });
});
