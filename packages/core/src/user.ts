/**
 * Friendly `UserInput` → wire `user` (plural lists) and pixel `user` (singular keys), spec §4.
 */
import { addIssue, CapiError, CapiValidationError, fail } from './errors.js';
import { sha256Hex } from './hash.js';
import { normalizeEmail, normalizeExternalId, normalizeName, normalizePhone } from './normalize.js';
import type { Hasher, Issue, PixelUser, UserInput, WireUser } from './types.js';
import {
  isAndroidAdvertisingId,
  isCountryCode,
  isGeoText,
  isNonBlank,
  isPostalCode,
  POSTAL_CODE_RULE,
  isLowerSha256Hex,
  isSha256Hex,
  isValidIp,
} from './user-rules.js';
import { isPlainObject } from './validate-common.js';
import { VALUE_CODE } from './optional-fields.js';

/** Options of {@link hashUser} and {@link toPixelUser}. */
export interface HashUserOptions {
  /** SHA-256 implementation (default {@link sha256Hex}, pure JS). Must return 64 hex chars. */
  hasher?: Hasher | undefined;
  /** Prefix of issue paths (default `user`). */
  path?: string | undefined;
  /**
   * Spec §10: when given, an invalid optional value (city, region, postal code, country, first or
   * last name, raw or pre-hashed) is left out and passed here instead of failing the call; other
   * issues still throw. Without it every issue throws.
   */
  onWarning?: ((warning: Issue) => void) | undefined;
}

// Input fields whose absence does not change what the conversion means (spec §10).
const OPTIONAL_INPUT = /^(?:city|region|postalCode|country|firstName|lastName|firstNameSha256|lastNameSha256)$/;

/** The API uses at most this many unique values of each list (§4). */
export const MAX_USER_VALUES = 3;

type ListKey =
  | 'emails_sha256'
  | 'phone_numbers_sha256'
  | 'external_ids_sha256'
  | 'first_names_sha256'
  | 'last_names_sha256'
  | 'cities'
  | 'regions'
  | 'postal_codes'
  | 'countries';

type ScalarKey = 'obref' | 'ip_address' | 'user_agent' | 'android_advertising_id';

/** Turns one raw value (already known non-blank) into its wire form, or throws a validation error. */
type Convert = (value: string, path: string, hasher: Hasher) => string;

interface ListField {
  kind: 'list';
  wire: ListKey;
  convert: Convert;
}
interface ScalarField {
  kind: 'scalar';
  wire: ScalarKey;
  convert: (value: string, path: string) => string;
}

function hashed(normalize: (value: string, field: string) => string, hashedField: string): Convert {
  return (value, path, hasher) => {
    if (isSha256Hex(value.trim())) {
      fail(path, 'looks_hashed', `must not be a SHA-256 digest: pass already-hashed values in ${hashedField}`);
    }
    return runHasher(hasher, normalize(value, path));
  };
}

/** `keys` with every `*Sha256` key moved after the others, each group in its own order (a stable partition). */
function rawFieldsFirst(keys: string[]): string[] {
  const raw: string[] = [];
  const twins: string[] = [];
  for (const key of keys) (key.endsWith('Sha256') ? twins : raw).push(key);
  for (const key of twins) raw.push(key);
  return raw;
}

function runHasher(hasher: Hasher, text: string): string {
  let digest: unknown;
  try {
    digest = hasher(text);
  } catch (cause) {
    // Its message may quote the value it was given: only the cause keeps it.
    throw new CapiError('The hasher threw instead of returning a SHA-256 digest', { cause });
  }
  // The usual answer is already lowercase: one check, no copy.
  if (isLowerSha256Hex(digest)) return digest;
  if (!isSha256Hex(digest)) throw new CapiError('The hasher must return a SHA-256 digest as 64 hex characters');
  return digest.toLowerCase();
}

const preHashed: Convert = (value, path) => {
  if (!isSha256Hex(value)) fail(path, 'invalid_format', 'must be a SHA-256 digest: 64 hex chars');
  return value.toLowerCase();
};

const geoText: Convert = (value, path) => {
  const text = value.trim();
  if (!isGeoText(text)) fail(path, 'too_long', 'must be at most 128 characters');
  if (isSha256Hex(text)) fail(path, 'looks_hashed', 'must be the raw city or region, not a SHA-256 digest (the API expects it unhashed)');
  return text;
};

const postalCode: Convert = (value, path) => {
  const code = value.trim();
  if (!isPostalCode(code)) {
    fail(path, 'invalid_format', POSTAL_CODE_RULE);
  }
  return code;
};

const country: Convert = (value, path) => {
  const code = value.trim().toUpperCase();
  if (!isCountryCode(code)) {
    fail(path, 'invalid_format', 'must be an ISO 3166-1 alpha-2 country code like US (not a country name)');
  }
  return code;
};

type Fields = Readonly<Record<keyof UserInput, ListField | ScalarField>>;

// Built on first use, so that importing this module runs no code (bundlers can drop it unused).
let fields: Fields | undefined;

const userFields = (): Fields => (fields ??= {
  email: { kind: 'list', wire: 'emails_sha256', convert: hashed(normalizeEmail, 'emailSha256') },
  phone: { kind: 'list', wire: 'phone_numbers_sha256', convert: hashed(normalizePhone, 'phoneSha256') },
  externalId: {
    kind: 'list',
    wire: 'external_ids_sha256',
    convert: hashed(normalizeExternalId, 'externalIdSha256'),
  },
  firstName: { kind: 'list', wire: 'first_names_sha256', convert: hashed(normalizeName, 'firstNameSha256') },
  lastName: { kind: 'list', wire: 'last_names_sha256', convert: hashed(normalizeName, 'lastNameSha256') },
  emailSha256: { kind: 'list', wire: 'emails_sha256', convert: preHashed },
  phoneSha256: { kind: 'list', wire: 'phone_numbers_sha256', convert: preHashed },
  externalIdSha256: { kind: 'list', wire: 'external_ids_sha256', convert: preHashed },
  firstNameSha256: { kind: 'list', wire: 'first_names_sha256', convert: preHashed },
  lastNameSha256: { kind: 'list', wire: 'last_names_sha256', convert: preHashed },
  city: { kind: 'list', wire: 'cities', convert: geoText },
  region: { kind: 'list', wire: 'regions', convert: geoText },
  postalCode: { kind: 'list', wire: 'postal_codes', convert: postalCode },
  country: { kind: 'list', wire: 'countries', convert: country },
  obref: { kind: 'scalar', wire: 'obref', convert: (value) => value },
  ipAddress: {
    kind: 'scalar',
    wire: 'ip_address',
    convert: (value, path) => {
      const ip = value.trim();
      if (!isValidIp(ip)) fail(path, 'invalid_format', 'must be an IPv4 or IPv6 address');
      return ip;
    },
  },
  userAgent: { kind: 'scalar', wire: 'user_agent', convert: (value) => value },
  androidAdvertisingId: {
    kind: 'scalar',
    wire: 'android_advertising_id',
    convert: (value, path) => {
      const id = value.trim();
      if (!isAndroidAdvertisingId(id)) {
        fail(path, 'invalid_format', 'must be a Google Advertising ID in UUID format');
      }
      return id;
    },
  },
});

/**
 * Normalizes, hashes and checks a friendly user object into the wire `user` of the Conversions API
 * (plural lists, spec §4).
 *
 * Rules, beyond the normalizers (`normalizeEmail`…):
 * - each field takes a string or an array of strings; `undefined`, `null`, `""` and blank strings
 *   mean "no value" and are omitted (as is a field whose values are all blank);
 * - raw values are normalized then hashed; `*Sha256` fields take already-hashed values (checked as
 *   64 hex chars and lowercased). Both feed the same list, deduplicated after normalization, first
 *   occurrence order, raw fields first;
 * - a list may hold at most 3 unique values (the API would silently use only the first 3): more is an
 *   error (`too_many`) rather than a silent drop;
 * - a 64-hex value in a raw field is an error (`looks_hashed`): use the `*Sha256` field;
 * - cities/regions are trimmed (≤ 128 chars), postal codes trimmed, countries trimmed and uppercased
 *   and must then be an ISO 3166-1 alpha-2 code;
 * - `obref` and `userAgent` pass unchanged, `ipAddress` and `androidAdvertisingId` are trimmed and
 *   checked. An all-zero advertising id (limit ad tracking) is kept as given: the API ignores it;
 * - unknown keys and non-string values are errors.
 *
 * Every problem is collected (paths like `user.email[1]`, `user.country`) and thrown together as one
 * `CapiValidationError`; messages never contain the values.
 *
 * @throws CapiValidationError when any field breaks a rule
 * @throws CapiError when a custom `hasher` throws or returns something other than a SHA-256 hex digest
 */
export function hashUser(input: UserInput, options?: HashUserOptions): WireUser {
  return hashUserWith(input, options?.hasher ?? sha256Hex, options?.path ?? 'user', options?.onWarning);
}

/** {@link hashUser} with a hasher that must be given: no default SHA-256 in a bundle that uses only this. */
function hashUserWith(input: UserInput, hasher: Hasher, root: string, onWarning?: (warning: Issue) => void): WireUser {
  if (typeof hasher !== 'function') fail('options.hasher', 'invalid_type', 'must be a function (text) => SHA-256 hex');
  if (!isPlainObject(input)) {
    fail(root, 'invalid_type', 'must be a plain object');
  }
  const table = userFields();
  const issues: Issue[] = [];
  // The value of each wire key, at its index in WIRE_ORDER: the user is then built once, in order
  // (a Map of lists, a user object in input order and an ordered copy were a third of this function).
  const slots: (string | string[] | undefined)[] = [];

  // Raw fields first, then their `*Sha256` twins, whatever the key order of the input object.
  let keys: string[];
  try {
    keys = rawFieldsFirst(Object.keys(input));
  } catch {
    fail(root, 'unreadable', 'could not be read');
  }
  for (const key of keys) {
    const path = `${root}.${key}`;
    if (!Object.hasOwn(table, key)) {
      addIssue(issues, path, 'unknown_field', 'is not a user field');
      continue;
    }
    let value: unknown;
    try {
      value = (input as Record<string, unknown>)[key];
    } catch {
      addIssue(issues, path, 'unreadable', 'could not be read');
      continue;
    }
    if (value === undefined || value === null) continue;
    const field = table[key as keyof UserInput];
    const slot = WIRE_ORDER.indexOf(field.wire);

    if (field.kind === 'scalar') {
      if (typeof value !== 'string') {
        addIssue(issues, path, 'invalid_type', 'must be a string');
      } else if (isNonBlank(value)) {
        try {
          slots[slot] = field.convert(value, path);
        } catch (error) {
          record(issues, error);
        }
      }
      continue;
    }

    if (typeof value !== 'string' && !Array.isArray(value)) {
      addIssue(issues, path, 'invalid_type', 'must be a string or an array of strings');
      continue;
    }
    // One value or a list of them, walked without building a (value, path) pair for each.
    const list = Array.isArray(value) ? (value as unknown[]) : undefined;
    const count = list === undefined ? 1 : list.length;
    for (let i = 0; i < count; i++) {
      const item: unknown = list === undefined ? value : list[i];
      const itemPath = list === undefined ? path : `${path}[${i}]`;
      // Like a blank string: no value (spec-decisions), in a list as for the field itself.
      if (item === null || item === undefined) continue;
      if (typeof item !== 'string') {
        addIssue(issues, itemPath, 'invalid_type', 'must be a string');
        continue;
      }
      if (!isNonBlank(item)) continue;
      let converted: string;
      try {
        converted = field.convert(item, itemPath, hasher);
      } catch (error) {
        record(issues, error);
        continue;
      }
      const values = slots[slot] as string[] | undefined;
      if (values === undefined) {
        // A one-value literal: `[]` then `push` would reserve room for 17 values in every queued event.
        slots[slot] = [converted];
        continue;
      }
      if (values.includes(converted)) continue;
      if (values.length === MAX_USER_VALUES) {
        addIssue(issues, itemPath, 'too_many', `must hold at most ${MAX_USER_VALUES} unique values, raw and already-hashed together (the API ignores the rest)`);
        continue;
      }
      values.push(converted);
    }
  }

  const errors = issues.length > 0 && typeof onWarning === 'function' ? issues.filter((issue) => !isOptional(issue, root)) : issues;
  if (errors.length > 0) throw new CapiValidationError(errors);
  if (errors !== issues) for (const issue of issues) if (!errors.includes(issue)) onWarning!(issue);
  // Stable key order (the order of spec §4) so equal users serialize to equal JSON.
  const user: Record<string, unknown> = {};
  for (let i = 0; i < WIRE_ORDER.length; i++) {
    const value = slots[i];
    // `slice` keeps exactly the values (a grown array keeps spare room for more, in every queued event).
    if (value !== undefined) user[WIRE_ORDER[i] as string] = typeof value === 'string' || value.length === 1 ? value : value.slice();
  }
  return user as WireUser;
}

/** Adds the issues of a validation error to `issues`; throws any other error on. */
function record(issues: Issue[], error: unknown): void {
  if (!CapiValidationError.isInstance(error)) throw error;
  issues.push(...error.issues);
}

function isOptional(issue: Issue, root: string): boolean {
  const field = /^([^.[]+)(?:\[\d+\])?$/.exec(issue.path.slice(root.length + 1))?.[1];
  return issue.path.startsWith(`${root}.`) && field !== undefined && OPTIONAL_INPUT.test(field) && VALUE_CODE.test(issue.code);
}

/** The wire keys in the order of spec §4: the key order of every wire user. */
const WIRE_ORDER: readonly (keyof WireUser)[] = [
  'emails_sha256',
  'phone_numbers_sha256',
  'external_ids_sha256',
  'first_names_sha256',
  'last_names_sha256',
  'cities',
  'regions',
  'postal_codes',
  'countries',
  'obref',
  'ip_address',
  'user_agent',
  'android_advertising_id',
];

/** Each singular pixel user field and the wire list whose first value it takes. Internal. */
export const PIXEL_USER_FIELDS: ReadonlyArray<readonly [keyof PixelUser, ListKey]> = [
  ['email_sha256', 'emails_sha256'],
  ['phone_number_sha256', 'phone_numbers_sha256'],
  ['external_id_sha256', 'external_ids_sha256'],
  ['first_name_sha256', 'first_names_sha256'],
  ['last_name_sha256', 'last_names_sha256'],
  ['country', 'countries'],
  ['city', 'cities'],
  ['region', 'regions'],
  ['postal_code', 'postal_codes'],
  // Sources disagree on the pixel's key (spec §4 vs the docs' init example): both, until OpenAI settles it.
  ['zip_code', 'postal_codes'],
];

/**
 * The pixel's singular user object for `oaiq('init', { pixelId, user })` (spec §4): the same rules
 * and errors as {@link hashUser}, then the first value of each list. `obref`, `ipAddress`,
 * `userAgent` and `androidAdvertisingId` are checked but left out: they are not pixel fields.
 * The pixel replaces its stored user on each `init`, so pass the complete object every time.
 *
 * @throws CapiValidationError when any field breaks a rule
 */
export function toPixelUser(input: UserInput, options?: HashUserOptions): PixelUser {
  return pixelUserOf(hashUser(input, options));
}

/**
 * {@link toPixelUser} with a `hasher` that must be given, so that a bundle using only this carries
 * no SHA-256 of its own (the browser's `identify` records the normalized texts with it, then hashes
 * them with WebCrypto).
 *
 * @throws CapiValidationError when any field breaks a rule
 * @throws CapiError when `hasher` throws or returns something other than a SHA-256 hex digest
 */
export function toPixelUserWith(input: UserInput, hasher: Hasher): PixelUser {
  return pixelUserOf(hashUserWith(input, hasher, 'user'));
}

function pixelUserOf(wire: WireUser): PixelUser {
  const pixel: PixelUser = {};
  for (const [pixelKey, wireKey] of PIXEL_USER_FIELDS) {
    const first = wire[wireKey]?.[0];
    if (first !== undefined) pixel[pixelKey] = first;
  }
  return pixel;
}
