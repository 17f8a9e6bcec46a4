import type { CapiError, EventType, Issue, WireEvent } from '@x/openai-capi-core';

/**
 * Why an event was not delivered.
 * - `invalid`: failed local validation (see `issues`); never sent.
 * - `stale`: its `timestamp_ms` left the accepted window (now − 7 days … now + 10 min) while it
 *   waited; checked at send time, never sent.
 * - `too_large`: alone it exceeds `maxBatchBytes`, or the API answered 413 for it alone.
 * - `api`: the API rejected it (4xx after bisection isolated it, or a non-retryable status; see
 *   `status`/`body`), or a retryable status persisted until retries ran out.
 * - `auth`: the API refused the key (401/403): check the Conversions API key.
 * - `config`: the API does not know the pixel id (403 `unknown pid`): check `pixelId`.
 * - `network`: no HTTP answer after every retry (DNS, refused, reset…).
 * - `timeout`: each attempt timed out (`timeoutMs`), or the `flush({ timeoutMs })` deadline passed.
 * - `queue_full`: `track` found the queue at `maxQueueSize`.
 * - `store_full`: `track` found the queue full while the store (`store` option) was at its own cap.
 * - `shutdown`: `track` after `shutdown()`, or still undelivered when the shutdown deadline passed.
 */
export type DropReason =
  | 'invalid'
  | 'stale'
  | 'too_large'
  | 'api'
  | 'auth'
  | 'config'
  | 'network'
  | 'timeout'
  | 'queue_full'
  | 'store_full'
  | 'shutdown';

/** One event that was not delivered, and why. */
export interface RejectedEvent {
  /** The event id. */
  id: string;
  /** The event type. */
  type: EventType;
  /** The custom event name, for `custom` events. */
  customEventName?: string;
  /** Why it was not delivered. */
  reason: DropReason;
  /** The error behind it (`CapiValidationError`, `CapiApiError`, `CapiConnectionError`, `CapiTimeoutError`). */
  error: CapiError;
  /** Local validation issues (`invalid`, `stale`, `too_large`). */
  issues?: readonly Issue[];
  /** HTTP status of the API answer, when there was one. */
  status?: number;
  /** Body of the API answer (parsed JSON when possible), when there was one. */
  body?: unknown;
  /**
   * The wire event itself, as built by `track`/`enqueue` or given to `send`, so the application can
   * persist it and replay it later with `send()` (same id: the API keeps the first copy). For
   * reason `invalid` from `send()`, it is the value that was given, which failed validation.
   */
  event: WireEvent;
  /**
   * True when the event stays in the client's `store` and goes out again by itself (a transient
   * cause: `network`, `timeout`, `shutdown`, or an `api` 408/429/5xx): a later flush, the next
   * process on the same store, or another consumer of a shared store delivers it. Do not replay it.
   */
  kept?: boolean;
}

/**
 * An event sent once because an earlier one had the same (type, or custom name, and id) (spec §7):
 * a repeat inside one `send()` call, or a `track()` of an event already queued. Not an error (the
 * API would keep only the first copy anyway), so it never reaches `onError`; it is counted in
 * `stats().deduplicated`.
 */
export interface DuplicateEvent {
  /** The event id. */
  id: string;
  /** The event type. */
  type: EventType;
  /** The custom event name, for `custom` events. */
  customEventName?: string;
}

/**
 * An event sent without some invalid optional fields (spec §10: a city, region, postal code,
 * country, name or optional item field): one warning each, path and rule, never the value.
 */
export interface WarnedEvent {
  /** The event id. */
  id: string;
  /** The event type. */
  type: EventType;
  /** The custom event name, for `custom` events. */
  customEventName?: string;
  /** What was left out, and why. */
  warnings: Issue[];
}

/** What one `send`, `validate`, `flush` or `shutdown` achieved. */
export interface SendReport {
  /** Ids of the events the API accepted (2xx), in send order. */
  delivered: string[];
  /** Every event that was not delivered, with its reason. */
  rejected: RejectedEvent[];
  /**
   * Repeats that were not sent because the same (name, id) came first: in the same `send()` call,
   * or (in the report of the flush that took the queue) tracked while the first copy was queued.
   */
  duplicates: DuplicateEvent[];
  /**
   * Events of this `send()` checked without some invalid optional fields (spec §10), which were left
   * out; the events themselves went on. (For `track()` the warnings go to `onError` and the logger
   * when it is called: the event is built there.)
   */
  warnings: WarnedEvent[];
  /** How many HTTP attempts were retries of an earlier attempt. */
  retries: number;
  /** How many HTTP requests were made in total (attempts, retries and bisection halves). */
  requests: number;
}

/** Context passed to `onError` with each error. */
export interface ErrorContext {
  /**
   * Why these events were not delivered, or `warning`: the events were sent (or queued) without some
   * invalid optional fields, listed in `warnings` (the error is a `CapiValidationError` of them).
   */
  reason: DropReason | 'warning';
  /** Ids of the events concerned (one or more). */
  eventIds: string[];
  /** The rejected events themselves (same order as `eventIds`). */
  events: RejectedEvent[];
  /** HTTP status, when the API answered. */
  status?: number;
  /** With reason `warning`: the events and what was left out of each. */
  warnings?: WarnedEvent[];
}

/** Called with every error that cost events (once per group of events sharing the cause). */
export type ErrorHook = (error: CapiError, context: ErrorContext) => void;

/** Information passed to `onDelivered` after each successful request. */
export interface DeliveredInfo {
  /** Ids of the events the request carried. */
  eventIds: string[];
  /** HTTP status (2xx). */
  status: number;
  /** True when the request was sent with `validate_only: true` (nothing was saved). */
  validateOnly: boolean;
  /** Request id from the response headers, when present. */
  requestId?: string;
}

/** Called after each successful request. */
export type DeliveredHook = (info: DeliveredInfo) => void;

/** An empty report. */
export function emptyReport(): SendReport {
  return { delivered: [], rejected: [], duplicates: [], warnings: [], retries: 0, requests: 0 };
}

/** Appends `from` to `into` (mutates and returns `into`). */
export function mergeReport(into: SendReport, from: SendReport): SendReport {
  for (const id of from.delivered) into.delivered.push(id);
  for (const r of from.rejected) into.rejected.push(r);
  for (const d of from.duplicates) into.duplicates.push(d);
  for (const w of from.warnings) into.warnings.push(w);
  into.retries += from.retries;
  into.requests += from.requests;
  return into;
}

/** The {@link WarnedEvent} entry of `event`. */
export function toWarned(event: WireEvent, warnings: Issue[]): WarnedEvent {
  const w: WarnedEvent = { id: event.id, type: event.type, warnings };
  if (event.custom_event_name !== undefined) w.customEventName = event.custom_event_name;
  return w;
}

/** The {@link DuplicateEvent} entry of `event`. */
export function toDuplicate(event: WireEvent): DuplicateEvent {
  const d: DuplicateEvent = { id: event.id, type: event.type };
  if (event.custom_event_name !== undefined) d.customEventName = event.custom_event_name;
  return d;
}
