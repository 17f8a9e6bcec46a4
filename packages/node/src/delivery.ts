import type { WireEvent } from '@x/openai-capi-core';
import { Envelope } from './batcher.js';
import type { Lifetime } from './deadline.js';
import { deliver, type DeliveryContext } from './deliver.js';
import type { ResolvedOptions } from './options.js';
import type { Reporter } from './reporter.js';
import type { RejectedEvent, SendReport } from './report.js';

/**
 * Delivers built events, adding the outcome to a report. `from` says whose events they are:
 * `'send'` (the default), a caller's, serialized all before the first request; `'queue'` and
 * `'store'`, the client's own, serialized a request at a time. With `'store'`, the events come from
 * the client's store: those not delivered for a transient cause are marked `kept` before any hook
 * sees them (they stay in the store and go out again later).
 */
export type Run = (items: readonly WireEvent[], validateOnly: boolean | undefined, report: SendReport, outer: Lifetime, from?: 'send' | 'queue' | 'store') => Promise<SendReport>;

/** A transient failure: the event stays in a store to be delivered again (network, deadlines, 408/429/5xx). */
export function isTransient(r: RejectedEvent): boolean {
  if (r.reason === 'network' || r.reason === 'timeout' || r.reason === 'shutdown') return true;
  return r.reason === 'api' && (r.status === undefined || r.status === 408 || r.status === 429 || r.status >= 500);
}

/**
 * The transport half of the client: one {@link Envelope} per `validate_only` value, the delivery
 * context (endpoint, batching limits, backoff, deadlines, hooks) and the in-flight counter.
 */
export function createDelivery(o: ResolvedOptions, reporter: Reporter): Run {
  const envelopes = new Map<boolean | undefined, Envelope>();
  const envelope = (validateOnly: boolean | undefined): Envelope => {
    let e = envelopes.get(validateOnly);
    if (e === undefined) envelopes.set(validateOnly, (e = new Envelope(validateOnly, o.integrationSource)));
    return e;
  };
  const transport = { url: o.url, apiKey: o.apiKey, pixelId: o.pixelId, fetch: o.fetch, timeoutMs: o.timeoutMs, now: o.now };
  const context = (validateOnly: boolean | undefined, outer: Lifetime, from: 'send' | 'queue' | 'store'): DeliveryContext => ({
    transport,
    envelope: envelope(validateOnly),
    serializeAhead: from === 'send',
    limits: { maxEvents: o.maxBatchEvents, maxBytes: o.maxBatchBytes },
    backoff: { initialDelayMs: o.retryInitialDelayMs, maxDelayMs: o.retryMaxDelayMs, retryAfterMaxMs: o.retryAfterMaxMs },
    maxRetries: o.maxRetries,
    retryDeadlineMs: o.retryDeadlineMs,
    sleep: o.sleep,
    random: o.random,
    now: o.now,
    outer,
    onDelivered: (events, status, requestId) => reporter.delivered(events, status, requestId, validateOnly === true),
    onRejected: (error, rejected) => {
      if (from === 'store') for (const r of rejected) if (isTransient(r)) r.kept = true;
      reporter.rejected(error, rejected);
    },
  });
  const { counters } = reporter;
  return async (items, validateOnly, report, outer, from = 'send') => {
    if (items.length === 0) return report;
    reporter.unattributable(items);
    counters.inFlight += items.length;
    try {
      // Delivered into the caller's report: the ids are not copied from a report of their own.
      const { requests, retries } = report;
      await deliver(items, context(validateOnly, outer, from), report);
      counters.requests += report.requests - requests;
      counters.retries += report.retries - retries;
      return report;
    } finally {
      counters.inFlight -= items.length;
    }
  };
}
