/**
 * Validation of wire events, batches and `integration_source` (spec §2–§6). Validators never throw:
 * they return every issue. Each {@link Issue} has a `path` (`data.contents[0].quantity`; batch
 * issues start with `events[i].`), a stable code (see {@link IssueCode}) and a message stating the rule.
 */
import { dedupeNameOf, MAX_BATCH_EVENTS } from './schema.js';
import { addIssue } from './errors.js';
import { isObject } from './validate-common.js';
import { checkEventSafely, clockOf } from './validate-event.js';
import type { ClockOptions, Issue, IssueCode, ValidationResult, WireEvent } from './types.js';
import { checkUser } from './validate-user.js';

export { validateEvent } from './validate-event.js';

const INTEGRATION_SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Validates the `events` array of one request: 1..1000 events, each valid (see `validateEvent`),
 * no two with the same (type — or `custom_event_name` for custom events —, id) pair. Issue paths
 * start with `events[i].`; issues of the array itself have the path `events`; an `options.now` that is
 * not a finite number is an `options.now` issue. Never throws.
 */
export function validateBatch(events: unknown, options?: ClockOptions): ValidationResult<WireEvent[]> {
  const issues: Issue[] = [];
  if (!Array.isArray(events)) addIssue(issues, 'events', 'invalid_type', 'must be an array of events');
  else if (events.length === 0) addIssue(issues, 'events', 'empty', 'must hold at least 1 event');
  else if (events.length > MAX_BATCH_EVENTS) addIssue(issues, 'events', 'too_many', `must hold at most ${MAX_BATCH_EVENTS} events`);
  else {
    const now = clockOf(options?.now, issues);
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
    checkEventSafely(event, now, `events[${i}].`, issues, checkUser);
    if (!isObject(event)) continue;
    if (typeof event.type !== 'string' || typeof event.id !== 'string') continue;
    if (event.type === 'custom' && typeof event.custom_event_name !== 'string') continue;
    const key = `${dedupeNameOf(event as { type: string; custom_event_name?: string })}\n${event.id}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else addIssue(issues, `events[${i}].id`, 'duplicate_event', `must not repeat the type and id of events[${first}]`);
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
