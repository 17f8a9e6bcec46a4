/**
 * The pixel's user from friendly input without the checks of `toPixelUser`: for each pixel field,
 * the first non-blank value, prepared with core's normalizers (raw values to be hashed) or as the
 * pixel takes it (already-hashed values lowercased, geo trimmed, country uppercased). The browser's
 * production `identify` hashes the `hash` texts with WebCrypto; `toPixelUser` stays the full rule
 * (and `pixel-user.test.ts` checks that both agree on valid input).
 */
import { normalizeEmail, normalizeExternalId, normalizeName, normalizePhone } from './normalize.js';
import type { PixelUser, UserInput } from './types.js';

/** One pixel user field, ready for the pixel: `hash` texts still need SHA-256. */
export interface PixelUserText {
  /** The normalized text or final value. */
  text: string;
  /** True when `text` must be hashed (SHA-256, hex) before it goes to the pixel. */
  hash: boolean;
}

type Prepare = ((value: string, field: string) => string) | 0 | 1 | 2; // 0: already hashed, 1: trimmed, 2: trimmed and uppercased

// Input field, pixel key, preparation; raw fields before their `*Sha256` twins, as in `hashUser`.
const FIELDS: readonly (readonly [keyof UserInput, keyof PixelUser, Prepare])[] = [
  ['email', 'email_sha256', normalizeEmail],
  ['emailSha256', 'email_sha256', 0],
  ['phone', 'phone_number_sha256', normalizePhone],
  ['phoneSha256', 'phone_number_sha256', 0],
  ['externalId', 'external_id_sha256', normalizeExternalId],
  ['externalIdSha256', 'external_id_sha256', 0],
  ['firstName', 'first_name_sha256', normalizeName],
  ['firstNameSha256', 'first_name_sha256', 0],
  ['lastName', 'last_name_sha256', normalizeName],
  ['lastNameSha256', 'last_name_sha256', 0],
  ['country', 'country', 2],
  ['city', 'city', 1],
  ['region', 'region', 1],
  ['postalCode', 'postal_code', 1],
  // Sources disagree on the pixel's key (spec-decisions): both, until OpenAI settles it.
  ['postalCode', 'zip_code', 1],
];

/**
 * The pixel user fields of `input` (see the module comment), keyed by pixel field. Values that are
 * not strings are skipped; a raw value the normalizer refuses throws its `CapiValidationError`.
 */
export function pixelUserTexts(input: UserInput): Partial<Record<keyof PixelUser, PixelUserText>> {
  const out: Partial<Record<keyof PixelUser, PixelUserText>> = {};
  for (const [field, key, prepare] of FIELDS) {
    if (out[key]) continue;
    const given: unknown = input[field];
    const value = (Array.isArray(given) ? given : [given]).find((item): item is string => typeof item === 'string' && item.trim() !== '');
    if (value === undefined) continue;
    const path = `user.${field}`;
    out[key] =
      typeof prepare === 'function'
        ? { text: prepare(value, path), hash: true }
        : { text: prepare === 0 ? value.toLowerCase() : prepare === 2 ? value.trim().toUpperCase() : value.trim(), hash: false };
  }
  return out;
}
