import { CapiValidationError } from '@x/openai-capi-core';
import { isDeadlineMs, MAX_DEADLINE_MS, withDeadline, type ClientLifetime, type DeadlineWindow } from './deadline.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import type { SendReport } from './report.js';

/** Options of `flush`. */
export interface FlushOptions {
  /**
   * One deadline for this flush, retries included, in ms (0 to 600 000). Events not delivered by
   * then are reported with reason `timeout` (in the report and through `onError`), not kept for
   * later (with a `store`, they stay in it: `kept`): on a serverless function that is about to
   * freeze, waiting longer would lose them anyway. A flush already delivering when this one is
   * called (a background flush) is held to the same deadline, so the returned promise settles by
   * then. Default: no deadline of its own (each batch still stops retrying after `retryDeadlineMs`).
   */
  timeoutMs?: number | undefined;
}

/** Serialized flushes: one delivers at a time, the next one gathers every call made meanwhile. */
export interface Flusher {
  flush(options?: FlushOptions): Promise<SendReport>;
  /** A flush whose failure is logged, not thrown (timer, `flushAt`). */
  background(): void;
  /** Arms the `flushIntervalMs` timer unless it is armed. */
  arm(): void;
  /** Disarms it. */
  disarm(): void;
  /** The report of the flush delivering now, if any. */
  running(): Promise<SendReport> | undefined;
  /** True while a flush is scheduled and has not started: it will take everything queued by then. */
  scheduled(): boolean;
}

/**
 * The flush scheduler. `drain` takes the waiting events and delivers them within the window; with
 * `polls`, the timer is re-armed after each flush (a store may receive events from elsewhere).
 */
export function createFlusher(
  o: ResolvedOptions,
  log: Logger,
  lifetime: ClientLifetime,
  drain: (window: DeadlineWindow) => Promise<SendReport>,
  polls: () => boolean,
): Flusher {
  let timer: unknown;
  // The flush delivering right now: its report, and its deadline window, which a later
  // `flush({ timeoutMs })` tightens (it would otherwise wait for that flush's retries).
  let running: { report: Promise<SendReport>; window: DeadlineWindow } | undefined;
  let next: Promise<SendReport> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  // The earliest `flush({ timeoutMs })` deadline (clock ms) asked of the flush that has not started yet.
  let nextDeadline = Number.POSITIVE_INFINITY;

  const disarm = () => {
    if (timer !== undefined) o.timers.clearTimeout(timer);
    timer = undefined;
  };
  const background = () => {
    flush().catch((error: unknown) => log.error('flush failed', { error }));
  };
  const arm = () => {
    if (timer === undefined) timer = o.timers.setTimeout(background, o.flushIntervalMs);
  };

  const flush = (flushOptions?: FlushOptions): Promise<SendReport> => {
    const timeoutMs = flushOptions?.timeoutMs;
    if (timeoutMs !== undefined && !isDeadlineMs(timeoutMs)) {
      return Promise.reject(
        new CapiValidationError([{ path: 'timeoutMs', code: 'out_of_range', message: `flush timeoutMs must be a number of ms from 0 to ${MAX_DEADLINE_MS}` }]),
      );
    }
    disarm();
    if (timeoutMs !== undefined) {
      const deadline = o.now() + timeoutMs;
      nextDeadline = Math.min(nextDeadline, deadline);
      // A flush already delivering would make this one wait past its deadline: bound it too.
      running?.window.tighten(deadline);
    }
    if (next !== undefined) return next;
    const p = tail.then(() => {
      next = undefined;
      const window = withDeadline(lifetime, nextDeadline, o.timers, o.now);
      nextDeadline = Number.POSITIVE_INFINITY;
      const report = drain(window).finally(() => {
        window.release();
        running = undefined;
        if (polls() && !lifetime.ended && lifetime.deadline === Number.POSITIVE_INFINITY) arm();
      });
      running = { report, window };
      return report;
    });
    next = p;
    tail = p.catch(() => undefined);
    return p;
  };

  return { flush, background, arm, disarm, running: () => running?.report, scheduled: () => next !== undefined };
}
