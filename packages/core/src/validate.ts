/**
 * Validation of wire events, batches and `integration_source` (spec §2–§6). Validators never throw:
 * they return every issue. Each {@link Issue} has a `path` (`data.contents[0].quantity`; batch
 * issues start with `events[i].`), a stable `code` and a message naming the field and the rule.
 *
 * | code | meaning |
 * |---|---|
 * | `required` | a required field is missing (or `undefined`) |
 * | `invalid_type` | wrong JSON type (string, integer, boolean, object, array expected) |
 * | `unknown_field` | a key the API does not know at this place (typos included) |
 * | `forbidden_field` | a known key not allowed here (`contents` on customer_action data, `plan_id` outside plan_enrollment/custom, `custom_event_name` on a standard event) |
 * | `empty` | empty string, or empty list / batch |
 * | `too_long` | string over its cap (`id`: 256) |
 * | `too_many` | user list over 3 values, batch over 1000 events |
 * | `duplicate` | a user list repeats a value |
 * | `duplicate_event` | a batch repeats a (type or custom name, id) pair |
 * | `not_integer`, `negative`, `too_large` | integer fields (`timestamp_ms`, `amount`, `quantity`) |
 * | `too_old`, `in_future` | `timestamp_ms` before now − 7 days or after now + 10 minutes |
 * | `invalid_value` | not one of an enum (`type`, `action_source`) |
 * | `shape_mismatch` | `data.type` is not the data shape of the event type |
 * | `action_source_mismatch` | app_installed/app_opened without `action_source: mobile_app` |
 * | `invalid_format` | a string breaking its format (custom event name, hashes, geo, IP, GAID, integration source) |
 * | `reserved_name` | `custom_event_name` equal to a standard event type |
 * | `invalid_url` | `source_url` not an absolute http(s) URL with a host |
 * | `unknown_currency` | not an uppercase ISO 4217 code of the pinned table (lowercase is rejected on the wire; `buildEvent` uppercases) |
 * | `not_json` | a custom data value JSON cannot carry (bigint, function, NaN, too deep) |
 * | `unreadable` | reading the input threw (getter, proxy) |
 *
 * `buildEvent` adds `conflict` (`value` and `amount` both given) and passes on the codes of
 * `toMinorUnits`, `hashUser` and `deriveEventId`.
 */
import { MAX_BATCH_EVENTS } from './schema.js';
import { addIssue, isObject } from './validate-common.js';
import { checkEventSafely } from './validate-event.js';
import type { ClockOptions, Issue, ValidationResult, WireEvent } from './types.js';

export { validateEvent } from './validate-event.js';

const INTEGRATION_SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Validates the `events` array of one request: 1..1000 events, each valid (see `validateEvent`),
 * no two with the same (type — or `custom_event_name` for custom events —, id) pair. Issue paths
 * start with `events[i].`; issues of the array itself have the path `events`. Never throws.
 */
export function validateBatch(events: unknown, options?: ClockOptions): ValidationResult<WireEvent[]> {
  const issues: Issue[] = [];
  if (!Array.isArray(events)) addIssue(issues, 'events', 'invalid_type', 'must be an array of events');
  else if (events.length === 0) addIssue(issues, 'events', 'empty', 'must hold at least 1 event');
  else if (events.length > MAX_BATCH_EVENTS) addIssue(issues, 'events', 'too_many', `must hold at most ${MAX_BATCH_EVENTS} events`);
  else {
    const now = options?.now ?? Date.now();
    try {
      checkEvents(events, now, issues);
    } catch {
      addIssue(issues, 'events', 'unreadable', 'could not be read');
    }
  }
  return issues.length === 0 ? { ok: true, event: events as WireEvent[] } : { ok: false, issues };
}

function checkEvents(events: readonly unknown[], now: number, issues: Issue[]): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    checkEventSafely(event, now, `events[${i}].`, issues);
    if (!isObject(event)) continue;
    const name = event.type === 'custom' ? event.custom_event_name : event.type;
    if (typeof name !== 'string' || typeof event.id !== 'string') continue;
    const key = `${name}\n${event.id}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else addIssue(issues, `events[${i}].id`, 'duplicate_event', `repeats the type and id of events[${first}]`);
  }
}

/**
 * Checks an `integration_source` (§2): 1–64 ASCII chars matching `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`.
 * Returns the issues (empty when valid), path `integration_source`.
 */
export function validateIntegrationSource(value: unknown): Issue[] {
  const issues: Issue[] = [];
  if (typeof value !== 'string') addIssue(issues, 'integration_source', 'invalid_type', 'must be a string');
  else if (!INTEGRATION_SOURCE.test(value)) {
    addIssue(issues, 'integration_source', 'invalid_format', 'must be 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit');
  }
  return issues;
}
