import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryDelay } from './retry.js';

const NOW = Date.UTC(2026, 2, 19, 4, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1500);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads an HTTP date, never negative', () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
  });

  it('reads the obsolete RFC 850 and asctime date forms too', () => {
    expect(parseRetryAfter('Thursday, 19-Mar-26 04:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu Mar 19 04:00:30 2026', NOW)).toBe(30_000);
  });

  it('ignores absent or malformed values, dates in other forms included (Date.parse would read them as 2001)', () => {
    for (const bad of [null, undefined, '', '-5', 'soon', '12abc', '1e3', 'soon 5', 'Mon 7', '1 Jan', 'x 2099', '2026-03-19T04:00:30Z']) {
      expect(parseRetryAfter(bad, NOW)).toBeUndefined();
    }
  });
});

describe('backoff', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, retryAfterMaxMs: 5000 };

  it('is full jitter under an exponential ceiling capped at maxDelayMs', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.25)).toBe(200);
  });

  it('prefers Retry-After, capped at retryAfterMaxMs', () => {
    expect(retryDelay(0, 2000, options, () => 1)).toBe(2000);
    expect(retryDelay(0, 60_000, options, () => 1)).toBe(5000);
    expect(retryDelay(0, undefined, options, () => 1)).toBe(100);
  });

  it('backs off anyway on Retry-After 0 or a date already past: no burst of retries at a refusing server', () => {
    expect(retryDelay(2, 0, options, () => 1)).toBe(400);
  });
});
