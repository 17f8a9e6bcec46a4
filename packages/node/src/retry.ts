/**
 * Retry timing: exponential backoff with full jitter, and `Retry-After` parsing. Pure functions;
 * the loop that uses them is in `deliver.ts`.
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  initialDelayMs: number;
  /** Cap of any backoff delay, in ms. */
  maxDelayMs: number;
}

/**
 * Full-jitter backoff (AWS architecture blog, "Exponential Backoff And Jitter"): a random delay in
 * [0, min(maxDelayMs, initialDelayMs · 2^retry)], `retry` counting from 0.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(retry, 30));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0.5;
  return Math.floor(unit * ceiling);
}

/**
 * Parses a `Retry-After` header: delta-seconds (`"120"`, decimals tolerated) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns the wait in ms from `now` (never negative), or
 * `undefined` when absent or unparseable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The wait before the next retry: the server's `Retry-After` (capped at `retryAfterMaxMs`) when it
 * sent one, else the jittered backoff.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions & { retryAfterMaxMs: number },
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.retryAfterMaxMs);
  return backoffDelay(retry, options, random);
}
