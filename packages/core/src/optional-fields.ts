/**
 * The rule of spec §10: a conversion is never lost to an optional field. An invalid value in a field
 * the API lets us omit is left out of the event and reported as a warning; everything else still
 * rejects the event. One list of optional fields, used by `buildEvent`, `validateEvent` and (through
 * them) every package.
 */
import { isPlainObject, setOwn, type Obj } from './validate-common.js';
import type { Issue } from './types.js';

// Wire user lists whose absence does not change what the conversion means (spec §10): geo and names.
const OPTIONAL_USER_LISTS = 'cities|regions|postal_codes|countries|first_names_sha256|last_names_sha256';
// Optional item fields; `quantity`, `amount` and `currency` are money: they still reject.
const OPTIONAL_ITEM_FIELDS = 'id|group_id|name|content_type|variant_dict';

// `user.cities`, `user.cities[1]`; `data.contents[0].name`, `data.contents[0].variant_dict.size`.
const OPTIONAL_PATH = new RegExp(
  `^(?:user\\.(?:${OPTIONAL_USER_LISTS})(?:\\[\\d+\\])?|data\\.contents\\[\\d+\\]\\.(?:${OPTIONAL_ITEM_FIELDS})(?:\\.[^]*)?)$`,
);
// Codes that say "this value breaks a rule", as opposed to "this key does not belong here".
const VALUE_CODES = new Set(['invalid_type', 'invalid_format', 'empty', 'too_long', 'too_many', 'duplicate', 'looks_hashed']);

/** True when the issue (wire path, no `events[i].` prefix) is about an optional field's value. */
export function isOptionalIssue(issue: Issue): boolean {
  return VALUE_CODES.has(issue.code) && OPTIONAL_PATH.test(issue.path);
}

/**
 * Splits `issues` into the ones that reject the event and the warnings (invalid optional values).
 * Without `lenient`, every issue rejects.
 */
export function splitIssues(issues: readonly Issue[], lenient: boolean): { errors: Issue[]; warnings: Issue[] } {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  for (const issue of issues) (lenient && isOptionalIssue(issue) ? warnings : errors).push(issue);
  return { errors, warnings };
}

/**
 * A copy of `event` without the values the `warnings` point at (each path from
 * {@link isOptionalIssue}): a list entry, a whole list, an item field or a `variant_dict` entry.
 * A list, `user` or `variant_dict` left empty is removed too. `event` itself is not changed.
 */
export function withoutOptional(event: Obj, warnings: readonly Issue[]): Obj {
  const copy: Obj = { ...event };
  if (isPlainObject(event.user)) copy.user = { ...event.user };
  if (isPlainObject(event.data) && Array.isArray(event.data.contents)) {
    copy.data = { ...event.data, contents: event.data.contents.map((item: unknown) => (isPlainObject(item) ? { ...item } : item)) };
  }
  // Later list entries first, so earlier indexes stay right.
  const paths = warnings.map((w) => w.path).sort((a, b) => indexOf(b) - indexOf(a));
  for (const path of paths) remove(copy, path);
  const user = copy.user;
  if (isPlainObject(user)) {
    for (const key of Object.keys(user)) if (Array.isArray(user[key]) && (user[key] as unknown[]).length === 0) delete user[key];
    if (Object.keys(user).length === 0) delete copy.user;
  }
  return copy;
}

function indexOf(path: string): number {
  const match = /\[(\d+)\]$/.exec(path);
  return match ? Number(match[1]) : -1;
}

function remove(event: Obj, path: string): void {
  const user = /^user\.(\w+)(?:\[(\d+)\])?$/.exec(path);
  if (user) {
    const target = event.user as Obj;
    const [, key, index] = user as unknown as [string, string, string | undefined];
    const list = target[key];
    if (index !== undefined && Array.isArray(list)) target[key] = list.filter((_: unknown, i: number) => i !== Number(index));
    else delete target[key];
    return;
  }
  const item = /^data\.contents\[(\d+)\]\.(\w+)(?:\.([^]*))?$/.exec(path);
  if (!item) return;
  const [, index, field, entry] = item as unknown as [string, string, string, string | undefined];
  const target = ((event.data as Obj).contents as Obj[])[Number(index)] as Obj;
  const variants = target[field];
  if (entry !== undefined && isPlainObject(variants)) {
    const rest: Obj = {};
    for (const key of Object.keys(variants)) if (key !== entry) setOwn(rest, key, variants[key]);
    if (Object.keys(rest).length) target[field] = rest;
    else delete target[field];
  } else delete target[field];
}
