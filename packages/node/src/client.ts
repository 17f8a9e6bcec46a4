import {
  buildEvent,
  CapiError,
  CapiValidationError,
  hasMatchKey,
  timestampIssueCode,
  validateEvent,
  type EventInput,
  type Issue,
  type WireEvent,
} from '@x/openai-capi-core';
import { Envelope } from './batcher.js';
import { deliver, toRejected, type DeliveryContext } from './deliver.js';
import { createLogger } from './logger.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { DedupeSet, EventQueue } from './queue.js';
import { allowManyListeners, holdOpenUntil } from './platform.js';
import {
  emptyReport,
  mergeReport,
  toDuplicate,
  toWarned,
  type DropReason,
  type DuplicateEvent,
  type RejectedEvent,
  type SendReport,
  type WarnedEvent,
} from './report.js';

/** Per-call options of `send`. */
export interface SendOptions {
  /** Overrides the client's `validateOnly` for this call. */
  validateOnly?: boolean;
}

/** Options of `flush`. */
export interface FlushOptions {
  /**
   * One deadline for this flush, retries included, in ms (0 to 600 000). Events not delivered by
   * then are reported with reason `timeout` (in the report and through `onError`), not kept for
   * later: on a serverless function that is about to freeze, waiting longer would lose them anyway.
   * A flush already delivering when this one is called (a background flush) is held to the same
   * deadline, so the returned promise settles by then. Default: no deadline of its own (each batch
   * still stops retrying after `retryDeadlineMs`).
   */
  timeoutMs?: number;
}

/** Options of `shutdown`. */
export interface ShutdownOptions {
  /**
   * One deadline for the whole final flush, retries included, in ms (0 to 600 000; more is cut to
   * 600 000). Default, and for a value that is not a non-negative number (with a warning): the
   * client's `shutdownTimeoutMs` (10 s).
   */
  timeoutMs?: number;
}

/** Counters since the client was created. */
export interface ClientStats {
  /** Events waiting in the queue. */
  queued: number;
  /** Events taken from the queue and not yet settled. */
  inFlight: number;
  /** Events accepted by `track` into the queue. */
  tracked: number;
  /** Events the API accepted (every path: track, send, validate). */
  delivered: number;
  /** Events not delivered (every reason, including drops). */
  rejected: number;
  /** `track` calls whose event was dropped (`queue_full` or `shutdown`). */
  dropped: number;
  /**
   * Events sent once because the same (name, id) came first: `track` calls whose event was already
   * queued, and repeats inside one `send()` call. Each is listed in its report's `duplicates`.
   */
  deduplicated: number;
  /** HTTP requests made. */
  requests: number;
  /** Retried attempts. */
  retries: number;
  /** True once `shutdown()` was called. */
  closed: boolean;
  /** The queue's capacity (the `maxQueueSize` option): the relay shares it out between its clients. */
  maxQueueSize: number;
}

/** The Conversions API client returned by {@link createClient}. */
export interface CapiClient {
  /**
   * Builds the event with core's `buildEvent` (hashing `user`), queues it and returns its id.
   * Throws `CapiValidationError` at once for bad input. A full queue, or a closed client, reports
   * the event through `onError` (`queue_full`/`shutdown`) and still returns its id.
   */
  track(input: EventInput): string;
  /**
   * Delivers already-built wire events now. Each is validated at send time (the timestamp window
   * included); invalid or stale ones are reported and not sent. A repeated (name, id) is sent once
   * and listed in the report's `duplicates` (not an error: no `onError`). Resolves to the report; never
   * rejects for API or network failures. Throws `CapiValidationError` only for a non-array argument
   * or bad options.
   */
  send(events: readonly WireEvent[], options?: SendOptions): Promise<SendReport>;
  /** `send` with `validate_only: true`: the API validates the events and saves nothing. */
  validate(events: readonly WireEvent[]): Promise<SendReport>;
  /**
   * Delivers every queued event now; resolves to the report of the events this flush took, whose
   * `duplicates` lists the `track` calls that found their (name, id) already queued. With
   * `timeoutMs`, what is not delivered by then is reported as `timeout`. Rejects with
   * `CapiValidationError` only for a bad `timeoutMs`.
   */
  flush(options?: FlushOptions): Promise<SendReport>;
  /**
   * Stops the timer, refuses further `track` calls and flushes everything under one deadline.
   * Idempotent: every call returns the same promise. Resolves to what was delivered and what was
   * not (undelivered at the deadline: reason `shutdown`).
   */
  shutdown(options?: ShutdownOptions): Promise<SendReport>;
  /** Counters since creation. */
  stats(): ClientStats;
}

interface Lifetime {
  deadline: number;
  signal: AbortSignal;
  reason: DropReason;
}

/** The lifetime of one flush: its deadline can be brought forward by a later `flush({ timeoutMs })`. */
interface DeadlineWindow {
  outer: Lifetime;
  tighten(deadline: number): void;
  release(): void;
}

/**
 * Creates a Conversions API client: batching queue, retries with backoff, bisection of refused
 * batches, time-bounded shutdown. The API key stays inside: it is absent from logs, errors,
 * `JSON.stringify(client)` and `util.inspect(client)`.
 *
 * @throws CapiValidationError for bad options (missing `pixelId`/`apiKey`, invalid `integrationSource`…)
 */
export function createClient(options: ClientOptions): CapiClient {
  const { options: o, clamped } = resolveOptions(options);
  const log = createLogger(o.logger, o.logLevel, [o.apiKey]);
  for (const c of clamped) log.warn(`option ${c.option}=${c.given} is out of range; using ${c.used}`);

  const queue = new EventQueue(o.maxQueueSize);
  // `track` repeats of a queued (name, id): reported with the flush that takes the first copy.
  let queuedDuplicates: DuplicateEvent[] = [];
  const counters = { tracked: 0, delivered: 0, rejected: 0, dropped: 0, deduplicated: 0, requests: 0, retries: 0, inFlight: 0 };
  const lifetimeController = new AbortController();
  allowManyListeners(lifetimeController.signal);
  const lifetime: Lifetime = { deadline: Number.POSITIVE_INFINITY, signal: lifetimeController.signal, reason: 'shutdown' };
  const envelopes = new Map<boolean | undefined, Envelope>();
  let timer: unknown;
  let closed = false;
  // The flush delivering right now: its report, and its deadline window, which a later
  // `flush({ timeoutMs })` tightens (it would otherwise wait for that flush's retries).
  let running: { report: Promise<SendReport>; window: DeadlineWindow } | undefined;
  let next: Promise<SendReport> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let shutdownPromise: Promise<SendReport> | undefined;
  // The earliest `flush({ timeoutMs })` deadline (clock ms) asked of the flush that has not started yet.
  let nextDeadline = Number.POSITIVE_INFINITY;

  const envelope = (validateOnly: boolean | undefined): Envelope => {
    let e = envelopes.get(validateOnly);
    if (e === undefined) envelopes.set(validateOnly, (e = new Envelope(validateOnly, o.integrationSource)));
    return e;
  };

  const onRejected = (error: CapiError, rejected: RejectedEvent[]): void => {
    counters.rejected += rejected.length;
    const first = rejected[0];
    if (first === undefined) return;
    const eventIds = rejected.map((r) => r.id);
    const meta = { reason: first.reason, count: rejected.length, status: first.status, eventIds: eventIds.slice(0, 10) };
    if (first.reason === 'auth' || first.reason === 'config') log.error(error.message, meta);
    else log.warn(`${rejected.length} event(s) not delivered (${first.reason}): ${error.message}`, meta);
    if (o.onError === undefined) return;
    try {
      o.onError(error, first.status === undefined
        ? { reason: first.reason, eventIds, events: rejected }
        : { reason: first.reason, eventIds, events: rejected, status: first.status });
    } catch (hookError) {
      log.error(`onError hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
    }
  };

  const context = (validateOnly: boolean | undefined, outer: Lifetime): DeliveryContext => ({
    transport: { url: o.url, apiKey: o.apiKey, pixelId: o.pixelId, fetch: o.fetch, timeoutMs: o.timeoutMs, now: o.now },
    envelope: envelope(validateOnly),
    limits: { maxEvents: o.maxBatchEvents, maxBytes: o.maxBatchBytes },
    backoff: { initialDelayMs: o.retryInitialDelayMs, maxDelayMs: o.retryMaxDelayMs, retryAfterMaxMs: o.retryAfterMaxMs },
    maxRetries: o.maxRetries,
    retryDeadlineMs: o.retryDeadlineMs,
    sleep: o.sleep,
    random: o.random,
    now: o.now,
    outer,
    onDelivered: (events, status, requestId) => {
      counters.delivered += events.length;
      log.debug(`delivered ${events.length} event(s) (HTTP ${status})`, { requestId });
      if (o.onDelivered === undefined) return;
      const info = { eventIds: events.map((e) => e.id), status, validateOnly: validateOnly === true };
      try {
        o.onDelivered(requestId === undefined ? info : { ...info, requestId });
      } catch (hookError) {
        log.error(`onDelivered hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
      }
    },
    onRejected,
  });

  const run = async (
    items: WireEvent[],
    validateOnly: boolean | undefined,
    report: SendReport,
    window?: DeadlineWindow,
  ): Promise<SendReport> => {
    if (items.length === 0) return report;
    warnUnattributable(items);
    counters.inFlight += items.length;
    try {
      const delivered = await deliver(items, context(validateOnly, window?.outer ?? lifetime));
      counters.requests += delivered.requests;
      counters.retries += delivered.retries;
      return mergeReport(report, delivered);
    } finally {
      counters.inFlight -= items.length;
    }
  };

  // The client's lifetime narrowed to one flush's deadline (which `tighten` can bring forward):
  // over at that deadline or at shutdown's, whichever comes first; undelivered events then carry
  // the reason of the one that came first.
  const withDeadline = (initial: number): DeadlineWindow => {
    let deadline = initial;
    let timer: unknown;
    const controller = new AbortController();
    allowManyListeners(controller.signal);
    const abort = () => controller.abort();
    if (lifetime.signal.aborted) abort();
    else lifetime.signal.addEventListener('abort', abort, { once: true });
    const arm = () => {
      if (timer !== undefined) o.timers.clearTimeout(timer);
      timer = deadline === Number.POSITIVE_INFINITY ? undefined : o.timers.setTimeout(abort, Math.max(0, deadline - o.now()));
    };
    arm();
    const outer: Lifetime = {
      get deadline() {
        return Math.min(deadline, lifetime.deadline);
      },
      signal: controller.signal,
      get reason(): DropReason {
        return lifetime.deadline <= deadline ? 'shutdown' : 'timeout';
      },
    };
    return {
      outer,
      tighten: (earlier) => {
        if (earlier >= deadline) return;
        deadline = earlier;
        arm();
      },
      release: () => {
        if (timer !== undefined) o.timers.clearTimeout(timer);
        timer = undefined;
        lifetime.signal.removeEventListener('abort', abort);
      },
    };
  };

  // Spec §4: sent anyway, but said at debug level. Ids and a count only: no personal data.
  const warnUnattributable = (items: readonly WireEvent[]): void => {
    if (o.logLevel !== 'debug') return; // said at debug level only: no scan of every event otherwise
    const eventIds = items.filter((event) => !hasMatchKey(event)).map((event) => event.id);
    if (eventIds.length === 0) return;
    log.debug(`${eventIds.length} event(s) have no oppref, obref, hashed email or hashed external id: unlikely to be attributed`, {
      count: eventIds.length,
      eventIds: eventIds.slice(0, 10),
    });
  };

  const noteDuplicate = (event: WireEvent, into: DuplicateEvent[]): void => {
    counters.deduplicated++;
    into.push(toDuplicate(event));
    log.debug('event repeats the name and id of an earlier one: sent once', { eventId: event.id });
  };

  const drainQueue = (window: DeadlineWindow): Promise<SendReport> => {
    const report = emptyReport();
    report.duplicates = queuedDuplicates;
    queuedDuplicates = [];
    const fresh = withoutStale(queue.drain(), o.now(), report, onRejected);
    return run(fresh, o.validateOnly, report, window);
  };

  const clearTimer = () => {
    if (timer !== undefined) o.timers.clearTimeout(timer);
    timer = undefined;
  };

  const flush = (flushOptions?: FlushOptions): Promise<SendReport> => {
    const timeoutMs = flushOptions?.timeoutMs;
    if (timeoutMs !== undefined && !isDeadlineMs(timeoutMs)) {
      return Promise.reject(
        new CapiValidationError([{ path: 'timeoutMs', code: 'out_of_range', message: `flush timeoutMs must be a number of ms from 0 to ${MAX_DEADLINE_MS}` }]),
      );
    }
    clearTimer();
    if (timeoutMs !== undefined) {
      const deadline = o.now() + timeoutMs;
      nextDeadline = Math.min(nextDeadline, deadline);
      // A flush already delivering would make this one wait past its deadline: bound it too.
      running?.window.tighten(deadline);
    }
    if (next !== undefined) return next;
    const p = tail.then(() => {
      next = undefined;
      const window = withDeadline(nextDeadline);
      nextDeadline = Number.POSITIVE_INFINITY;
      const report = drainQueue(window).finally(() => {
        window.release();
        running = undefined;
      });
      running = { report, window };
      return report;
    });
    next = p;
    tail = p.catch(() => undefined);
    return p;
  };

  const flushInBackground = () => {
    flush().catch((error: unknown) => log.error('flush failed', { error }));
  };

  const dropFromTrack = (event: WireEvent, reason: 'queue_full' | 'shutdown') => {
    counters.dropped++;
    const message = reason === 'queue_full'
      ? `Event dropped: the queue is full (maxQueueSize ${o.maxQueueSize})`
      : 'Event dropped: track() was called after shutdown()';
    const error = new CapiError(message);
    onRejected(error, [toRejected(event, reason, error)]);
  };

  // Spec §10: events sent without invalid optional fields; said through the logger and onError.
  const onWarned = (warned: WarnedEvent[]): void => {
    if (warned.length === 0) return;
    const issues = warned.flatMap((w) => w.warnings);
    const error = new CapiValidationError(issues, `Sent without ${issues.length} invalid optional field(s): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    const eventIds = warned.map((w) => w.id);
    log.warn(error.message, { reason: 'warning', count: warned.length, eventIds: eventIds.slice(0, 10) });
    if (o.onError === undefined) return;
    try {
      o.onError(error, { reason: 'warning', eventIds, events: [], warnings: warned });
    } catch (hookError) {
      log.error(`onError hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
    }
  };

  const track = (input: EventInput): string => {
    const warnings: Issue[] = [];
    const event = buildEvent(input, { now: o.now(), hasher: o.hasher, onWarning: (w) => warnings.push(w) });
    if (warnings.length) onWarned([toWarned(event, warnings)]);
    if (closed) {
      dropFromTrack(event, 'shutdown');
      return event.id;
    }
    const pushed = queue.push(event);
    if (pushed === 'full') dropFromTrack(event, 'queue_full');
    else if (pushed === 'duplicate') noteDuplicate(event, queuedDuplicates);
    else {
      counters.tracked++;
      // Once a flush is scheduled (`next`), it takes everything queued when it starts: asking again
      // would only chain one more promise per event for the rest of a burst.
      if (queue.size >= o.flushAt) {
        if (next === undefined) flushInBackground();
      }
      else if (timer === undefined) timer = o.timers.setTimeout(flushInBackground, o.flushIntervalMs);
    }
    return event.id;
  };

  const send = async (events: readonly WireEvent[], sendOptions?: SendOptions): Promise<SendReport> => {
    if (!Array.isArray(events)) {
      throw new CapiValidationError([{ path: 'events', code: 'invalid_type', message: 'send() takes an array of wire events' }]);
    }
    const validateOnly = sendOptions?.validateOnly ?? o.validateOnly;
    if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
      throw new CapiValidationError([{ path: 'validateOnly', code: 'invalid_type', message: 'validateOnly must be a boolean' }]);
    }
    const report = emptyReport();
    const now = o.now();
    const ready: WireEvent[] = [];
    const seen = new DedupeSet();
    const clock = { now };
    const invalid: RejectedEvent[] = [];
    const stale: RejectedEvent[] = [];
    for (const candidate of events as readonly unknown[]) {
      const checked = validateEvent(candidate, clock);
      if (checked.ok && checked.warnings.length) report.warnings.push(toWarned(checked.event, checked.warnings));
      if (!checked.ok) {
        const r = invalidEvent(candidate, checked.issues);
        (r.reason === 'stale' ? stale : invalid).push(r);
        continue;
      }
      if (seen.has(checked.event)) {
        noteDuplicate(checked.event, report.duplicates);
        continue;
      }
      seen.add(checked.event);
      ready.push(checked.event);
    }
    for (const group of [invalid, stale]) {
      for (const r of group) report.rejected.push(r);
      if (group[0] !== undefined) onRejected(group[0].error, group);
    }
    onWarned(report.warnings);
    return run(ready, validateOnly, report);
  };

  const shutdown = (shutdownOptions?: ShutdownOptions): Promise<SendReport> => {
    if (shutdownPromise !== undefined) return shutdownPromise;
    closed = true;
    clearTimer();
    const given = shutdownOptions?.timeoutMs;
    const timeoutMs = isDeadlineMs(given) ? given : typeof given === 'number' && given > MAX_DEADLINE_MS ? MAX_DEADLINE_MS : o.shutdownTimeoutMs;
    // Not a rejection: a shutdown that refused to run would lose the queue. Said, though.
    if (given !== undefined && timeoutMs !== given) {
      log.warn(`shutdown timeoutMs must be a number of ms from 0 to ${MAX_DEADLINE_MS}; using ${timeoutMs}`);
    }
    lifetime.deadline = o.now() + timeoutMs;
    // Deliberately not unref'd (unlike every other timer here): while a shutdown runs, it keeps the
    // process alive until the deadline, so a retry backoff cannot let it exit with events unsent.
    const deadlineTimer = setTimeout(() => lifetimeController.abort(), timeoutMs);
    const inFlight = running?.report;
    shutdownPromise = Promise.all([inFlight ?? Promise.resolve(emptyReport()), flush()]).then(([a, b]) => {
      clearTimeout(deadlineTimer);
      const report = mergeReport(mergeReport(emptyReport(), a), b);
      log.info(`shut down: ${report.delivered.length} delivered, ${report.rejected.length} not delivered`);
      return report;
    });
    return shutdownPromise;
  };

  const stats = (): ClientStats => ({ ...counters, queued: queue.size, closed, maxQueueSize: o.maxQueueSize });

  const describe = () => ({ pixelId: o.pixelId, endpoint: o.url, apiKey: '[redacted]', stats: stats() });
  const client: CapiClient & { toJSON(): unknown } = {
    track,
    // Awaited by the caller, so they hold the process open until they settle (see holdOpenUntil).
    send: (events, sendOptions) => holdOpenUntil(send(events, sendOptions)),
    validate: (events) => holdOpenUntil(send(events, { validateOnly: true })),
    flush: (flushOptions) => holdOpenUntil(flush(flushOptions)),
    shutdown,
    stats,
    toJSON: describe,
  };
  Object.defineProperty(client, Symbol.for('nodejs.util.inspect.custom'), { value: () => ({ CapiClient: describe() }) });
  return client;
}

/** Longest deadline of `flush({ timeoutMs })` and `shutdown({ timeoutMs })`. */
const MAX_DEADLINE_MS = 600_000;

/** A `timeoutMs` of `flush` or `shutdown`: a number of ms from 0 to {@link MAX_DEADLINE_MS}. */
function isDeadlineMs(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_DEADLINE_MS;
}

/** The name of a thrown value (`TypeError`), never its message: an application's message may hold personal data. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

const TIMESTAMP_CODES = new Set(['too_old', 'in_future']);

function invalidEvent(candidate: unknown, issues: readonly Issue[]): RejectedEvent {
  const stale = issues.length > 0 && issues.every((i) => i.path === 'timestamp_ms' && TIMESTAMP_CODES.has(i.code));
  const error = new CapiValidationError(issues);
  const r: RejectedEvent = {
    id: readField(candidate, 'id') ?? '',
    type: readField(candidate, 'type') as WireEvent['type'],
    reason: stale ? 'stale' : 'invalid',
    error,
    issues,
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
 * Drops the queued events whose timestamp left the accepted window while they waited (checked at
 * send time with core's rule, `timestampIssueCode`) and reports them as `stale`.
 */
function withoutStale(
  items: WireEvent[],
  now: number,
  report: SendReport,
  onRejected: (error: CapiError, rejected: RejectedEvent[]) => void,
): WireEvent[] {
  const fresh: WireEvent[] = [];
  const stale: RejectedEvent[] = [];
  for (const item of items) {
    const code = timestampIssueCode(item.timestamp_ms, now);
    if (code === undefined) {
      fresh.push(item);
      continue;
    }
    const issue: Issue = code === 'in_future'
      ? { path: 'timestamp_ms', code, message: 'must be at most 10 minutes in the future when sent' }
      : { path: 'timestamp_ms', code: 'too_old', message: 'must be at most 7 days in the past when sent (the event waited too long)' };
    stale.push(toRejected(item, 'stale', new CapiValidationError([issue]), { issues: [issue] }));
  }
  for (const r of stale) report.rejected.push(r);
  if (stale[0] !== undefined) onRejected(stale[0].error, stale);
  return fresh;
}

export type { ClientOptions, ResolvedOptions };
