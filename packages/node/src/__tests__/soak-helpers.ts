/** Helpers of the soak and kill tests: bounded waits, a time-scaled sleep, an outcome ledger. Not shipped. */
import type { CapiError } from '@x/openai-capi-core';
import type { FetchLike, Sleep } from '../platform.js';
import type { DeliveredInfo, DropReason, ErrorContext } from '../report.js';

/** Rejects with a message naming `what` when `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every few ms; rejects naming `what` after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const giveUpAt = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * A client `sleep` that records every requested delay and waits `1/scale` of it in real time, so
 * `Retry-After: 1` and the backoff are honoured in proportion without slowing the run. Resolves early
 * when `signal` aborts, like the default sleep.
 */
export function scaledSleep(scale: number, requested: number[]): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve) => {
      requested.push(ms);
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms / scale));
      signal?.addEventListener('abort', done, { once: true });
    });
}

/** Global `fetch`, counting the attempts that ended without an answer (aborted by the client's timeout, or reset). */
export function countingFetch(): { fetch: FetchLike; aborted: () => number; failed: () => number } {
  let aborted = 0;
  let failed = 0;
  const fetchImpl: FetchLike = async (url, init) => {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (init.signal.aborted) aborted++;
      else failed++;
      throw error;
    }
  };
  return { fetch: fetchImpl, aborted: () => aborted, failed: () => failed };
}

/** One report received through `onError`. */
export interface Reported {
  reason: DropReason;
  status: number | undefined;
  /** Issue codes of the API's 400/422 body, or the local issues (`stale`). */
  codes: string[];
  error: CapiError;
}

function issueCodes(body: unknown): string[] {
  const issues = (body as { error?: { issues?: Array<{ code?: unknown }> } } | undefined)?.error?.issues;
  return Array.isArray(issues) ? issues.map((i) => String(i.code)) : [];
}

/**
 * What the client said about each event, through its hooks only. Counts every report, so an id
 * delivered or reported twice shows up instead of being folded into a set.
 */
export class Ledger {
  readonly delivered = new Map<string, number>();
  readonly reported = new Map<string, Reported[]>();

  readonly onDelivered = (info: DeliveredInfo): void => {
    for (const id of info.eventIds) this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
  };

  readonly onError = (error: CapiError, context: ErrorContext): void => {
    for (const event of context.events) {
      const codes = event.issues ? event.issues.map((i) => i.code) : issueCodes(event.body);
      const list = this.reported.get(event.id) ?? [];
      list.push({ reason: event.reason, status: event.status, codes, error });
      this.reported.set(event.id, list);
    }
  };

  /** Ids settled more than once (delivered twice, reported twice, or both). */
  settledTwice(): string[] {
    const out: string[] = [];
    for (const [id, n] of this.delivered) if (n > 1 || this.reported.has(id)) out.push(id);
    for (const [id, list] of this.reported) if (list.length > 1) out.push(id);
    return out;
  }

  /** How many reports carry `reason`. */
  count(reason: DropReason): number {
    let n = 0;
    for (const list of this.reported.values()) for (const r of list) if (r.reason === reason) n++;
    return n;
  }
}
