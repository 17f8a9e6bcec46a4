/**
 * The few platform services the client uses, as injectable minimal types. The sending path needs
 * only Fetch, `AbortController` and timers, so it runs on Node ≥ 20, Bun, Deno and edge runtimes.
 */

import { builtinIfAny } from './node-builtins.js';

/** The subset of a Fetch `Response` the transport reads. */
export interface ResponseLike {
  /** HTTP status. */
  readonly status: number;
  /** Response headers; only `get` is used (`retry-after`, `x-request-id`). */
  readonly headers: {
    /** The header's value, or `null` when absent. */
    get(name: string): string | null;
  };
  /** Reads the body as text. */
  text(): Promise<string>;
}

/** The subset of `fetch` the transport calls. The global `fetch` satisfies it. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<ResponseLike>;

/** Waits `ms` milliseconds; rejects or resolves early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Schedules and cancels the flush timer (default: global `setTimeout`, `unref()`'d). */
export interface TimerApi {
  /** Schedules `callback` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer scheduled with `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

type Unrefable = { unref?: () => void };

/** `setTimeout` whose handle never keeps the process alive (Node/Bun `unref`, no-op elsewhere). */
export function unrefTimeout(callback: () => void, ms: number): unknown {
  const handle = setTimeout(callback, ms) as unknown as Unrefable;
  if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
  return handle;
}

/** Default timers: global `setTimeout`/`clearTimeout`, `unref()`'d. */
export const defaultTimers: TimerApi = {
  setTimeout: unrefTimeout,
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

/** Default sleep on unref'd timers; resolves early (never rejects) when `signal` aborts. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
      resolve();
    };
    const handle = unrefTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Keeps the process alive until `promise` settles, with one ref'd timer (a no-op where timers do
 * not hold a process). An awaited `flush()` or `send()` must not be cut short by a process with
 * nothing else to do while it waits to retry: those waits are `unref()`'d, so that an idle client
 * never keeps a process alive.
 */
export function holdOpenUntil<T>(promise: Promise<T>): Promise<T> {
  const handle = setInterval(() => {}, 2 ** 30);
  // The promise returned is the derived one: a rejection nobody handles is still reported as such.
  return promise.finally(() => clearInterval(handle));
}

/**
 * Lifts Node's "possible EventTarget memory leak" warning (11+ listeners) for `signal`, which every
 * request in flight listens to: 20 concurrent `send()` calls are not a leak. Through
 * `process.getBuiltinModule`, so nothing here imports a Node-only module; elsewhere a no-op.
 */
export function allowManyListeners(signal: AbortSignal): void {
  const events = builtinIfAny('events') as { setMaxListeners?: (n: number, ...targets: EventTarget[]) => void } | undefined;
  try {
    events?.setMaxListeners?.(0, signal);
  } catch {
    // a runtime whose node:events does not take an AbortSignal: nothing warns there either
  }
}

