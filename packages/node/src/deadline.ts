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

/**
 * The client's whole lifetime: no deadline until `shutdown()` sets one, over when `end()` is called.
 * Plain JS, not an AbortController: on Cloudflare Workers an AbortSignal belongs to the request that
 * made it, and a client reused by a later request must not touch it ("Cannot perform I/O on behalf
 * of a different request"). Each flush or send makes its own signal ({@link withDeadline}) in the
 * request that runs it, and links it here.
 */
export interface ClientLifetime {
  /** Clock ms of shutdown's deadline (infinite before `shutdown()`). */
  deadline: number;
  /** True once `end()` was called. */
  readonly ended: boolean;
  /** Calls `listener` at `end()` (at once when already ended); returns the unlink. */
  onEnd(listener: () => void): () => void;
  /** Ends the lifetime: every linked window aborts. */
  end(): void;
}

/** A fresh {@link ClientLifetime}. */
export function createLifetime(): ClientLifetime {
  const listeners = new Set<() => void>();
  let ended = false;
  return {
    deadline: Number.POSITIVE_INFINITY,
    get ended() {
      return ended;
    },
    onEnd(listener) {
      if (ended) {
        listener();
        return () => {};
      }
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    end() {
      ended = true;
      for (const listener of [...listeners]) listener();
      listeners.clear();
    },
  };
}

/**
 * The client's lifetime narrowed to one flush's deadline (which `tighten` can bring forward): over
 * at that deadline or at shutdown's, whichever comes first; undelivered events then carry the
 * reason of the one that came first.
 */
export function withDeadline(lifetime: ClientLifetime, initial: number, timers: TimerApi, now: () => number): DeadlineWindow {
  let deadline = initial;
  let timer: unknown;
  const controller = new AbortController();
  allowManyListeners(controller.signal);
  const abort = () => controller.abort();
  const unlink = lifetime.onEnd(abort);
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
      unlink();
    },
  };
}
