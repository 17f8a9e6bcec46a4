/**
 * Exact conversion between decimal major units (`19.99`, `"19.99"`) and integer ISO 4217 minor
 * units (`1999`), spec §6. Decimal-string arithmetic only: never `x * 100` on floats.
 */
import { currencyExponent } from './currency.js';
import { fail } from './errors.js';
import { decimalToMinorUnits } from './minor-units.js';

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
 * @throws CapiValidationError `unknown_currency` | `invalid_type` | `negative` | `invalid_format` |
 *   `too_precise` | `too_large`
 */
export function toMinorUnits(amount: number | string, currency: string, path = 'value', currencyPath = 'currency'): number {
  return decimalToMinorUnits(amount, currencyExponent(currency, currencyPath), currency, path);
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
  if (!Number.isSafeInteger(amount)) fail(path, 'not_integer', 'must be a safe integer (minor units)');
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
