/**
 * The rule of spec §10: a conversion is never lost to an optional field. An invalid value in a field
 * the API lets us omit is left out of the event and reported as a warning; everything else still
 * rejects the event. One list of optional fields, used by `buildEvent`, `validateEvent` and (through
 * them) every package.
 */
import { setOwn, type Obj } from './validate-common.js';
import type { Issue } from './types.js';

// Wire user lists whose absence does not change what the conversion means (spec §10): geo and
// names (`user.cities`, `user.cities[1]`); optional item fields (`data.contents[0].name`,
// `data.contents[0].variant_dict.size`): `quantity`, `amount` and `currency` are money, they reject.
// Literals, not `new RegExp`/`new Set`: bundlers keep top-level constructor calls of unused code.
const OPTIONAL_PATH =
  /^(?:user\.(?:cities|regions|postal_codes|countries|first_names_sha256|last_names_sha256)(?:\[\d+\])?|data\.contents\[\d+\]\.(?:id|group_id|name|content_type|variant_dict)(?:\.[^]*)?)$/;
// Codes that say "this value breaks a rule", as opposed to "this key does not belong here".
export const VALUE_CODE = /^(?:invalid_type|invalid_format|empty|too_long|too_many|duplicate|looks_hashed)$/;

/** True when the issue (wire path, no `events[i].` prefix) is about an optional field's value. */
export function isOptionalIssue(issue: Issue): boolean {
  return VALUE_CODE.test(issue.code) && OPTIONAL_PATH.test(issue.path);
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
 * A user list, `user` or `variant_dict` left empty is removed too (a `contents` item left empty
 * stays: `{}` is a valid item). `event` itself is not changed: each object on a path is copied.
 */
export function withoutOptional(event: Obj, warnings: readonly Issue[]): Obj {
  let copy = event;
  // Later list entries first, so the indexes of earlier ones stay right.
  const paths = warnings.map((w) => w.path).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const path of paths) {
    // A variant key is free text (`size.eu`, `a[0]`): everything after `variant_dict.` is one key.
    const at = path.indexOf('.variant_dict.');
    const [head, entry] = at < 0 ? [path, undefined] : [path.slice(0, at + 13), path.slice(at + 14)];
    const segments = [...(head.match(/[^.[\]]+/g) ?? []), ...(entry === undefined ? [] : [entry])];
    copy = removeAt(copy, segments, segments[0] === 'user') as Obj;
  }
  return copy;
}

/** `node` without the value at `segments` (digits index arrays); emptied containers pruned when `prune`. */
function removeAt(node: unknown, [key, ...rest]: string[], prune: boolean): unknown {
  if (key === undefined || typeof node !== 'object' || node === null) return node;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Obj & unknown[];
  const next = rest.length ? removeAt(copy[key as never], rest, prune) : undefined;
  const emptied = typeof next === 'object' && next !== null && Object.keys(next).length === 0 && (prune || key === 'variant_dict');
  if (next !== undefined && !emptied) setOwn(copy, key, next);
  else if (Array.isArray(copy)) copy.splice(Number(key), 1);
  else delete copy[key];
  return copy;
}
