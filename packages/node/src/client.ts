import { CapiValidationError, type EventInput, type WireEvent } from '@x/openai-capi-core';
import { checkSendable } from './checks.js';
import { createLifetime, withDeadline } from './deadline.js';
import { createDelivery } from './delivery.js';
import { createFlusher, type FlushOptions } from './flusher.js';
import { createIntake, type Intake } from './intake.js';
import { createLifecycle, type ShutdownOptions, type ShutdownSignal, type SignalOptions } from './lifecycle.js';
import { createLogger } from './logger.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { memoryPipeline } from './pipeline.js';
import { holdOpenUntil } from './platform.js';
import { createCoverage, type TypeCoverage } from './coverage.js';
import { createReporter } from './reporter.js';
import { createSourceMarks } from './sources.js';
import type { DeliverySource } from './ledger-format.js';
import { emptyReport, type SendReport } from './report.js';
import { storePipeline } from './store-pipeline.js';

export type { FlushOptions, ShutdownOptions, ShutdownSignal, SignalOptions };

/** Per-call options of `send`. */
export interface SendOptions {
  /** Overrides the client's `validateOnly` for this call. */
  validateOnly?: boolean | undefined;
}

/** Per-event options of `track` and `enqueue`. */
export interface TrackOptions {
  /**
   * Who hands the event over: `'server'` (your code) or `'relay'` (a browser event; the relay
   * handler passes it). Counted in `stats().coverage` and written to the delivery ledger. Default:
   * `'relay'` for a client whose `integrationSource` is `x-openai-capi-relay`, else `'server'`.
   */
  source?: DeliverySource | undefined;
}

/** Counters since the client was created. */
export interface ClientStats {
  /** Events waiting in the queue (and, with a file store, in the store). */
  queued: number;
  /** Events taken from the queue and not yet settled. */
  inFlight: number;
  /** Events accepted by `track`/`enqueue` into the queue. */
  tracked: number;
  /** Events the API accepted (every path: track, send, validate). */
  delivered: number;
  /** Events not delivered (every reason, including drops). */
  rejected: number;
  /** `track` calls whose event was dropped (`queue_full`, `store_full` or `shutdown`). */
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
  /**
   * How many events the client can hold before it refuses more: the `maxQueueSize` option, plus the
   * store's `maxEvents` with a `store` (`queued` counts both too). The relay shares it out between
   * its clients.
   */
  maxQueueSize: number;
  /**
   * Per event type (custom events by name): events delivered from the server and from the relay,
   * the share of ids tracked from both (the dedupe rate) and the share of delivered events carrying
   * each match key. Counted by this client since it was created; see docs/verify.md for how to read
   * them next to Events Manager's (whose match-quality score OpenAI computes, not this SDK).
   */
  coverage: Record<string, TypeCoverage>;
}

/** The Conversions API client returned by {@link createClient}. */
export interface CapiClient {
  /**
   * Builds the event with core's `buildEvent` (hashing `user`), queues it and returns its id.
   * Throws `CapiValidationError` at once for bad input. A full queue, or a closed client, reports
   * the event through `onError` (`queue_full`/`store_full`/`shutdown`, with the event) and still
   * returns its id. Fire and forget: use {@link CapiClient.enqueue} to wait for room instead.
   */
  track(input: EventInput, options?: TrackOptions): string;
  /**
   * Like `track`, with backpressure: resolves with the id once the event is queued (and written to
   * the `store`, when there is one), waiting for room when the queue is full instead of dropping.
   * For bulk work: `for (const row of rows) await capi.enqueue(…)` holds at most `maxQueueSize`
   * events in memory. Rejects with `CapiValidationError` for bad input and with `CapiError` after
   * `shutdown()`.
   */
  enqueue(input: EventInput, options?: TrackOptions): Promise<string>;
  /**
   * Delivers already-built wire events now. Each is validated at send time (the timestamp window
   * included); invalid or stale ones are reported and not sent. A repeated (name, id) is sent once
   * and listed in the report's `duplicates` (not an error: no `onError`). Resolves to the report; never
   * rejects for API or network failures. Throws `CapiValidationError` only for a non-array argument
   * or bad options. Not written to the `store`: this is the path to replay `event`s you kept.
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
   * Stops the timer, refuses further `track` calls and flushes everything under one deadline, then
   * closes the `store`. Idempotent: every call returns the same promise. Resolves to what was
   * delivered and what was not (undelivered at the deadline: reason `shutdown`; with a store, those
   * stay in it, `kept`, for the next process).
   */
  shutdown(options?: ShutdownOptions): Promise<SendReport>;
  /**
   * Shuts the client down on SIGTERM / SIGINT (the first one received), within the shutdown
   * deadline, then ends the process (`exit`; default `process.exit(128 + signal number)`). Returns
   * a function that removes the handlers. Node-style runtimes only (throws a `TypeError` elsewhere).
   */
  shutdownOnSignals(options?: SignalOptions): () => void;
  /** Counters since creation. */
  stats(): ClientStats;
}

/**
 * Creates a Conversions API client: batching queue (in memory, or a durable `store`), retries with
 * backoff, bisection of refused batches, time-bounded shutdown. The API key stays inside: it is
 * absent from logs, errors, `JSON.stringify(client)` and `util.inspect(client)`.
 *
 * @throws CapiValidationError for bad options (missing `pixelId`/`apiKey`, invalid `integrationSource`…)
 */
export function createClient(options: ClientOptions): CapiClient {
  const { options: o, clamped } = resolveOptions(options);
  const log = createLogger(o.logger, o.logLevel, [o.apiKey]);
  for (const c of clamped) log.warn(`option ${c.option}=${c.given} is out of range; using ${c.used}`);

  const records = {
    coverage: createCoverage({ threshold: o.noMatchKeyWarnPercent / 100, minEvents: 20, windowMs: 86_400_000, now: o.now }),
    marks: createSourceMarks(o.integrationSource),
    ledger: o.store?.ledger,
  };
  const reporter = createReporter(o, log, records);
  const run = createDelivery(o, reporter);
  const lifetime = createLifetime();
  let intake: Intake | undefined;
  const pipeline = o.store === undefined
    ? memoryPipeline(o, reporter, run)
    : storePipeline(o, reporter, run, o.store, log, (full) => {
        if (!full && pipeline.size < o.flushAt) flusher.arm();
        else if (!flusher.scheduled()) flusher.background();
      });
  const flusher = createFlusher(o, log, lifetime, (window) => {
    const report = emptyReport();
    report.duplicates = intake?.takeDuplicates() ?? [];
    return pipeline.drain(window, report);
  }, () => pipeline.polls && !lifecycle.closed());
  const lifecycle = createLifecycle(o, log, lifetime, flusher, pipeline, () => intake as Intake);
  intake = createIntake(o, reporter, pipeline, flusher, lifecycle.closed, records);

  const send = async (events: readonly WireEvent[], sendOptions?: SendOptions): Promise<SendReport> => {
    if (!Array.isArray(events)) {
      throw new CapiValidationError([{ path: 'events', code: 'invalid_type', message: 'send() takes an array of wire events' }]);
    }
    const validateOnly = sendOptions?.validateOnly ?? o.validateOnly;
    if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
      throw new CapiValidationError([{ path: 'validateOnly', code: 'invalid_type', message: 'validateOnly must be a boolean' }]);
    }
    const report = emptyReport();
    const ready = checkSendable(events, o.now(), report, reporter);
    // A window of its own, made in this call (and so in this request, on Workers).
    const window = withDeadline(lifetime, Number.POSITIVE_INFINITY, o.timers, o.now);
    return run(ready, validateOnly, report, window.outer).finally(window.release);
  };

  const capacity = o.maxQueueSize + (o.store?.maxEvents ?? 0);
  const stats = (): ClientStats => ({
    ...reporter.counters,
    queued: pipeline.size,
    closed: lifecycle.closed(),
    maxQueueSize: capacity,
    coverage: records.coverage.snapshot(),
  });
  const describe = () => ({ pixelId: o.pixelId, endpoint: o.url, apiKey: '[redacted]', stats: stats() });
  const client: CapiClient & { toJSON(): unknown } = {
    track: intake.track,
    enqueue: (input, trackOptions) => holdOpenUntil(intake.enqueue(input, trackOptions)),
    // Awaited by the caller, so they hold the process open until they settle (see holdOpenUntil).
    send: (events, sendOptions) => holdOpenUntil(send(events, sendOptions)),
    validate: (events) => holdOpenUntil(send(events, { validateOnly: true })),
    flush: (flushOptions) => holdOpenUntil(flusher.flush(flushOptions)),
    shutdown: lifecycle.shutdown,
    shutdownOnSignals: lifecycle.shutdownOnSignals,
    stats,
    toJSON: describe,
  };
  Object.defineProperty(client, Symbol.for('nodejs.util.inspect.custom'), { value: () => ({ CapiClient: describe() }) });
  return client;
}

export type { ClientOptions, ResolvedOptions };
