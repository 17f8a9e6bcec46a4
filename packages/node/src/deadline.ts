import type { DropReason } from './report.js';
import { allowManyListeners, type TimerApi } from './platform.js';

/** An outer deadline (clock ms), its signal, and the reason undelivered events carry once it passed. */
export interface Lifetime {
  deadline: number;
  signal: AbortSignal;
  reason: DropReason;
}

/** The lifetime of one flush: its deadline can be brought forward by a later `flush({ timeoutMs })`. */
export interface DeadlineWindow {
  outer: Lifetime;
  tighten(deadline: number): void;
  release(): void;
}

/** Longest deadline of `flush({ timeoutMs })` and `shutdown({ timeoutMs })`. */
export const MAX_DEADLINE_MS = 600_000;

/** A `timeoutMs` of `flush` or `shutdown`: a number of ms from 0 to {@link MAX_DEADLINE_MS}. */
export function isDeadlineMs(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_DEADLINE_MS;
}

/** The client's whole lifetime: no deadline until `shutdown()` sets one and `end()` aborts it. */
export function createLifetime(): Lifetime & { end(): void } {
  const controller = new AbortController();
  allowManyListeners(controller.signal);
  return { deadline: Number.POSITIVE_INFINITY, signal: controller.signal, reason: 'shutdown', end: () => controller.abort() };
}

/**
 * The client's lifetime narrowed to one flush's deadline (which `tighten` can bring forward): over
 * at that deadline or at shutdown's, whichever comes first; undelivered events then carry the
 * reason of the one that came first.
 */
export function withDeadline(lifetime: Lifetime, initial: number, timers: TimerApi, now: () => number): DeadlineWindow {
  let deadline = initial;
  let timer: unknown;
  const controller = new AbortController();
  allowManyListeners(controller.signal);
  const abort = () => controller.abort();
  if (lifetime.signal.aborted) abort();
  else lifetime.signal.addEventListener('abort', abort, { once: true });
  const arm = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = deadline === Number.POSITIVE_INFINITY ? undefined : timers.setTimeout(abort, Math.max(0, deadline - now()));
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
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      lifetime.signal.removeEventListener('abort', abort);
    },
  };
}
