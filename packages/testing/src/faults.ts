import { assertKnownKeys } from './known-keys.js';
import type { FaultKind, Faults } from './types.js';
import type { Random } from './prng.js';

/** Faults with every value checked and defaulted. */
export interface ResolvedFaults {
  resetRate: number;
  status5xxRate: number;
  status5xx: number;
  rateLimitRate: number;
  retryAfterS: number;
  latencyMs: number;
  latencySpikeRate: number;
  latencySpikeMs: number;
}

/** No fault at all. */
export const NO_FAULTS: ResolvedFaults = {
  resetRate: 0,
  status5xxRate: 0,
  status5xx: 503,
  rateLimitRate: 0,
  retryAfterS: 1,
  latencyMs: 0,
  latencySpikeRate: 0,
  latencySpikeMs: 0,
};

function rate(faults: Faults, name: 'resetRate' | 'status5xxRate' | 'rateLimitRate' | 'latencySpikeRate'): number {
  const value = faults[name] ?? 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`faults.${name} must be a number between 0 and 1`);
  }
  return value;
}

function nonNegative(faults: Faults, name: 'retryAfterS' | 'latencyMs' | 'latencySpikeMs', fallback: number): number {
  const value = faults[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`faults.${name} must be a finite number ≥ 0`);
  }
  return value;
}

// The fields of Faults; typed against it, so a fault added there must be added here.
const FAULT_NAMES: Record<keyof Faults, true> = {
  resetRate: true, status5xxRate: true, status5xx: true, rateLimitRate: true, retryAfterS: true,
  latencyMs: true, latencySpikeRate: true, latencySpikeMs: true, seed: true,
};

/**
 * Checks and defaults a fault configuration; throws `RangeError` naming the bad field. An unknown
 * field (a misspelt `status500Rate`) is an error too: ignored, it would leave a test of retries
 * running without the fault it means to inject.
 */
export function resolveFaults(faults: Faults): ResolvedFaults {
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) throw new RangeError('faults must be an object');
  assertKnownKeys(faults, Object.keys(FAULT_NAMES), 'faults', 'a fault');
  const status5xx = faults.status5xx ?? NO_FAULTS.status5xx;
  if (!Number.isInteger(status5xx) || status5xx < 500 || status5xx > 599) {
    throw new RangeError('faults.status5xx must be an integer between 500 and 599');
  }
  if (faults.seed !== undefined && !Number.isInteger(faults.seed)) {
    throw new RangeError('faults.seed must be an integer');
  }
  // Retry-After is delta-seconds: a whole number (RFC 9110); "1.5" would test a header no strict client reads.
  if (faults.retryAfterS !== undefined && !Number.isSafeInteger(faults.retryAfterS)) {
    throw new RangeError('faults.retryAfterS must be a whole number of seconds ≥ 0');
  }
  // Timers overflow past 2^31 - 1 ms (Node answers at once, msw's delay throws).
  if ((faults.latencyMs ?? 0) + (faults.latencySpikeMs ?? 0) > 2_147_483_647) {
    throw new RangeError('faults.latencyMs + faults.latencySpikeMs must be at most 2147483647 ms');
  }
  return {
    resetRate: rate(faults, 'resetRate'),
    status5xxRate: rate(faults, 'status5xxRate'),
    status5xx,
    rateLimitRate: rate(faults, 'rateLimitRate'),
    retryAfterS: nonNegative(faults, 'retryAfterS', NO_FAULTS.retryAfterS),
    latencyMs: nonNegative(faults, 'latencyMs', NO_FAULTS.latencyMs),
    latencySpikeRate: rate(faults, 'latencySpikeRate'),
    latencySpikeMs: nonNegative(faults, 'latencySpikeMs', NO_FAULTS.latencySpikeMs),
  };
}

/**
 * Draws the fault of one request. Always draws exactly three numbers, whatever the rates, so the
 * sequence of a seed does not shift when a rate changes from 0 to something else. The faults are
 * checked in order (reset, then 5xx, then 429): a later one applies only when the earlier did not
 * fire, so with every rate at 0.3 about 30 % of requests are reset, 21 % answer 5xx, 15 % answer 429.
 */
export function drawFault(faults: ResolvedFaults, random: Random): FaultKind | undefined {
  const reset = random() < faults.resetRate;
  const status5xx = random() < faults.status5xxRate;
  const rateLimit = random() < faults.rateLimitRate;
  if (reset) return 'reset';
  if (status5xx) return 'status5xx';
  if (rateLimit) return 'rateLimit';
  return undefined;
}

/**
 * The answer delay of one request: `latencyMs`, plus `latencySpikeMs` when the spike draw hits.
 * Always draws exactly one number (after {@link drawFault}), whatever the rate, for the same reason.
 */
export function drawLatency(faults: ResolvedFaults, random: Random): number {
  const spike = random() < faults.latencySpikeRate;
  return faults.latencyMs + (spike ? faults.latencySpikeMs : 0);
}
