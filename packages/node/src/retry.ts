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

// The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850, asctime. Anything
// else is ignored: Date.parse would read "soon 5" as a date in 2001, i.e. "retry now".
const HTTP_DATE = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Parses a `Retry-After` header: delta-seconds (`"120"`, decimals tolerated) or an HTTP date in one
 * of its three standard forms (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns the wait in ms from
 * `now` (never negative), or `undefined` when absent or in any other form.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  // asctime has no zone: it is GMT too.
  const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The wait before the next retry: the server's `Retry-After` (capped at `retryAfterMaxMs`) when it
 * asked for a wait, else the jittered backoff (also for `Retry-After: 0` or a date already past,
 * which would otherwise send every retry at once at a server that is refusing them).
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions & { retryAfterMaxMs: number },
  random: () => number,
): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, options.retryAfterMaxMs);
  return backoffDelay(retry, options, random);
}
