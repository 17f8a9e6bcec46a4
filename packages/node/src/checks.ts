import { CapiValidationError, timestampIssueCode, validateEvent, type Issue, type WireEvent } from '@x/openai-capi-core';
import { toRejected } from './deliver.js';
import { FirstIds } from './first-ids.js';
import type { Reporter } from './reporter.js';
import { toWarned, type RejectedEvent, type SendReport } from './report.js';

const TIMESTAMP_CODES = new Set(['too_old', 'in_future']);

// One dedupe table for every call, reused (a call runs start to end synchronously); a call made
// from inside another (a logger that calls `send`) gets a table of its own.
const shared = new FirstIds();
let sharedInUse = false;

/**
 * The events of one `send()` call that may go out: each validated at send time (the timestamp
 * window included); invalid and stale ones are reported (and passed to `onError`), repeats of a
 * (name, id) are listed in `report.duplicates`.
 */
export function checkSendable(events: readonly unknown[], now: number, report: SendReport, reporter: Reporter): WireEvent[] {
  const valid: WireEvent[] = [];
  const clock = { now };
  const invalid: RejectedEvent[] = [];
  const stale: RejectedEvent[] = [];
  for (const candidate of events) {
    const checked = validateEvent(candidate, clock);
    if (checked.ok && checked.warnings.length > 0) report.warnings.push(toWarned(checked.event, checked.warnings));
    if (!checked.ok) {
      const r = invalidEvent(candidate, checked.issues);
      (r.reason === 'stale' ? stale : invalid).push(r);
      continue;
    }
    valid.push(checked.event);
  }
  const ready = withoutRepeats(valid, report, reporter);
  for (const group of [invalid, stale]) {
    for (const r of group) report.rejected.push(r);
    if (group[0] !== undefined) reporter.rejected(group[0].error, group);
  }
  reporter.warned(report.warnings);
  return ready;
}

/**
 * `valid` without the repeats of an earlier event's (name, id), each listed in `report.duplicates`.
 * A pass of its own after validation rather than one lookup per validated event: the dedupe table
 * then stays in the CPU cache (measured ~0.1 µs/event cheaper with 10 000 events).
 */
function withoutRepeats(valid: WireEvent[], report: SendReport, reporter: Reporter): WireEvent[] {
  const seen = sharedInUse ? new FirstIds() : shared;
  if (seen === shared) sharedInUse = true;
  try {
    // The table points into `valid` (where every first copy is); `ready` is made at the first
    // repeat only: with none (the usual case) the events are not copied into a second list.
    let ready: WireEvent[] | undefined;
    for (let i = 0; i < valid.length; i++) {
      const event = valid[i]!;
      if (seen.addNew(valid, event, i)) ready?.push(event);
      else {
        ready ??= valid.slice(0, i);
        reporter.duplicate(event, report.duplicates);
      }
    }
    return ready ?? valid;
  } finally {
    seen.clear();
    if (seen === shared) sharedInUse = false;
  }
}

function invalidEvent(candidate: unknown, issues: readonly Issue[]): RejectedEvent {
  const stale = issues.length > 0 && issues.every((i) => i.path === 'timestamp_ms' && TIMESTAMP_CODES.has(i.code));
  const error = new CapiValidationError(issues);
  const r: RejectedEvent = {
    id: readField(candidate, 'id') ?? '',
    type: readField(candidate, 'type') as WireEvent['type'],
    reason: stale ? 'stale' : 'invalid',
    error,
    issues,
    event: candidate as WireEvent,
  };
  const name = readField(candidate, 'custom_event_name');
  if (name !== undefined) r.customEventName = name;
  return r;
}

/** A string field of a rejected candidate; `undefined` when absent, not a string, or unreadable (a throwing getter or proxy). */
function readField(candidate: unknown, key: 'id' | 'type' | 'custom_event_name'): string | undefined {
  try {
    const value: unknown = typeof candidate === 'object' && candidate !== null ? (candidate as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits queued events into the fresh ones and those whose timestamp left the accepted window
 * while they waited (checked at send time with core's rule, `timestampIssueCode`); the stale ones
 * are reported (`stale`, with the event) and returned apart so a store can settle them. With none
 * stale (the usual case), `fresh` is `items` itself: no copy of the batch.
 */
export function withoutStale(items: readonly WireEvent[], now: number, report: SendReport, reporter: Reporter): { fresh: readonly WireEvent[]; stale: WireEvent[] } {
  // Filled from the first stale event on (with the fresh ones before it).
  let fresh: WireEvent[] | undefined;
  const stale: RejectedEvent[] = [];
  const staleEvents: WireEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const code = timestampIssueCode(item.timestamp_ms, now);
    if (code === undefined) {
      fresh?.push(item);
      continue;
    }
    fresh ??= items.slice(0, i);
    const issue: Issue = code === 'in_future'
      ? { path: 'timestamp_ms', code, message: 'must be at most 10 minutes in the future when sent' }
      : { path: 'timestamp_ms', code: 'too_old', message: 'must be at most 7 days in the past when sent (the event waited too long)' };
    stale.push(toRejected(item, 'stale', new CapiValidationError([issue]), { issues: [issue] }));
    staleEvents.push(item);
  }
  for (const r of stale) report.rejected.push(r);
  if (stale[0] !== undefined) reporter.rejected(stale[0].error, stale);
  return { fresh: fresh ?? items, stale: staleEvents };
}
