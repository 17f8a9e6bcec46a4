/**
 * Exact conversion between decimal major units (`19.99`, `"19.99"`) and integer ISO 4217 minor
 * units (`1999`), spec §6. Decimal-string arithmetic only: never `x * 100` on floats.
 */
import { currencyExponent } from './currency.js';
import { CapiValidationError } from './errors.js';

// Digits, an optional fraction, an optional exponent (as printed by `String(number)`: 1e-7, 1e+21).
const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function fail(path: string, code: string, message: string): never {
  throw new CapiValidationError([{ path, code, message }]);
}

/**
 * Converts a non-negative decimal amount in major units to integer minor units of `currency`,
 * exactly. Numbers are read through their shortest round-trip form (`String(n)`, so `19.99` is the
 * decimal 19.99 and `0.1 + 0.2` is 0.30000000000000004, which has too many decimals for USD).
 * Strings are plain decimals (`"1234.5"`, an optional exponent like `"1e3"`); no sign, spaces,
 * thousands separators or currency symbols. Trailing zeros beyond the currency's precision are fine
 * (`"1.500"` USD → 150), other excess digits are an error, never rounded.
 *
 * `currency` is an uppercase ISO 4217 code of the pinned table (see `currencyExponent`); lowercase is
 * rejected, like everywhere in this SDK, so the rule for a valid currency is the same on every path.
 *
 * @example toMinorUnits(19.99, 'USD') // 1999
 * @example toMinorUnits('1234.5', 'KWD') // 1234500
 * @example toMinorUnits(500, 'JPY') // 500
 * @param path - the field named in errors about the amount (default `value`)
 * @param currencyPath - the field named in errors about the currency (default `currency`)
 * @throws CapiValidationError `invalid_type` | `invalid_number` | `negative` | `too_precise` | `too_large` |
 *   `unknown_currency`
 */
export function toMinorUnits(
  amount: number | string,
  currency: string,
  path = 'value',
  currencyPath = 'currency',
): number {
  const exponent = currencyExponent(currency, currencyPath);
  const text = decimalText(amount, path);
  const match = DECIMAL.exec(text);
  if (match === null) {
    fail(path, 'invalid_number', 'must be a non-negative decimal number like 19.99 (no sign, spaces, separators or symbols)');
  }
  const intDigits = match[1] ?? '';
  const fracDigits = match[2] ?? '';
  const shift = Number(match[3] ?? '0') + exponent;
  if (!Number.isSafeInteger(shift)) fail(path, 'too_large', 'is out of range');

  // All digits with the decimal point moved `shift` places right (into minor units).
  const digits = intDigits + fracDigits;
  const point = intDigits.length + shift;
  let whole: string;
  let rest: string;
  if (point <= 0) {
    whole = '0';
    rest = digits;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(Math.min(point - digits.length, 400));
    rest = '';
  } else {
    whole = digits.slice(0, point);
    rest = digits.slice(point);
  }
  if (/[1-9]/.test(rest)) {
    fail(path, 'too_precise', `has more decimals than ${currency} allows (${exponent})`);
  }
  whole = whole.replace(/^0+(?=[0-9])/, '');
  const minor = whole.length > 16 ? Infinity : Number(whole);
  if (minor > MAX_SAFE) fail(path, 'too_large', `must be at most ${MAX_SAFE} in minor units`);
  return minor;
}

function decimalText(amount: unknown, path: string): string {
  if (typeof amount === 'number') {
    if (Number.isNaN(amount) || !Number.isFinite(amount)) fail(path, 'invalid_number', 'must be a finite number');
    if (amount < 0) fail(path, 'negative', 'must not be negative');
    return String(Object.is(amount, -0) ? 0 : amount);
  }
  if (typeof amount === 'string') {
    if (amount === '') fail(path, 'invalid_number', 'must not be empty');
    if (amount.startsWith('-')) fail(path, 'negative', 'must not be negative');
    return amount;
  }
  return fail(path, 'invalid_type', 'must be a number or a decimal string');
}

/**
 * Integer minor units → decimal string in major units with exactly the currency's decimals, for
 * display and logs (`1999` USD → `"19.99"`, `500` JPY → `"500"`, `5` KWD → `"0.005"`).
 *
 * @param path - the field named in errors about the amount (default `amount`)
 * @throws CapiValidationError `not_integer` when `amount` is not a safe integer, `unknown_currency`
 */
export function fromMinorUnits(amount: number, currency: string, path = 'amount'): string {
  const exponent = currencyExponent(currency);
  if (!Number.isSafeInteger(amount)) fail(path, 'not_integer', 'must be an integer (minor units)');
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
