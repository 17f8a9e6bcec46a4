/**
 * `@x/openai-capi-testing`: a local emulator of the OpenAI Ads Conversions API for tests and demos.
 * `startEmulator()` runs a real HTTP server on loopback with a live page of received events; the msw
 * variant lives in `@x/openai-capi-testing/msw` so this entry never needs msw. The emulator also
 * stands in for OpenAI's pixel: it serves a pixel script of its own at `/sdk/oaiq.min.js` (give
 * `emulator.url + PIXEL_SCRIPT_PATH` to the tracker's `pixelScriptUrl`) that posts to its
 * `/v1/sdk/events`, deduplicated with the server's events.
 *
 * Success bodies are invented (the real API's are undocumented): 200 `{ received, duplicates,
 * validate_only }`; errors are `{ error: { type, message, issues? } }`.
 *
 * @packageDocumentation
 */
export { startEmulator, type Emulator, type EmulatorOptions } from './server.js';
export type { CapiRecorder } from './recorder.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECORDED_REQUESTS, DEFAULT_SEED } from './state.js';
export { INTEGRATION_SOURCES, sourceOf, type EventSource } from './sources.js';
export { dedupeKeyOf } from './dedupe.js';
export { coverageOf, type EmulatorTypeCoverage } from './coverage.js';
export { PIXEL_EVENTS_PATH, PIXEL_SCRIPT_PATH, PIXEL_SCRIPT_VERSION, PIXEL_SOURCE_TAG } from './pixel-script.js';
export { mulberry32, type Random } from './prng.js';
export type {
  AbsorbedDuplicate,
  AcceptedBody,
  CapiEmulatorOptions,
  Clock,
  DedupeKey,
  ErrorBody,
  ErrorEntry,
  FaultKind,
  Faults,
  ReceivedEvent,
  RecordedRequest,
  ResponseIssue,
} from './types.js';
