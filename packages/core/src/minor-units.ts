/**
 * The decimal → minor-units rule of {@link toMinorUnits} on its own, with the exponent given, and the
 * small table of ISO 4217 codes whose minor unit is not 2 decimals. The browser's production tracker
 * converts the pixel's `value` with these two without loading the full currency table
 * (`currency.ts`); `currency.test.ts` checks that the exceptions equal that table's non-2 entries.
 */
import { fail } from './errors.js';

/**
 * Every code of the pinned ISO 4217 table (`ISO_4217_EDITION`) whose minor unit is not 2 decimals,
 * as `exponent → codes`: 0 (JPY, KRW…), 3 (BHD, KWD…), 4 (CLF, UYW).
 */
export const CURRENCY_EXPONENT_EXCEPTIONS = 'BIFCLPDJFGNFISKJPYKMFKRWPYGRWFUGXUYIVNDVUVXAFXOFXPF0BHDIQDJODKWDLYDOMRTND3CLFUYW4';

/**
 * The exponent of `code` by {@link CURRENCY_EXPONENT_EXCEPTIONS}, else 2. It does not check that the
 * code exists: the relay and development builds do that with the full table (`currencyExponent`).
 */
export function exponentOf(code: string): number {
  // Each group is codes followed by their exponent digit; a code sits at a multiple of 3 in its group.
  for (const group of CURRENCY_EXPONENT_EXCEPTIONS.match(/[A-Z]+\d/g)!) {
    for (let i = 0; i < group.length - 1; i += 3) if (group.slice(i, i + 3) === code) return +group.slice(-1);
  }
  return 2;
}

// Digits, an optional fraction, an optional exponent (as printed by `String(number)`: 1e-7, 1e+21).
const DECIMAL = /^\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** Why {@link minorUnitsOf} refused an amount (the issue code core reports). */
export type MinorUnitsFailure = 'invalid_type' | 'negative' | 'invalid_format' | 'too_large' | 'too_precise';

/**
 * The rule of `toMinorUnits` without its messages: `amount` (a non-negative decimal in major
 * units, number or string) → integer minor units with `exponent` decimals, exactly (never rounded;
 * excess non-zero digits are `too_precise`), or the code of the rule it breaks. Numbers are read
 * through `String(n)`; strings are plain decimals with an optional exponent.
 */
export function minorUnitsOf(amount: unknown, exponent: number): number | MinorUnitsFailure {
  if (typeof amount !== 'number' && typeof amount !== 'string') return 'invalid_type';
  const text = String(amount); // -0 prints as "0"; NaN and Infinity fail the format
  if (text[0] === '-') return 'negative';
  if (!DECIMAL.test(text)) return 'invalid_format';
  // A test (no match array), then a scan with no substring but the rare exponent's: this runs for
  // every amount a server builds, and the captures, slices and padding were 256 B of garbage each.
  // The mantissa ends at `end`: digits and `.` sort before `e` and `E`. The bound is checked first:
  // comparing `undefined` (past the end) with '9' took V8 off its string-compare fast path, and
  // this loop was half of the function.
  let end = 0;
  while (end < text.length && text[end]! <= '9') end++;
  const shift = +text.slice(end + 1) + exponent; // '' (no exponent) is 0
  if (!Number.isSafeInteger(shift)) return 'too_large';
  // The decimal point moves `shift` places right (into minor units): `point` digits stay before it
  // (counted down as they are read), and every digit after it must be 0. The digits before it are
  // summed exactly while below 2^53; once above, the sum stays above (each step rounds to the
  // nearest double): too_large, as the exact value is.
  const dot = text.indexOf('.');
  let point = (dot < 0 ? end : dot) + shift;
  let whole = 0;
  for (let i = 0; i < end; i++) {
    if (i === dot) continue;
    const digit = +text[i]!;
    if (point-- > 0) whole = whole * 10 + digit;
    else if (digit) return 'too_precise';
  }
  // Then zeros up to the point; past 20 any non-zero digit is far beyond 2^53, so they are capped.
  for (let zeros = 20; point-- > 0 && zeros--; ) whole *= 10;
  return whole > Number.MAX_SAFE_INTEGER ? 'too_large' : whole;
}

/**
 * {@link minorUnitsOf} with core's messages: the conversion of `toMinorUnits` once the exponent is known.
 *
 * @param currency - named in the `too_precise` message
 * @param path - the field named in errors
 * @throws CapiValidationError `invalid_type` | `negative` | `invalid_format` | `too_precise` | `too_large`
 */
export function decimalToMinorUnits(amount: number | string, exponent: number, currency: string, path = 'value'): number {
  const result = minorUnitsOf(amount, exponent);
  if (typeof result === 'number') return result;
  const messages: Record<MinorUnitsFailure, string> = {
    invalid_type: 'must be a number or a decimal string',
    negative: 'must not be negative',
    invalid_format: 'must be a plain decimal number like 19.99',
    too_large: 'must be at most 2^53 - 1 in minor units',
    too_precise: `must have at most ${exponent} decimals in ${currency}`,
  };
  return fail(path, result, messages[result]);
}
