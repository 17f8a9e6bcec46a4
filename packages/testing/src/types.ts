import type { WireEvent } from '@x/openai-capi-core';

/** A clock: a fixed Unix ms, or a function returning the current Unix ms. */
export type Clock = number | (() => number);

/**
 * Faults the emulator injects into `POST /v1/events`, for tests and demos of retry logic.
 * Rates are probabilities in `[0, 1]`, drawn from a seeded PRNG so a run is reproducible.
 */
export interface Faults {
  /** Probability that a request's connection is reset (destroyed) before any answer. */
  resetRate?: number;
  /** Probability of a 5xx answer (status from `status5xx`). */
  status5xxRate?: number;
  /** Status used by the 5xx fault (500–599, default 503). */
  status5xx?: number;
  /** Probability of a 429 answer with `Retry-After`. */
  rateLimitRate?: number;
  /** `Retry-After` seconds sent with a 429 fault (default 1). */
  retryAfterS?: number;
  /**
   * Delay before every answer of the events endpoint, in ms (default 0). The request is processed
   * first, then the answer waits: a client that times out and retries sends duplicates, as it would
   * against the real API.
   */
  latencyMs?: number;
  /**
   * Probability that an answer waits `latencySpikeMs` more than `latencyMs` (default 0). Like
   * `latencyMs`, the request is processed first: a spike past the client's timeout makes it retry
   * a batch that already landed, and the copy is absorbed by deduplication.
   */
  latencySpikeRate?: number;
  /** Extra delay of a latency spike, in ms (default 0). */
  latencySpikeMs?: number;
  /** Reseeds the PRNG (default: keep the current sequence). */
  seed?: number;
}

/** Options shared by {@link startEmulator} and `capiHandlers`. */
export interface CapiEmulatorOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; otherwise any bearer key passes. */
  apiKey?: string;
  /** When set, a `pid` outside this list is answered 404. */
  pixelIds?: readonly string[];
  /** Clock for the timestamp window of validation and for `receivedAt` (default `Date.now`). */
  now?: Clock;
  /** Largest accepted request body in bytes (default {@link DEFAULT_MAX_BODY_BYTES}); larger is 413. */
  maxBodyBytes?: number;
  /** Initial faults (default none). */
  faults?: Faults;
  /** PRNG seed for faults (default 1). */
  seed?: number;
  /**
   * How many of the latest requests `requests` keeps (default {@link DEFAULT_MAX_RECORDED_REQUESTS});
   * older ones are forgotten so a long-running emulator does not grow without bound. Events and
   * duplicates are always all kept.
   */
  maxRecordedRequests?: number;
}

/** One accepted, deduplicated event, with where and when it arrived. */
export interface ReceivedEvent {
  /** The wire event exactly as validated. */
  event: WireEvent;
  /** The `pid` of the request. */
  pixelId: string;
  /** The request's `integration_source`, lowercased as the API does. */
  integrationSource: string | undefined;
  /** Unix ms, from the emulator's clock. */
  receivedAt: number;
  /** The `x-request-id` of the request that delivered it. */
  requestId: string;
}

/** The deduplication key of §7: pixel, name (type, or custom name for custom events), id. */
export interface DedupeKey {
  /** The request's pixel id (`pid`). */
  pixelId: string;
  /** The event type, or the custom event name for custom events. */
  name: string;
  /** The event id. */
  id: string;
}

/** A later copy of an already received event, absorbed by deduplication (first wins). */
export interface AbsorbedDuplicate {
  /** The dedupe key the copy shared with the kept event. */
  key: DedupeKey;
  /** The absorbed (ignored) event. */
  event: WireEvent;
  /** `integration_source` of the request that carried the copy. */
  integrationSource: string | undefined;
  /** Unix ms the copy arrived, from the emulator's clock. */
  receivedAt: number;
  /** Request that carried the absorbed copy. */
  requestId: string;
  /** Request that delivered the first copy, the one kept. */
  firstRequestId: string;
}

/** The fault that decided a request's fate, if any. */
export type FaultKind = 'reset' | 'status5xx' | 'rateLimit';

/** One request to the events endpoint, as the emulator saw it. */
export interface RecordedRequest {
  /** The `x-request-id` the emulator answered with. */
  requestId: string;
  /** HTTP method, uppercase. */
  method: string;
  /** Path and query of the request. */
  url: string;
  /** The `pid` query parameter, when present. */
  pixelId: string | undefined;
  /** Status answered; `0` when the connection was reset. */
  status: number;
  /** Number of events in the body (0 when unparsable). */
  eventCount: number;
  /** True when the body asked for `validate_only`. */
  validateOnly: boolean;
  /** The body's `integration_source`, lowercased. */
  integrationSource: string | undefined;
  /** Request headers, lowercased names; the `authorization` value is redacted. */
  headers: Record<string, string>;
  /**
   * The parsed JSON body, when it parsed. Only the latest 16 MiB of bodies are kept: an older
   * request's `body` is `undefined` again (the rest of its record stays).
   */
  body: unknown;
  /** The injected fault that decided the answer, if any. */
  fault: FaultKind | undefined;
  /** Unix ms of arrival, from the emulator's clock. */
  receivedAt: number;
}

/** One issue of a 400 answer: the event index (absent for envelope issues) and the body path. */
export interface ResponseIssue {
  /** Index of the event in `events`; absent for envelope issues. */
  index?: number;
  /** Path from the request body root, e.g. `events[2].data.amount` or `validate_only`. */
  path: string;
  /** Stable code of the broken rule (core's issue codes). */
  code: string;
  /** The rule in words. */
  message: string;
}

/** Body of a 200 answer (invented: the real API's success body is undocumented). */
export interface AcceptedBody {
  /** Events in the batch, all valid. */
  received: number;
  /** How many of them were duplicates of events already received (absorbed, first wins). */
  duplicates: number;
  /** True when the request asked for validation only (nothing stored). */
  validate_only: boolean;
}

/** One problem in an error body's `errors` list (spec §7b). */
export interface ErrorEntry {
  /** The problem in words (prefixed with its path when it has one). */
  message: string;
  /** The field (`events[2].timestamp_ms`, `pid`), or `null`. */
  param: string | null;
  /** Machine-readable code of the problem. */
  code: string;
}

/** Body of every error answer. */
export interface ErrorBody {
  /** What went wrong, in the shape recorded from the live API (spec §7b). */
  error: {
    /** Human-readable explanation (`403: unknown pid` for an unknown pixel, as the live API says). */
    message: string;
    /** `invalid_request_error` for every 4xx, `rate_limit_error` for 429, `server_error` for 5xx. */
    type: 'invalid_request_error' | 'rate_limit_error' | 'server_error';
    /** The field of the first problem (`events[0].timestamp_ms`, `pid`), or `null`. */
    param: string | null;
    /**
     * Machine-readable code of the first problem: core's issue codes for invalid events,
     * `event_timestamp_too_old` / `event_timestamp_too_new` (422), `invalid_api_key` (401),
     * `unknown_pid` (403), `missing_pid`, `invalid_json`…
     */
    code: string;
    /** Every problem, one entry each, as the live API lists them. */
    errors: ErrorEntry[];
    /** The emulator's own detail (an extra field): every problem with the event index and path. */
    issues?: ResponseIssue[];
  };
}
