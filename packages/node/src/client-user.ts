import type { UserInput } from '@x/openai-capi-core';

/** Wire `user` key → `UserInput` key. `ip_address`/`user_agent` are absent: never taken from a client. */
const WIRE_TO_INPUT: ReadonlyMap<string, keyof UserInput> = new Map([
  ['emails_sha256', 'emailSha256'],
  ['phone_numbers_sha256', 'phoneSha256'],
  ['external_ids_sha256', 'externalIdSha256'],
  ['first_names_sha256', 'firstNameSha256'],
  ['last_names_sha256', 'lastNameSha256'],
  ['cities', 'city'],
  ['regions', 'region'],
  ['postal_codes', 'postalCode'],
  ['countries', 'country'],
  ['obref', 'obref'],
  ['android_advertising_id', 'androidAdvertisingId'],
]);
const NEVER_FROM_CLIENT = new Set(['ip_address', 'user_agent', 'ipAddress', 'userAgent']);

/**
 * A client-sent `user` (wire form, or camelCase `UserInput` keys) → `UserInput`, for relays created
 * with `acceptClientUser: true`. IP and user agent are always dropped (the relay takes them from the
 * request). Other unknown keys pass through so that core's `hashUser` reports them.
 */
export function userInputFromClient(user: unknown): UserInput {
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user as Record<string, unknown>)) {
    if (NEVER_FROM_CLIENT.has(key) || value === undefined) continue;
    Object.defineProperty(out, WIRE_TO_INPUT.get(key) ?? key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out as UserInput;
}
