/**
 * Normalization of personal data before hashing (spec §4). Each function returns the normalized
 * string or throws a `CapiValidationError`; error messages name the rule, never the value.
 */
import { fail } from './errors.js';
import { isWellFormedText } from './validate-common.js';

/** Max length of a normalized email address (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

// ASCII punctuation as listed in spec §4: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;
const WHITESPACE = /\s/gu;
const PHONE_SEPARATORS = /[\s().-]/gu;
const PHONE_DIGITS = /^[0-9]{8,15}$/;
const CONTROL_OR_SPACE = /[\s\p{Cc}]/u;

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'invalid_type', 'must be a string');
  // Hashed as UTF-8, where every lone surrogate becomes U+FFFD: two different values would collide.
  if (!isWellFormedText(value)) fail(path, 'invalid_format', 'must be well-formed Unicode (a lone surrogate has no UTF-8 form)');
  return value;
}

/**
 * Email: trim, then Unicode-aware lowercase (and NFC, so composed and decomposed accents hash the
 * same). Dots and `+tags` are kept. Must look like an address: exactly one `@`, a non-empty local
 * part, a domain of dot-separated non-empty labels with at least one dot, no whitespace or control
 * characters, at most 254 chars.
 *
 * @example normalizeEmail(' Ada@Example.COM ') // 'ada@example.com'
 * @param field - path named in the error (default `email`)
 * @throws CapiValidationError `invalid_format` | `invalid_type` | `too_long`
 */
export function normalizeEmail(value: string, field = 'email'): string {
  const email = requireString(value, field).trim().normalize('NFC').toLowerCase();
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const looksLikeEmail =
    at > 0 &&
    email.indexOf('@', at + 1) === -1 &&
    !CONTROL_OR_SPACE.test(email) &&
    domain.includes('.') &&
    // Every dot-separated label non-empty, without splitting (a split was most of this function).
    domain[0] !== '.' &&
    !domain.endsWith('.') &&
    !domain.includes('..') &&
    local !== '';
  if (!looksLikeEmail) {
    fail(field, 'invalid_format', 'must be an email address: one @ between a non-empty local part and a domain like example.com');
  }
  if (email.length > MAX_EMAIL_LENGTH) fail(field, 'too_long', `must be at most ${MAX_EMAIL_LENGTH} characters`);
  return email;
}

/**
 * Phone number: remove whitespace and `(` `)` `.` `-`, then one leading `+`, then leading zeros;
 * what is left must be 8–15 ASCII digits including the country calling code. Anything else
 * (letters, `ext.`, `/`, a second `+`) makes the number invalid: it is rejected, never stripped.
 *
 * @example normalizePhone('+1 (415) 555-2671') // '14155552671'
 * @param field - path named in the error (default `phone`)
 * @throws CapiValidationError `invalid_format` | `invalid_type`
 */
export function normalizePhone(value: string, field = 'phone'): string {
  let phone = requireString(value, field).replace(PHONE_SEPARATORS, '');
  if (phone.startsWith('+')) phone = phone.slice(1);
  phone = phone.replace(/^0+/, '');
  if (!PHONE_DIGITS.test(phone)) {
    fail(
      field,
      'invalid_format',
      'must be a phone number with country calling code: 8-15 digits once spaces, ( ) . -, a leading + and leading zeros are removed; no letters or extensions',
    );
  }
  return phone;
}

/**
 * First or last name: Unicode-aware lowercase (and NFC), remove all whitespace and ASCII
 * punctuation, keep every other character (`José` → `josé`, `O'Connor` → `oconnor`,
 * `Mary Jane` → `maryjane`). Must not be empty afterwards.
 *
 * @param field - path named in the error (default `name`)
 * @throws CapiValidationError `invalid_format` | `invalid_type`
 */
export function normalizeName(value: string, field = 'name'): string {
  const name = requireString(value, field)
    .normalize('NFC')
    .toLowerCase()
    .replace(WHITESPACE, '')
    .replace(ASCII_PUNCTUATION, '');
  if (name === '') fail(field, 'invalid_format', 'must hold a letter or digit besides whitespace and punctuation');
  return name;
}

/**
 * External id (your customer id): trim only, case preserved. Must not be empty.
 *
 * @example normalizeExternalId('  CUST-00042  ') // 'CUST-00042'
 * @param field - path named in the error (default `externalId`)
 * @throws CapiValidationError `empty` | `invalid_type`
 */
export function normalizeExternalId(value: string, field = 'externalId'): string {
  const id = requireString(value, field).trim();
  if (id === '') fail(field, 'empty', 'must not be blank');
  return id;
}
