/** Rules of one wire event (spec §3, §5), delegating `data` and `user` to their own modules. */
import {
  ACTION_SOURCES,
  dataShapeOf,
  isActionSource,
  isEventType,
  isStandardEventType,
  MAX_EVENT_ID_LENGTH,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
} from './schema.js';
import { addIssue, checkText, isObject } from './validate-common.js';
import { checkData } from './validate-data.js';
import { checkUser } from './validate-user.js';
import type { ClockOptions, Issue, ValidationResult, WireEvent } from './types.js';

const EVENT_KEYS = new Set([
  'id',
  'type',
  'timestamp_ms',
  'custom_event_name',
  'oppref',
  'source_url',
  'action_source',
  'opt_out',
  'user',
  'data',
]);
const CUSTOM_EVENT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]\S*$/i;
type UrlApi = (new (url: string) => unknown) & { canParse?: (url: string) => boolean };
const URL_API = (globalThis as unknown as { URL?: UrlApi }).URL;

/** Absolute http(s) URL with a host, no whitespace, that the WHATWG URL parser accepts. */
export function isHttpUrl(value: string): boolean {
  if (!HTTP_URL.test(value)) return false;
  if (URL_API === undefined) return true;
  if (URL_API.canParse) return URL_API.canParse(value);
  try {
    new URL_API(value);
    return true;
  } catch {
    return false;
  }
}

/** True for a valid `custom_event_name`: 1–64 of `[a-z0-9_-]`, alphanumeric at both ends, not a standard name. */
export function isCustomEventName(value: unknown): value is string {
  return typeof value === 'string' && CUSTOM_EVENT_NAME.test(value) && !isStandardEventType(value);
}

/**
 * Validates one wire event (`POST /v1/events` form) against every rule of spec §3–§6, as of `now`
 * (default `Date.now()`): the timestamp must lie in [now − 7 days, now + 10 minutes]. Never throws;
 * returns the event (same object, typed) or every issue found. Issue codes: see `validate.ts`.
 */
export function validateEvent(event: unknown, options?: ClockOptions): ValidationResult<WireEvent> {
  const issues: Issue[] = [];
  checkEventSafely(event, options?.now ?? Date.now(), '', issues);
  return issues.length === 0 ? { ok: true, event: event as WireEvent } : { ok: false, issues };
}

/** {@link checkEvent}, turning a throwing getter or proxy into an issue. */
export function checkEventSafely(event: unknown, now: number, prefix: string, issues: Issue[]): void {
  try {
    checkEvent(event, now, prefix, issues);
  } catch {
    addIssue(issues, prefix.slice(0, -1), 'unreadable', 'could not be read');
  }
}

/** Appends the issues of `event` to `issues`, each path prefixed with `prefix` (`''` or `events[3].`). */
export function checkEvent(event: unknown, now: number, prefix: string, issues: Issue[]): void {
  if (!isObject(event)) return addIssue(issues, prefix.slice(0, -1), 'invalid_type', 'must be an object');
  for (const key of Object.keys(event)) {
    if (!EVENT_KEYS.has(key)) addIssue(issues, prefix + key, 'unknown_field', 'is not an event field');
  }
  const { id, type, timestamp_ms: ts, custom_event_name: name, source_url: url, action_source: source } = event;

  if (id === undefined) addIssue(issues, prefix + 'id', 'required', 'is required');
  else checkText(id, prefix + 'id', issues, MAX_EVENT_ID_LENGTH);

  const knownType = isEventType(type);
  if (type === undefined) addIssue(issues, prefix + 'type', 'required', 'is required');
  else if (!knownType) addIssue(issues, prefix + 'type', 'invalid_value', 'must be a standard event type or custom');

  if (ts === undefined) addIssue(issues, prefix + 'timestamp_ms', 'required', 'is required');
  else if (typeof ts !== 'number') addIssue(issues, prefix + 'timestamp_ms', 'invalid_type', 'must be an integer (Unix ms)');
  else if (!Number.isInteger(ts)) addIssue(issues, prefix + 'timestamp_ms', 'not_integer', 'must be an integer (Unix ms)');
  else if (ts < now - MAX_PAST_MS) addIssue(issues, prefix + 'timestamp_ms', 'too_old', 'must be within the last 7 days');
  else if (ts > now + MAX_FUTURE_MS) addIssue(issues, prefix + 'timestamp_ms', 'in_future', 'must be at most 10 minutes ahead of now');

  const namePath = prefix + 'custom_event_name';
  if (knownType && type !== 'custom') {
    if (name !== undefined) addIssue(issues, namePath, 'forbidden_field', 'is only allowed on custom events');
  } else if (name === undefined) {
    if (knownType) addIssue(issues, namePath, 'required', 'is required on custom events');
  } else if (typeof name !== 'string') addIssue(issues, namePath, 'invalid_type', 'must be a string');
  else if (!CUSTOM_EVENT_NAME.test(name)) {
    addIssue(issues, namePath, 'invalid_format', 'must be 1-64 of a-z 0-9 _ -, starting and ending with a letter or digit');
  } else if (isStandardEventType(name)) addIssue(issues, namePath, 'reserved_name', 'must not be a standard event name');

  if (source === undefined) addIssue(issues, prefix + 'action_source', 'required', 'is required');
  else if (!isActionSource(source)) {
    addIssue(issues, prefix + 'action_source', 'invalid_value', `must be one of ${ACTION_SOURCES.join(', ')}`);
  } else if (source !== 'mobile_app' && (type === 'app_installed' || type === 'app_opened')) {
    addIssue(issues, prefix + 'action_source', 'action_source_mismatch', `must be mobile_app for ${type}`);
  }

  if (url === undefined) {
    if (source === 'web') addIssue(issues, prefix + 'source_url', 'required', 'is required when action_source is web');
  } else if (typeof url !== 'string') addIssue(issues, prefix + 'source_url', 'invalid_type', 'must be a string');
  else if (!isHttpUrl(url)) addIssue(issues, prefix + 'source_url', 'invalid_url', 'must be an absolute http(s) URL with a host');

  if (event.oppref !== undefined) checkText(event.oppref, prefix + 'oppref', issues);
  if (event.opt_out !== undefined && typeof event.opt_out !== 'boolean') {
    addIssue(issues, prefix + 'opt_out', 'invalid_type', 'must be a boolean');
  }
  if (event.user !== undefined) checkUser(event.user, prefix + 'user', issues);
  checkData(event.data, knownType ? dataShapeOf(type) : undefined, prefix + 'data', issues);
}
