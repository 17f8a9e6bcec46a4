import type { AbsorbedDuplicate, CapiEmulatorOptions, Clock, Faults, ReceivedEvent, RecordedRequest } from './types.js';
import { type ResolvedFaults, NO_FAULTS, resolveFaults } from './faults.js';
import { type Random, mulberry32 } from './prng.js';
import { assertKnownKeys } from './known-keys.js';

/**
 * Default body cap: 1 MiB (the clients' default batch cap) plus 64 KiB of headroom for the envelope,
 * so a client batching right up to its own cap is never refused.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;

/** Default number of requests kept in `requests` (each holds its parsed body). */
export const DEFAULT_MAX_RECORDED_REQUESTS = 1000;

/**
 * Bytes of request bodies `requests` keeps parsed: beyond it, the oldest lose their `body` (the rest
 * of the record stays). 1000 refused 1 MiB bodies would otherwise hold over a gigabyte.
 */
export const RECORDED_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

/** Default fault seed. */
export const DEFAULT_SEED = 1;

/** Options with every value checked and defaulted. */
export interface ResolvedOptions {
  apiKey: string | undefined;
  pixelIds: ReadonlySet<string> | undefined;
  now: () => number;
  maxBodyBytes: number;
  faults: ResolvedFaults;
  seed: number;
  maxRecordedRequests: number;
}

function toClock(now: Clock | undefined): () => number {
  if (now === undefined) return Date.now;
  if (typeof now === 'function') return now;
  if (!Number.isFinite(now)) throw new RangeError('options.now must be a finite number of Unix ms or a function');
  return () => now;
}

// The fields of CapiEmulatorOptions; typed against it, so an option added there must be added here.
const OPTION_NAMES: Record<keyof CapiEmulatorOptions, true> = {
  apiKey: true, pixelIds: true, now: true, maxBodyBytes: true, faults: true, seed: true, maxRecordedRequests: true,
};

/**
 * Checks and defaults the options shared by the emulator and the msw handlers (`ownKeys`: the
 * caller's own options, e.g. `port` and `host`). Throws a `RangeError` naming a bad or unknown
 * option: ignored, a misspelt `pixelId` would silently accept every pixel.
 */
export function resolveOptions(options: CapiEmulatorOptions = {}, ownKeys: readonly string[] = []): ResolvedOptions {
  assertKnownKeys(options, [...Object.keys(OPTION_NAMES), ...ownKeys], 'options', 'an option');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError('options.maxBodyBytes must be a positive integer');
  }
  const seed = options.seed ?? options.faults?.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new RangeError('options.seed must be an integer');
  const maxRecordedRequests = options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS;
  if (!Number.isInteger(maxRecordedRequests) || maxRecordedRequests < 0) {
    throw new RangeError('options.maxRecordedRequests must be an integer ≥ 0');
  }
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey.length === 0)) {
    throw new RangeError('options.apiKey must be a non-empty string (omit it to accept any key)');
  }
  // No `Authorization: Bearer …` header can carry whitespace in the key: it would refuse every request.
  if (typeof options.apiKey === 'string' && /\s/.test(options.apiKey)) {
    throw new RangeError('options.apiKey must not contain whitespace (no bearer token can)');
  }
  const { pixelIds } = options;
  // A bare string would become a set of its characters: every real pixel id answered 404.
  if (pixelIds !== undefined && (!Array.isArray(pixelIds) || !pixelIds.every((id) => typeof id === 'string' && id !== ''))) {
    throw new RangeError('options.pixelIds must be an array of non-empty strings (omit it to accept any pixel id)');
  }
  return {
    apiKey: options.apiKey,
    pixelIds: options.pixelIds ? new Set(options.pixelIds) : undefined,
    now: toClock(options.now),
    maxBodyBytes,
    faults: options.faults ? resolveFaults(options.faults) : NO_FAULTS,
    seed,
    maxRecordedRequests,
  };
}

/** Everything the emulator remembers. Mutated in place so references handed out stay live. */
export interface EmulatorState {
  readonly events: ReceivedEvent[];
  readonly requests: RecordedRequest[];
  readonly duplicates: AbsorbedDuplicate[];
  /** Dedupe key → request id of the first copy. */
  readonly firstSeen: Map<string, string>;
  faults: ResolvedFaults;
  random: Random;
  /** Requests answered since the start or the last reset (`requests` keeps only the latest). */
  requestCounter: number;
  /** How many of the latest requests `requests` keeps. */
  readonly maxRecordedRequests: number;
  /** Bumped on every change; lets the live page skip redraws. */
  version: number;
  /** Body bytes of the requests in `requests` that still hold their `body`, oldest first. */
  readonly recordedBodies: Array<{ request: RecordedRequest; bytes: number }>;
}

/** A fresh state for `options`. */
export function createState(options: ResolvedOptions): EmulatorState {
  return {
    events: [],
    requests: [],
    duplicates: [],
    firstSeen: new Map(),
    faults: options.faults,
    random: mulberry32(options.seed),
    requestCounter: 0,
    maxRecordedRequests: options.maxRecordedRequests,
    version: 0,
    recordedBodies: [],
  };
}

/** Forgets every event, request and duplicate, and restores the faults and seed of `options`. */
export function resetState(state: EmulatorState, options: ResolvedOptions): void {
  state.events.length = 0;
  state.requests.length = 0;
  state.recordedBodies.length = 0;
  state.duplicates.length = 0;
  state.firstSeen.clear();
  state.faults = options.faults;
  state.random = mulberry32(options.seed);
  state.requestCounter = 0;
  state.version += 1;
}

/** Replaces the fault configuration (`{}` clears it); a `seed` restarts the PRNG. */
export function applyFaults(state: EmulatorState, faults: Faults): void {
  state.faults = resolveFaults(faults);
  if (faults.seed !== undefined) state.random = mulberry32(faults.seed);
  state.version += 1;
}
