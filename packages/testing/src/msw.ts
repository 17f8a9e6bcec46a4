/**
 * `@x/openai-capi-testing/msw`: the emulator's behaviour as msw request handlers, for unit tests that
 * should not open a port. Same rules, same recording and same faults as `startEmulator`: both
 * run the one request processor. msw (≥ 2) is an optional peer dependency needed only by this entry.
 *
 * @packageDocumentation
 */
import { http, HttpResponse, delay, type HttpHandler } from 'msw';
import type { CapiEmulatorOptions } from './types.js';
import { createState, resolveOptions } from './state.js';
import { type CapiRecorder, createRecorder } from './recorder.js';
import { handleCapiRequest } from './handle-request.js';
import { errorOutcome } from './responses.js';

/** The real Conversions API endpoint, intercepted by default. */
export const OPENAI_CAPI_ENDPOINT = 'https://bzr.openai.com/v1/events';

/** Options of {@link capiHandlers}. */
export interface CapiHandlersOptions extends CapiEmulatorOptions {
  /** Absolute URL to intercept (query ignored; not an msw path pattern), default {@link OPENAI_CAPI_ENDPOINT}. */
  endpoint?: string;
}

/** msw handlers plus what they recorded. */
export interface CapiMock extends CapiRecorder {
  /** Pass to `setupServer(...mock.handlers)` or `server.use(...mock.handlers)`. */
  readonly handlers: HttpHandler[];
  /** The intercepted URL. */
  readonly endpoint: string;
}

/**
 * msw handlers emulating `POST /v1/events` (bearer key, pixel, envelope, all-or-nothing validation
 * with core, `validate_only`, first-wins deduplication, seeded faults; a reset fault is a network
 * error, `HttpResponse.error()`).
 *
 * @example
 * const capi = capiHandlers({ apiKey: 'test-key' });
 * const server = setupServer(...capi.handlers);
 * server.listen();
 * // … run code that posts to https://bzr.openai.com/v1/events, then read capi.events
 */
export function capiHandlers(options: CapiHandlersOptions = {}): CapiMock {
  const resolved = resolveOptions(options, ['endpoint']);
  const state = createState(resolved);
  const endpoint = options.endpoint ?? OPENAI_CAPI_ENDPOINT;
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) throw new RangeError('options.endpoint must be an absolute URL');

  const endpointPath = new URL(endpoint).pathname;
  const handler = http.post(endpoint, async ({ request }) => {
    // msw also matches a trailing slash; the server answers 404 there, and so does this handler.
    if (new URL(request.url).pathname !== endpointPath) {
      const notFound = errorOutcome(404, 'not_found', 'No route (the events endpoint has no trailing slash)');
      return new HttpResponse(notFound.kind === 'response' ? notFound.body : null, { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } });
    }
    const buffer = await request.arrayBuffer();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const outcome = handleCapiRequest(
      {
        method: request.method,
        url: request.url,
        headers,
        // Keep a BOM, as the server does: JSON.parse refuses it there, so it must here too.
        bodyText: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buffer),
        bodyBytes: buffer.byteLength,
      },
      state,
      resolved,
    );
    if (outcome.delayMs > 0) await delay(outcome.delayMs);
    if (outcome.kind === 'reset') return HttpResponse.error();
    return new HttpResponse(outcome.body, { status: outcome.status, headers: outcome.headers });
  });

  return Object.defineProperties(createRecorder(state, resolved), {
    handlers: { value: [handler], enumerable: true },
    endpoint: { value: endpoint, enumerable: true },
  }) as CapiMock;
}

export type { CapiEmulatorOptions, Faults, ReceivedEvent, RecordedRequest, AbsorbedDuplicate, DedupeKey } from './types.js';
export type { CapiRecorder } from './recorder.js';
