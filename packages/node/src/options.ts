import { CapiValidationError, isHttpUrl, unknownOptionIssues, validateIntegrationSource, type Hasher, type Issue } from '@x/openai-capi-core';
import { consoleLogger, isLogLevel, type Logger, type LogLevel } from './logger.js';
import { defaultSleep, defaultTimers, type FetchLike, type Sleep, type TimerApi } from './platform.js';
import type { DeliveredHook, ErrorHook } from './report.js';
import { defaultHasher } from './hasher.js';
import { defaultFetch, fetchOfTheMoment } from './default-fetch.js';
import type { EventStore } from './store.js';

/** Default Conversions API endpoint (spec §2). */
export const DEFAULT_ENDPOINT = 'https://bzr.openai.com/v1/events';
/** The `integration_source` this package sends unless told otherwise. */
export const DEFAULT_INTEGRATION_SOURCE = 'x-openai-capi-node';

/** Options of {@link createClient}. Numbers outside their range are clamped (with a warning). */
export interface ClientOptions {
  /** Pixel id (public), sent as `?pid=`. Required. */
  pixelId: string;
  /**
   * Conversions API key (secret), sent as `Authorization: Bearer …`. Required. It is the key made
   * for the Conversions API, not the Advertiser (management) API key. Never logged. It must be a
   * bearer token (letters, digits and `- . _ ~ + /`, then optional `=`): a key with a space, line
   * break or quote in it is refused with a `CapiValidationError`.
   */
  apiKey: string;
  /** Endpoint URL. Default `https://bzr.openai.com/v1/events`; point it at the emulator in tests. */
  endpoint?: string | undefined;
  /**
   * Send every request with `validate_only: true` (validated, not saved). Default: the field is not
   * sent (the API then saves the events). `false` sends `validate_only: false` explicitly.
   */
  validateOnly?: boolean | undefined;
  /**
   * `integration_source` of every request, checked against the spec's rule (1–64 chars of
   * `[A-Za-z0-9._-]`, starting with a letter or digit). Default `x-openai-capi-node`; `false` omits it.
   */
  integrationSource?: string | false | undefined;
  /** Flush when this many events are queued. Default 20; clamped to 1…1000 and ≤ `maxQueueSize`. */
  flushAt?: number | undefined;
  /** Flush this long after the first queued event. Default 5000 ms; clamped to 10 ms…1 h. */
  flushIntervalMs?: number | undefined;
  /**
   * Most events the queue holds; when full, `track` reports the event as dropped (`queue_full`)
   * through `onError` and `enqueue` waits for room. With a `store`, the queue only holds events on
   * their way into the store (which has its own cap). Default 10 000; clamped to 1…1 000 000.
   */
  maxQueueSize?: number | undefined;
  /** Most events per request. Default 1000 (the API's limit); clamped to 1…1000. */
  maxBatchEvents?: number | undefined;
  /** Most bytes per request body (UTF-8). Default 1 MiB (1 048 576); clamped to 1 KiB…10 MiB. */
  maxBatchBytes?: number | undefined;
  /** Timeout of one HTTP attempt, enforced with an `AbortSignal`. Default 10 000 ms; clamped to 10 ms…10 min. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt for 408, 429, 5xx, timeouts and network errors. Default 5; clamped to 0…20. */
  maxRetries?: number | undefined;
  /** Backoff base: attempt n waits a random time in [0, min(max, base·2ⁿ)] (full jitter). Default 500 ms; clamped to 0…60 s. */
  retryInitialDelayMs?: number | undefined;
  /** Backoff cap. Default 30 000 ms; clamped to `retryInitialDelayMs`…5 min. */
  retryMaxDelayMs?: number | undefined;
  /** Longest `Retry-After` honoured (seconds or HTTP date); longer values are cut to this. Default 60 000 ms; clamped to 0…10 min. */
  retryAfterMaxMs?: number | undefined;
  /**
   * Deadline for one batch, attempts and waits included: no retry starts (or waits) past it.
   * Default 120 000 ms; clamped to `timeoutMs`…1 h.
   */
  retryDeadlineMs?: number | undefined;
  /** Default deadline of `shutdown()`. Default 10 000 ms; clamped to 0…10 min. */
  shutdownTimeoutMs?: number | undefined;
  /** Called with each error that cost events (typed reason and ids). Default: none (errors are logged). */
  onError?: ErrorHook | undefined;
  /** Called after each successful request. Default: none. */
  onDelivered?: DeliveredHook | undefined;
  /** Log sink. Default: the global `console`. */
  logger?: Logger | undefined;
  /** Log verbosity. Default `'warn'`. */
  logLevel?: LogLevel | undefined;
  /**
   * `fetch` implementation. Default, decided at each request: on Node, `node:http`/`node:https`
   * through their global agents (keep-alive; less CPU per event than `fetch`), unless `fetch` is
   * configured (the global `fetch` is not Node's own, or undici's global dispatcher is not a plain
   * `new Agent()`): then, as on every other runtime, the global `fetch`. Pass it to choose (your
   * instrumented `fetch`, an undici `fetch` with its own dispatcher).
   */
  fetch?: FetchLike | undefined;
  /** Clock in Unix ms, used for timestamps, the send-time window check and deadlines. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Sleep between retries. Default: unref'd `setTimeout`. */
  sleep?: Sleep | undefined;
  /** Random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: (() => number) | undefined;
  /** Timer used for `flushIntervalMs`. Default: global `setTimeout`, `unref()`'d. */
  timers?: TimerApi | undefined;
  /**
   * SHA-256 used to hash user data in `track`. Default: `node:crypto` when the runtime has it,
   * else core's pure-JS `nobleSha256Hex`.
   */
  hasher?: Hasher | undefined;
  /**
   * Where tracked events wait until the API settled them. Default: an in-memory queue (lost if the
   * process dies). `createFileStore({ directory })` survives a crash or `kill -9` of the process;
   * `createRedisStore({ client })` (from `@x/openai-capi-node/redis`) lets many processes share one
   * queue. On start the client replays what the store holds. See docs/server.md "Durability".
   */
  store?: EventStore | undefined;
  /**
   * Percentage (0–100) of one event type's delivered events with no match key at all above which
   * the client logs one warning line (at most once per type per day, after 20 events of the type;
   * see `stats().coverage`). Default 20; clamped to 0…100.
   */
  noMatchKeyWarnPercent?: number | undefined;
}

/** RFC 6750 `b64token`: what may follow `Bearer ` in an `Authorization` header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Options after defaults and clamping. */
export interface ResolvedOptions {
  pixelId: string;
  apiKey: string;
  url: string;
  validateOnly: boolean | undefined;
  integrationSource: string | undefined;
  flushAt: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  maxBatchEvents: number;
  maxBatchBytes: number;
  timeoutMs: number;
  maxRetries: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  retryAfterMaxMs: number;
  retryDeadlineMs: number;
  shutdownTimeoutMs: number;
  onError: ErrorHook | undefined;
  onDelivered: DeliveredHook | undefined;
  logger: Logger;
  logLevel: LogLevel;
  fetch: FetchLike;
  now: () => number;
  sleep: Sleep;
  random: () => number;
  timers: TimerApi;
  hasher: Hasher;
  store: EventStore | undefined;
  noMatchKeyWarnPercent: number;
}

/** A clamp that happened, reported as a warning once the logger exists. */
export interface Clamped {
  option: string;
  given: number;
  used: number;
}

type NumberKey =
  | 'flushAt' | 'flushIntervalMs' | 'maxQueueSize' | 'maxBatchEvents' | 'maxBatchBytes' | 'timeoutMs'
  | 'maxRetries' | 'retryInitialDelayMs' | 'retryMaxDelayMs' | 'retryAfterMaxMs' | 'retryDeadlineMs'
  | 'shutdownTimeoutMs' | 'noMatchKeyWarnPercent';

const FUNCTION_KEYS = ['onError', 'onDelivered', 'fetch', 'now', 'sleep', 'random', 'hasher'] as const;

// Every option name; typed against ClientOptions, so an option added there must be added here.
const OPTION_NAMES: Record<keyof ClientOptions, true> = {
  pixelId: true, apiKey: true, endpoint: true, validateOnly: true, integrationSource: true,
  flushAt: true, flushIntervalMs: true, maxQueueSize: true, maxBatchEvents: true, maxBatchBytes: true,
  timeoutMs: true, maxRetries: true, retryInitialDelayMs: true, retryMaxDelayMs: true,
  retryAfterMaxMs: true, retryDeadlineMs: true, shutdownTimeoutMs: true, onError: true,
  onDelivered: true, logger: true, logLevel: true, fetch: true, now: true, sleep: true, random: true,
  hasher: true, timers: true, store: true, noMatchKeyWarnPercent: true,
};

/**
 * Applies defaults and clamps numbers. Throws `CapiValidationError` for programmer errors:
 * missing `pixelId`/`apiKey`, a bad endpoint, an invalid `integrationSource`, wrong types.
 */
export function resolveOptions(options: ClientOptions): { options: ResolvedOptions; clamped: Clamped[] } {
  const issues: Issue[] = [];
  const clamped: Clamped[] = [];
  const o = (options ?? {}) as Partial<ClientOptions>;
  issues.push(...unknownOptionIssues(o, OPTION_NAMES, 'createClient'));

  if (typeof o.pixelId !== 'string' || o.pixelId.trim() === '') {
    issues.push({ path: 'pixelId', code: 'required', message: 'pixelId is required (a non-empty string)' });
  }
  if (typeof o.apiKey !== 'string' || o.apiKey.trim() === '') {
    issues.push({
      path: 'apiKey',
      code: 'required',
      message: 'apiKey is required: the Conversions API key (not the Advertiser API key)',
    });
  } else if (!BEARER_TOKEN.test(o.apiKey)) {
    // Never quote the value: it is a secret. A stray newline, space or quote copied with the key
    // would otherwise surface as a network error on every attempt (an invalid header value).
    issues.push({
      path: 'apiKey',
      code: 'invalid_format',
      message:
        'apiKey must be a bearer token (letters, digits and - . _ ~ + /, then optional = padding): ' +
        'check for spaces, a line break or quotes copied with it, and trim it when you load it',
    });
  }
  const endpoint = o.endpoint ?? DEFAULT_ENDPOINT;
  if (typeof endpoint !== 'string' || !isHttpUrl(endpoint)) {
    issues.push({ path: 'endpoint', code: 'invalid_url', message: 'endpoint must be an absolute http(s) URL' });
  }
  if (o.validateOnly !== undefined && typeof o.validateOnly !== 'boolean') {
    issues.push({ path: 'validateOnly', code: 'not_boolean', message: 'validateOnly must be a boolean' });
  }
  let integrationSource: string | undefined = DEFAULT_INTEGRATION_SOURCE;
  if (o.integrationSource === false) integrationSource = undefined;
  else if (o.integrationSource !== undefined) {
    for (const issue of validateIntegrationSource(o.integrationSource)) {
      issues.push({ ...issue, path: 'integrationSource' });
    }
    integrationSource = o.integrationSource;
  }
  if (o.logLevel !== undefined && !isLogLevel(o.logLevel)) {
    issues.push({ path: 'logLevel', code: 'invalid_enum', message: "logLevel must be 'off', 'error', 'warn', 'info' or 'debug'" });
  }
  for (const key of FUNCTION_KEYS) {
    if (o[key] !== undefined && typeof o[key] !== 'function') {
      issues.push({ path: key, code: 'not_function', message: `${key} must be a function` });
    }
  }
  if (o.timers !== undefined && !hasMethods(o.timers, ['setTimeout', 'clearTimeout'])) {
    issues.push({ path: 'timers', code: 'invalid_timers', message: 'timers must have setTimeout and clearTimeout methods' });
  }
  if (o.store !== undefined && !hasMethods(o.store, ['open', 'append', 'load', 'markDelivered', 'markRejected', 'release', 'close'])) {
    issues.push({
      path: 'store',
      code: 'invalid_store',
      message: 'store must be an EventStore (open, append, load, markDelivered, markRejected, release, close): use createFileStore or createRedisStore',
    });
  }
  if (o.logger !== undefined && !isLogger(o.logger)) {
    issues.push({ path: 'logger', code: 'invalid_logger', message: 'logger must have error, warn, info and debug methods' });
  }
  const fetchImpl = o.fetch ?? (defaultFetch() === undefined ? undefined : fetchOfTheMoment);
  if (typeof fetchImpl !== 'function') {
    issues.push({ path: 'fetch', code: 'required', message: 'no global fetch in this runtime: pass the fetch option' });
  }

  const num = (key: NumberKey, fallback: number, min: number, max: number): number => {
    const given = o[key];
    if (given === undefined) return fallback;
    if (typeof given !== 'number') {
      issues.push({ path: key, code: 'not_number', message: `${key} must be a number` });
      return fallback;
    }
    const used = Number.isNaN(given) ? fallback : Math.min(max, Math.max(min, Math.floor(given)));
    if (used !== given) clamped.push({ option: key, given, used });
    return used;
  };

  // Every number is read before the check below, so a wrong type anywhere is reported, not defaulted.
  const maxQueueSize = num('maxQueueSize', 10_000, 1, 1_000_000);
  const flushAt = Math.min(num('flushAt', 20, 1, 1000), maxQueueSize);
  const flushIntervalMs = num('flushIntervalMs', 5000, 10, 3_600_000);
  const maxBatchEvents = num('maxBatchEvents', 1000, 1, 1000);
  const maxBatchBytes = num('maxBatchBytes', 1_048_576, 1024, 10 * 1_048_576);
  const timeoutMs = num('timeoutMs', 10_000, 10, 600_000);
  const maxRetries = num('maxRetries', 5, 0, 20);
  const retryInitialDelayMs = num('retryInitialDelayMs', 500, 0, 60_000);
  const retryMaxDelayMs = num('retryMaxDelayMs', 30_000, retryInitialDelayMs, 300_000);
  const retryAfterMaxMs = num('retryAfterMaxMs', 60_000, 0, 600_000);
  const retryDeadlineMs = num('retryDeadlineMs', 120_000, timeoutMs, 3_600_000);
  const shutdownTimeoutMs = num('shutdownTimeoutMs', 10_000, 0, 600_000);
  const noMatchKeyWarnPercent = num('noMatchKeyWarnPercent', 20, 0, 100);

  if (issues.length > 0) throw new CapiValidationError(issues, `Invalid createClient options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);

  return {
    clamped,
    options: {
      pixelId: o.pixelId as string,
      apiKey: o.apiKey as string,
      url: endpointUrl(endpoint, o.pixelId as string),
      validateOnly: o.validateOnly,
      integrationSource,
      flushAt,
      flushIntervalMs,
      maxQueueSize,
      maxBatchEvents,
      maxBatchBytes,
      timeoutMs,
      maxRetries,
      retryInitialDelayMs,
      retryMaxDelayMs,
      retryAfterMaxMs,
      retryDeadlineMs,
      shutdownTimeoutMs,
      onError: o.onError,
      onDelivered: o.onDelivered,
      logger: o.logger ?? consoleLogger,
      logLevel: o.logLevel ?? 'warn',
      fetch: fetchImpl as FetchLike,
      now: o.now ?? Date.now,
      sleep: o.sleep ?? defaultSleep,
      random: o.random ?? Math.random,
      timers: o.timers ?? defaultTimers,
      hasher: o.hasher ?? defaultHasher(),
      store: o.store,
      noMatchKeyWarnPercent,
    },
  };
}

/** `endpoint?pid=<encoded pixel id>` (or `&pid=` when the endpoint already has a query). */
export function endpointUrl(endpoint: string, pixelId: string): string {
  const [base, hash] = splitOnce(endpoint, '#');
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}pid=${encodeURIComponent(pixelId)}${hash === undefined ? '' : `#${hash}`}`;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return methods.every((m) => typeof o[m] === 'function');
}

function isLogger(value: unknown): value is Logger {
  return hasMethods(value, ['error', 'warn', 'info', 'debug']);
}
