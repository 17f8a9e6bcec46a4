import { CapiTimeoutError, CapiValidationError, type CapiError, type Issue, type WireEvent } from '@x/openai-capi-core';
import { splitIntoBatches, utf8Length, type Batch, type BatchLimits, type Envelope } from './batcher.js';
import type { DropReason, RejectedEvent, SendReport } from './report.js';
import { emptyReport } from './report.js';
import { retryDelay, type BackoffOptions } from './retry.js';
import { attempt, type AttemptResult, type TransportContext } from './transport.js';
import type { Sleep } from './platform.js';

/** Everything one delivery run needs. */
export interface DeliveryContext {
  transport: TransportContext;
  envelope: Envelope;
  limits: BatchLimits;
  backoff: BackoffOptions & { retryAfterMaxMs: number };
  maxRetries: number;
  /** Deadline of one batch (its attempts and waits), from its first attempt. */
  retryDeadlineMs: number;
  sleep: Sleep;
  random: () => number;
  now: () => number;
  /** True for events a caller handed over (`send()`): every batch is serialized before the first request. */
  serializeAhead?: boolean;
  /** Outer deadline (clock ms) and its signal, e.g. from `shutdown({ timeoutMs })`. */
  outer?: { deadline: number; signal: AbortSignal; reason: DropReason };
  /** A request succeeded. */
  onDelivered(events: readonly WireEvent[], status: number, requestId: string | undefined): void;
  /** A group of events was given up on, for one cause. */
  onRejected(error: CapiError, rejected: RejectedEvent[]): void;
}

type Failure = Exclude<AttemptResult, { kind: 'ok' }>;

/**
 * Delivers `events` in batches (count and byte caps), one request at a time. Retryable failures
 * are retried with backoff under the batch deadline; a batch refused as a whole (400/422/413) is
 * bisected until the offending events are isolated, so every valid event still gets delivered.
 * Never throws: the outcome is added to `report` (a new one by default), which is returned.
 *
 * Events of the queue or the store, which nothing outside the client can reach, are serialized a
 * chunk of `maxEvents` at a time, just before its request: a large delivery holds one request body,
 * not all of them. Events a caller handed to `send()` (`ctx.serializeAhead`) are all serialized
 * before the first request: the caller may change its objects once `send()` awaits, and what is
 * sent must be what was validated.
 */
export async function deliver(events: readonly WireEvent[], ctx: DeliveryContext, report: SendReport = emptyReport()): Promise<SendReport> {
  const chunks: Array<readonly WireEvent[]> = [];
  for (let start = 0; start < events.length; start += ctx.limits.maxEvents) chunks.push(events.slice(start, start + ctx.limits.maxEvents));
  const prepare = (chunk: readonly WireEvent[]): Batch[] => {
    const { batches, oversized } = splitSerializable(chunk, ctx, report);
    for (const e of oversized) {
      const bytes = ctx.envelope.overhead + utf8Length(JSON.stringify(e));
      const issue: Issue = {
        path: '',
        code: 'too_large',
        message: `a request with this event alone is ${bytes} bytes; at most ${ctx.limits.maxBytes} are allowed (maxBatchBytes)`,
      };
      reject(report, ctx, [e], 'too_large', new CapiValidationError([issue]), { issues: [issue] });
    }
    return batches;
  };
  const prepared = ctx.serializeAhead === true ? chunks.map(prepare) : undefined;
  let authFailure: Failure | undefined;
  for (let i = 0; i < chunks.length; i++) {
    // Still cut after a refused key or pixel: an event too large or not serializable is reported
    // for what it is (it can never be sent), not as refused.
    const batches = prepared?.[i] ?? prepare(chunks[i]!);
    for (const batch of batches) {
      if (authFailure !== undefined) {
        // The key or the pixel was refused: the remaining batches would be refused the same way.
        rejectFailure(report, ctx, batch.events, authFailure);
        continue;
      }
      const failure = await deliverBatch(batch, ctx, report);
      if (isStopping(failure)) authFailure = failure;
    }
  }
  return report;
}

/**
 * {@link splitIntoBatches}, after refusing (`invalid`, `not_json`) any event `JSON.stringify` throws
 * on: a getter or `toJSON` that throws, reached only by objects changed after validation. One such
 * event must not take its batch, or the whole delivery, with it.
 */
function splitSerializable(events: readonly WireEvent[], ctx: DeliveryContext, report: SendReport): ReturnType<typeof splitIntoBatches> {
  try {
    return splitIntoBatches(events, ctx.envelope, ctx.limits);
  } catch {
    const serializable = events.filter((event) => {
      try {
        JSON.stringify(event);
        return true;
      } catch (cause) {
        const issue: Issue = { path: '', code: 'not_json', message: 'could not be serialized to JSON (changed after it was validated?)' };
        reject(report, ctx, [event], 'invalid', new CapiValidationError([issue], undefined, { cause }), { issues: [issue] });
        return false;
      }
    });
    return splitIntoBatches(serializable, ctx.envelope, ctx.limits);
  }
}

/** Delivers one batch, bisecting on whole-batch refusals. Returns the auth or config failure, if any. */
async function deliverBatch(batch: Batch, ctx: DeliveryContext, report: SendReport): Promise<Failure | undefined> {
  const result = await sendWithRetry(batch.body, ctx, report);
  if (result.kind === 'ok') {
    for (const e of batch.events) report.delivered.push(e.id);
    ctx.onDelivered(batch.events, result.status, result.requestId);
    return undefined;
  }
  if (result.kind === 'split' && batch.events.length > 1) {
    const middle = Math.ceil(batch.events.length / 2);
    const right = batch.events.slice(middle);
    const left = await deliverBatch(ctx.envelope.batch(batch.events.slice(0, middle)), ctx, report);
    if (left !== undefined) {
      rejectFailure(report, ctx, right, left);
      return left;
    }
    return deliverBatch(ctx.envelope.batch(right), ctx, report);
  }
  rejectFailure(report, ctx, batch.events, result);
  return isStopping(result) ? result : undefined;
}

/** A refused key (`auth`) or an unknown pixel (`config`): every other batch would be refused the same way. */
function isStopping(failure: AttemptResult | undefined): failure is Failure {
  return failure?.kind === 'fatal' && (failure.reason === 'auth' || failure.reason === 'config');
}

/** Sends `body` (the same bytes on every attempt), retrying under the batch and outer deadlines. */
async function sendWithRetry(body: string, ctx: DeliveryContext, report: SendReport): Promise<AttemptResult> {
  const batchDeadline = ctx.now() + ctx.retryDeadlineMs;
  for (let retry = 0; ; retry++) {
    if (ctx.outer !== undefined && (ctx.outer.signal.aborted || ctx.now() >= ctx.outer.deadline)) return { kind: 'aborted' };
    const result = await attempt(ctx.transport, body, ctx.outer?.signal);
    if (result.kind !== 'aborted') report.requests++;
    if (result.kind !== 'retryable' || retry >= ctx.maxRetries) return result;
    const delay = retryDelay(retry, result.retryAfterMs, ctx.backoff, ctx.random);
    const resumeAt = ctx.now() + delay;
    if (resumeAt > batchDeadline) return result;
    if (ctx.outer !== undefined && resumeAt > ctx.outer.deadline) return { kind: 'aborted' };
    try {
      await ctx.sleep(delay, ctx.outer?.signal);
    } catch {
      // An injected sleep may reject when the deadline aborts it (its contract allows it): the check
      // at the top of the loop then reports the batch as not delivered, instead of losing it.
    }
    report.retries++;
  }
}

function rejectFailure(report: SendReport, ctx: DeliveryContext, events: readonly WireEvent[], failure: Failure): void {
  if (failure.kind === 'aborted') {
    const reason = ctx.outer?.reason ?? 'timeout';
    const error = new CapiTimeoutError(
      reason === 'shutdown' ? 'Not delivered before the shutdown deadline' : 'Not delivered before the flush deadline (flush({ timeoutMs }))',
    );
    reject(report, ctx, events, reason, error, {});
    return;
  }
  const extra: { status?: number; body?: unknown } = {};
  if (failure.status !== undefined) extra.status = failure.status;
  if (failure.body !== undefined) extra.body = failure.body;
  reject(report, ctx, events, failure.reason, failure.error, extra);
}

function reject(
  report: SendReport,
  ctx: DeliveryContext,
  events: readonly WireEvent[],
  reason: DropReason,
  error: CapiError,
  extra: { status?: number; body?: unknown; issues?: readonly Issue[] },
): void {
  const rejected = events.map((e) => toRejected(e, reason, error, extra));
  for (const r of rejected) report.rejected.push(r);
  if (rejected.length > 0) ctx.onRejected(error, rejected);
}

/** A {@link RejectedEvent} for `event`. */
export function toRejected(
  event: WireEvent,
  reason: DropReason,
  error: CapiError,
  extra: { status?: number; body?: unknown; issues?: readonly Issue[] } = {},
): RejectedEvent {
  const r: RejectedEvent = { id: event.id, type: event.type, reason, error, event };
  if (event.custom_event_name !== undefined) r.customEventName = event.custom_event_name;
  if (extra.issues !== undefined) r.issues = extra.issues;
  if (extra.status !== undefined) r.status = extra.status;
  if (extra.body !== undefined) r.body = extra.body;
  return r;
}
