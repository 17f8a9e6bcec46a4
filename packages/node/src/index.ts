/**
 * `@x/openai-capi-node`: the server side of openai-capi. A batching, retrying Conversions API client
 * (`createClient`, with an optional durable store: `createFileStore`), request attribution helpers (`readAttribution`) and a relay for browser events
 * (`createRelayHandler`, `toNodeHandler`). The sending path uses only Fetch, so it runs on Node ≥ 20,
 * Bun, Deno and edge runtimes.
 *
 * @packageDocumentation
 */
export {
  createClient,
  type CapiClient,
  type ClientStats,
  type FlushOptions,
  type SendOptions,
  type TrackOptions,
  type ShutdownOptions,
  type ShutdownSignal,
  type SignalOptions,
} from './client.js';
export { createFileStore, type FileStoreOptions } from './file-store.js';
export { readLedger, createLedger, LEDGER_FOLDER, type DeliveryLedger, type LedgerOptions, type LedgerRead } from './ledger.js';
export { ledgerEntryOf, parseLedgerLine, type LedgerEntry, type DeliverySource } from './ledger-format.js';
export type { TypeCoverage } from './coverage.js';
export type { Durability } from './journal-writer.js';
export { CapiStoreError, type EventStore, type StoredEvent, type StoreOpened, type StoreProblem } from './store.js';
export { DEFAULT_ENDPOINT, DEFAULT_INTEGRATION_SOURCE, type ClientOptions } from './options.js';
export type {
  DropReason,
  RejectedEvent,
  DuplicateEvent,
  WarnedEvent,
  SendReport,
  ErrorContext,
  ErrorHook,
  DeliveredInfo,
  DeliveredHook,
} from './report.js';
export type { Logger, LogLevel, LogContext } from './logger.js';
export type { FetchLike, ResponseLike, Sleep, TimerApi } from './platform.js';
export { parseRetryAfter, backoffDelay, type BackoffOptions } from './retry.js';
export { nodeCryptoHasher } from './hasher.js';
export {
  CapiError,
  CapiValidationError,
  CapiApiError,
  CapiConnectionError,
  CapiTimeoutError,
} from '@x/openai-capi-core';
export {
  readAttribution,
  clientIp,
  OPPREF_COOKIE,
  OBREF_COOKIE,
  type Attribution,
  type AttributionOptions,
  type OpprefCookieOptions,
  type OpprefSource,
  type TrustProxy,
} from './attribution.js';
export { parseCookies, serializeCookie, type CookieAttributes } from './cookies.js';
export type { NodeRequestLike, AnyRequest } from './request-like.js';
export {
  createRelayHandler,
  type RelayClient,
  type RelayOptions,
  type RelayHandler,
  type RelayContext,
  type RelayRejection,
  type GpcPolicy,
  type QueueShareOptions,
} from './relay.js';
export { RELAY_WIRE_VERSION } from './relay-body.js';
export { createRateLimiter, type RateLimitOptions, type RateLimiter, type RateDecision } from './rate-limit.js';
export {
  toNodeHandler,
  toFetchRequest,
  type NodeHandler,
  type NodeIncomingMessageLike,
  type NodeServerResponseLike,
} from './node-handler.js';
