/** Wire-form event and user (as posted to the relay, see RELAY.md) → friendly {@link EventInput} / {@link UserInput}. */
import { addIssue, CapiValidationError, fail } from './errors.js';
import { isObject, setOwn, type Obj } from './validate-common.js';
import type { EventInput, Issue, UserInput } from './types.js';

const EVENT_FIELDS = new Map([
  ['id', 'id'],
  ['type', 'type'],
  ['custom_event_name', 'customEventName'],
  ['timestamp_ms', 'timestamp'],
  ['source_url', 'sourceUrl'],
  ['oppref', 'oppref'],
  ['action_source', 'actionSource'],
  ['opt_out', 'optOut'],
  ['data', 'data'],
]);
// Left to the caller: `obref` goes into `user.obref`; a client `user` is the relay's decision.
const LEFT_TO_CALLER = new Set(['obref', 'user']);
const DATA_FIELDS = new Map([['plan_id', 'planId']]);
const ITEM_FIELDS = new Map([
  ['group_id', 'groupId'],
  ['content_type', 'contentType'],
  ['variant_dict', 'variantDict'],
]);

/**
 * Maps a wire-form event without `user` (the relay payload: `id`, `type`, `custom_event_name`,
 * `timestamp_ms`, `source_url`, `oppref`, `opt_out`, optional `action_source`, `data` in wire form)
 * back to an {@link EventInput} for `buildEvent`, which then does the detailed validation.
 * `obref` and `user` are not mapped (the caller decides about them); `keepSourceUrlQuery` is false.
 * Data and item keys are renamed snake → camel; other data keys (custom extras) pass unchanged, and
 * unknown item keys pass unchanged so that `buildEvent` reports them.
 *
 * @throws CapiValidationError when `wire` is not an object or has keys that are not event fields, or
 *   when its `data` has a `value` or `planId` key (`reserved_name`: the builder would read it as money
 *   or as `plan_id`)
 */
export function eventInputFromWire(wire: unknown): EventInput {
  const issues: Issue[] = [];
  if (!isObject(wire)) addIssue(issues, '', 'invalid_type', 'must be an object');
  else {
    for (const key of Object.keys(wire)) {
      if (!EVENT_FIELDS.has(key) && !LEFT_TO_CALLER.has(key)) addIssue(issues, key, 'unknown_field', 'is not an event field');
    }
  }
  if (!isObject(wire) || issues.length > 0) throw new CapiValidationError(issues);
  const data = wire.data;
  // Custom data may carry any key (spec §6), but the builder reads these two as its own input
  // (`value`: money in major units; `planId`: plan_id): passed on, they would change meaning.
  if (isObject(data)) {
    for (const key of ['value', 'planId']) {
      if (Object.prototype.hasOwnProperty.call(data, key)) {
        addIssue(issues, `data.${key}`, 'reserved_name', 'is read by buildEvent as its own input field: rename this custom data key');
      }
    }
    if (issues.length > 0) throw new CapiValidationError(issues);
  }
  const input = rename(wire, EVENT_FIELDS, true) as Obj;
  input.keepSourceUrlQuery = false;
  if (isObject(data)) {
    const out = rename(data, DATA_FIELDS, false) as Obj;
    if (Array.isArray(data.contents)) {
      out.contents = data.contents.map((item: unknown) => (isObject(item) ? rename(item, ITEM_FIELDS, false) : item));
    }
    input.data = out;
  }
  return input as unknown as EventInput;
}

/** Wire `user` key → {@link UserInput} key. */
const USER_FIELDS: ReadonlyMap<string, keyof UserInput> = new Map([
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
  ['ip_address', 'ipAddress'],
  ['user_agent', 'userAgent'],
  ['android_advertising_id', 'androidAdvertisingId'],
]);

/**
 * Maps a wire-form `user` (`emails_sha256`, `countries`, `ip_address`…; camelCase {@link UserInput}
 * keys are accepted as they are) back to a {@link UserInput} for `buildEvent`/`hashUser`, which then
 * validate it: hashed lists become the pre-hashed fields (`emails_sha256` → `emailSha256`, never
 * hashed twice), raw lists and device fields keep their values. Unknown keys pass unchanged so that
 * `hashUser` reports them; `undefined` values are left out. Whether to trust a client-sent IP or
 * user agent is the caller's decision (the relay never does).
 *
 * @returns `{}` for `undefined` (no user)
 * @throws CapiValidationError (path `user`) when `wireUser` is neither `undefined` nor an object
 */
export function userInputFromWire(wireUser: unknown): UserInput {
  if (wireUser === undefined) return {};
  if (!isObject(wireUser)) fail('user', 'invalid_type', 'must be an object');
  const out: Obj = {};
  for (const key of Object.keys(wireUser)) {
    const value = wireUser[key];
    // A key such as `__proto__` stays a plain (reported) key, never a prototype.
    if (value !== undefined) setOwn(out, USER_FIELDS.get(key) ?? key, value);
  }
  return out as UserInput;
}

/** Copies `obj` with keys renamed by `names`; other keys are dropped (`only`) or kept as they are. */
function rename(obj: Obj, names: ReadonlyMap<string, string>, only: boolean): Obj {
  const out: Obj = {};
  for (const key of Object.keys(obj)) {
    const name = names.get(key) ?? (only ? undefined : key);
    const value = obj[key];
    if (name !== undefined && value !== undefined) {
      setOwn(out, name, value);
    }
  }
  return out;
}
