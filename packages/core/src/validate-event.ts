/** Rules of one wire event (spec §3, §5), delegating `data` and `user` to their own modules. */
import {
  ACTION_SOURCES,
  dataShapeOf,
  EVENT_NAME,
  EVENT_NAME_RULE,
  isActionSource,
  isEventType,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
} from './schema.js';
import { addIssue } from './errors.js';
import { checkEventId } from './ids.js';
import { allKnown, checkText, isObject, type KeysSeen, type Obj, sameKeysAsLast } from './validate-common.js';
import { splitIssues, withoutOptional } from './optional-fields.js';
import { checkData } from './validate-data.js';
import { checkUser } from './validate-user.js';
import type { ClockOptions, DataShape, EventValidationResult, Issue, WireEvent } from './types.js';

/** Checks a wire `user` at `path`, appending to `issues` (see `validate-user.ts`). */
export type CheckUser = (user: unknown, path: string, issues: Issue[]) => void;

const EVENT_KEYS = new Set(['id', 'type', 'timestamp_ms', 'custom_event_name', 'oppref', 'source_url', 'action_source', 'opt_out', 'user', 'data']);
const eventKeysSeen: KeysSeen = { last: undefined };
const HTTP_URL = /^https?:\/\/[^\s/?#]\S*$/i;
type UrlApi = (new (url: string) => unknown) & { canParse?: (url: string) => boolean };

/**
 * The `source_url` rule, also used for the Node client's `endpoint`: an absolute http(s) URL with a
 * host and no whitespace, that the WHATWG URL parser (when the runtime has one) accepts.
 */
export function isHttpUrl(value: string): boolean {
  // Most events of a server carry one of a few page URLs: the last one accepted is not parsed again.
  if (value === lastHttpUrl) return true;
  const ok = parsesAsHttpUrl(value);
  if (ok) lastHttpUrl = value;
  return ok;
}

let lastHttpUrl: string | undefined;

function parsesAsHttpUrl(value: string): boolean {
  const URL = (globalThis as { URL?: UrlApi }).URL;
  if (!HTTP_URL.test(value)) return false;
  if (!URL) return true;
  if (URL.canParse) return URL.canParse(value);
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The rule of `timestamp_ms` (spec §3): an integer of Unix ms from `now` − 7 days to `now` + 10
 * minutes, both included. Returns the code of the broken part (`invalid_type`, `not_integer`,
 * `too_old`, `in_future`), or `undefined` when `ts` is valid. `validateEvent` reports it; the Node
 * client re-checks queued events with it at send time, so there is one implementation of the window.
 */
export function timestampIssueCode(ts: unknown, now: number): 'invalid_type' | 'not_integer' | 'too_old' | 'in_future' | undefined {
  return typeof ts !== 'number' ? 'invalid_type'
    : !Number.isInteger(ts) ? 'not_integer'
    : ts < now - MAX_PAST_MS ? 'too_old'
    : ts > now + MAX_FUTURE_MS ? 'in_future'
    : undefined;
}

/** Options of {@link validateEvent}. */
export interface ValidateEventOptions extends ClockOptions {
  /**
   * `true`: every issue rejects the event, invalid optional fields included (the rule before spec
   * §10). Default `false`: an invalid optional field (city, region, postal code, country, first or
   * last name, an item's `id`, `group_id`, `name`, `content_type` or `variant_dict`) is left out of
   * the returned copy and listed in `warnings`.
   */
  strict?: boolean | undefined;
}

/**
 * Validates one wire event (`POST /v1/events` form) against every rule of spec §3–§6, as of `now`
 * (default `Date.now()`; anything but a finite number is an `options.now` issue): the timestamp must
 * lie in [now − 7 days, now + 10 minutes]. `action_source` may be missing (the API accepts that).
 * Never throws.
 *
 * Spec §10, a conversion is never lost to an optional field: unless `strict`, invalid optional
 * values are `warnings` and `event` is a copy without them (the same object when there are none).
 * Anything else (type, id, timestamp, money, `source_url` when required, unknown fields…) is in
 * `issues` and `ok` is false. Codes: {@link IssueCode}.
 */
export function validateEvent(event: unknown, options?: ValidateEventOptions): EventValidationResult {
  const issues: Issue[] = [];
  checkEventSafely(event, clockOf(options?.now, issues), '', issues, checkUser);
  // Most events have no issue: nothing to split, nothing to copy.
  if (issues.length === 0) return { ok: true, event: event as WireEvent, warnings: [] };
  const { errors, warnings } = splitIssues(issues, options?.strict !== true);
  if (errors.length) return { ok: false, issues: errors, warnings };
  const valid = warnings.length ? withoutOptional(event as Obj, warnings) : event;
  return { ok: true, event: valid as WireEvent, warnings };
}

/**
 * `now`, the value of an `options.now` (Unix ms; a valid `Date` is read as its time), or `Date.now()`
 * when absent or `null`. Anything else is an `options.now` issue: compared with NaN, every timestamp
 * would pass the window check. It takes the value, not the options: `buildEvent` has read it already.
 */
export function clockOf(now: unknown, issues: Issue[]): number {
  if (now === undefined || now === null) return Date.now();
  if (now instanceof Date && Number.isFinite(now.getTime())) return now.getTime();
  if (typeof now === 'number' && Number.isFinite(now)) return now;
  addIssue(issues, 'options.now', 'invalid_type', 'must be a finite number of Unix ms');
  return Number.NaN; // no window issue on top of this one (a missing timestamp still gets its own)
}

/**
 * Appends the issues of `event` to `issues`, each path prefixed with `prefix` (`''` or `events[3].`);
 * a throwing getter or proxy becomes one `unreadable` issue. Without `checkUser` (the browser
 * builder, which never sends identities) an event carrying `user` is rejected.
 */
export function checkEventSafely(event: unknown, now: number, prefix: string, issues: Issue[], checkUser?: CheckUser): void {
  try {
    checkEvent(event, now, prefix, issues, checkUser);
  } catch {
    addIssue(issues, prefix.slice(0, -1), 'unreadable', 'could not be read');
  }
}

function checkEvent(event: unknown, now: number, prefix: string, issues: Issue[], checkUser?: CheckUser): void {
  if (!isObject(event)) return addIssue(issues, prefix.slice(0, -1), 'invalid_type', 'must be an object');
  if (!sameKeysAsLast(event, eventKeysSeen)) {
    const keys = Object.keys(event);
    if (!allKnown(keys, EVENT_KEYS, eventKeysSeen)) for (const key of keys) if (!EVENT_KEYS.has(key)) addIssue(issues, prefix + key, 'unknown_field', 'is not an event field');
  }
  const { id, type, timestamp_ms: ts, custom_event_name: name, source_url: url, action_source: source, oppref, opt_out, user } = event;

  if (id === undefined) addIssue(issues, prefix + 'id', 'required', 'is required');
  else checkEventId(id, prefix + 'id', issues);

  const shape = shapeOfType(type);
  const known = shape !== undefined;
  if (type === undefined) addIssue(issues, prefix + 'type', 'required', 'is required');
  else if (!known) addIssue(issues, prefix + 'type', 'invalid_value', 'must be a known event type');

  const tsCode = timestampIssueCode(ts, now);
  if (ts === undefined) addIssue(issues, prefix + 'timestamp_ms', 'required', 'is required');
  else if (tsCode) addIssue(issues, prefix + 'timestamp_ms', tsCode, 'must be an integer (Unix ms) from 7 days ago to 10 minutes ahead');

  if (known && type !== 'custom') {
    if (name !== undefined) addIssue(issues, prefix + 'custom_event_name', 'forbidden_field', 'is only allowed on custom events');
  } else if (name === undefined) {
    if (known) addIssue(issues, prefix + 'custom_event_name', 'required', 'is required on custom events');
  } else if (typeof name !== 'string') addIssue(issues, prefix + 'custom_event_name', 'invalid_type', 'must be a string');
  else if (!EVENT_NAME.test(name)) addIssue(issues, prefix + 'custom_event_name', 'invalid_format', EVENT_NAME_RULE);
  else if (isEventType(name)) addIssue(issues, prefix + 'custom_event_name', 'reserved_name', 'must not be custom or a standard event type');

  // Missing is accepted by the API (spec §7b: recorded 200); the builder always sets one.
  if (source === undefined) {
    if (type === 'app_installed' || type === 'app_opened') addIssue(issues, prefix + 'action_source', 'action_source_mismatch', 'must be mobile_app for app_installed and app_opened');
  } else if (!isActionSource(source)) addIssue(issues, prefix + 'action_source', 'invalid_value', `must be one of ${ACTION_SOURCES.join(', ')}`);
  else if (source !== 'mobile_app' && (type === 'app_installed' || type === 'app_opened')) {
    addIssue(issues, prefix + 'action_source', 'action_source_mismatch', 'must be mobile_app for app_installed and app_opened');
  }

  if (url === undefined) {
    if (source === 'web') addIssue(issues, prefix + 'source_url', 'required', 'is required for web conversions (the default action source)');
  } else if (typeof url !== 'string') addIssue(issues, prefix + 'source_url', 'invalid_type', 'must be a string');
  else if (!isHttpUrl(url)) addIssue(issues, prefix + 'source_url', 'invalid_url', 'must be an absolute http(s) URL with a host');

  if (oppref !== undefined) checkText(oppref, prefix + 'oppref', issues);
  if (opt_out !== undefined && typeof opt_out !== 'boolean') addIssue(issues, prefix + 'opt_out', 'invalid_type', 'must be a boolean');
  if (user !== undefined) {
    if (checkUser) checkUser(user, prefix + 'user', issues);
    else addIssue(issues, prefix + 'user', 'forbidden_field', 'is not allowed here');
  }
  checkData(event.data, shape, prefix + 'data.', issues);
}

// The last event type found and its data shape: a server sends one or a few types, and a compare
// (by identity, for the same string) is cheaper than the own-key lookup and the shape lookup. Starts
// as a valid pair, so no state means "nothing found yet".
let lastType: unknown = 'custom';
let lastShape: DataShape = 'custom';

/** The data shape `type` demands, or `undefined` when it is not an event type ({@link isEventType}). */
function shapeOfType(type: unknown): DataShape | undefined {
  if (type === lastType) return lastShape;
  if (!isEventType(type)) return undefined;
  lastType = type;
  lastShape = dataShapeOf(type);
  return lastShape;
}
