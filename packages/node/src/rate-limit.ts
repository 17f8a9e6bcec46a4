/** Options of the relay's per-IP rate limit. */
export interface RateLimitOptions {
  /** Requests allowed per window and per client IP (also the burst size). Default 60. */
  limit?: number | undefined;
  /** Window length in ms; tokens refill evenly over it. Default 60 000. */
  windowMs?: number | undefined;
  /** Most client IPs tracked at once; the least recently seen are forgotten first. Default 10 000. */
  maxKeys?: number | undefined;
}

/** Decision for one request. */
export interface RateDecision {
  /** True when the request may proceed. */
  allowed: boolean;
  /** When refused: ms until one request is allowed again. */
  retryAfterMs: number;
}

/** A per-key token bucket. */
export interface RateLimiter {
  /** Takes one token for `key` (the client IP) and says whether the request may proceed. */
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token bucket per key (client IP): `limit` tokens, refilled at `limit / windowMs` per ms. Memory
 * is bounded by `maxKeys` (least recently seen keys are evicted first).
 */
export function createRateLimiter(options: RateLimitOptions, now: () => number): RateLimiter {
  const limit = clamp(options.limit, 60, 1, 1_000_000);
  const windowMs = clamp(options.windowMs, 60_000, 1, 86_400_000);
  const maxKeys = clamp(options.maxKeys, 10_000, 1, 10_000_000);
  const perMs = limit / windowMs;
  const buckets = new Map<string, Bucket>();

  return {
    take(key) {
      const t = now();
      const previous = buckets.get(key);
      const bucket: Bucket = previous
        ? { tokens: Math.min(limit, previous.tokens + Math.max(0, t - previous.updated) * perMs), updated: t }
        : { tokens: limit, updated: t };
      // Re-insert so the Map's order is least-recently-seen first.
      buckets.delete(key);
      buckets.set(key, bucket);
      while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterMs: 0 };
      }
      return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
  };
}

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
