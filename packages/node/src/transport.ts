import { CapiApiError, CapiConnectionError, CapiTimeoutError, type CapiError } from '@x/openai-capi-core';
import { unrefTimeout, type FetchLike } from './platform.js';
import { redact } from './logger.js';
import { parseRetryAfter } from './retry.js';

/** What one HTTP attempt came to. A value, never an exception. */
export type AttemptResult =
  | { kind: 'ok'; status: number; requestId: string | undefined }
  | {
      kind: 'retryable';
      reason: 'api' | 'network' | 'timeout';
      error: CapiError;
      status?: number;
      body?: unknown;
      retryAfterMs?: number;
    }
  /** No retry can help: 401/403 (`auth`), 403 `unknown pid` (`config`) or another 4xx (`api`). */
  | { kind: 'fatal'; reason: 'auth' | 'config' | 'api'; error: CapiApiError; status: number; body: unknown }
  /** The batch as a whole was refused (413 `too_large`, 400/422 `api`): smaller batches may pass. */
  | { kind: 'split'; reason: 'too_large' | 'api'; error: CapiApiError; status: number; body: unknown }
  /** The caller's deadline signal fired: stop, do not retry. */
  | { kind: 'aborted' };

/** Everything one attempt needs. */
export interface TransportContext {
  url: string;
  apiKey: string;
  pixelId: string;
  fetch: FetchLike;
  timeoutMs: number;
  now: () => number;
}

const MAX_BODY_CHARS = 8192;

/**
 * Sends one request with `body` (already serialized, so a retry is byte-identical) and maps the
 * outcome to an {@link AttemptResult}. `signal` is the caller's deadline; `timeoutMs` bounds this
 * attempt alone.
 */
export async function attempt(ctx: TransportContext, body: string, signal?: AbortSignal): Promise<AttemptResult> {
  if (signal?.aborted) return { kind: 'aborted' };
  const controller = new AbortController();
  let timedOut = false;
  const timer = unrefTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ctx.timeoutMs);
  const onOuterAbort = () => controller.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    let url = ctx.url;
    // Called as a plain function: workerd's fetch throws "Illegal invocation" when `this` is another object.
    const fetchImpl = ctx.fetch;
    for (let hop = 0; ; hop++) {
      const request = fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ctx.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        signal: controller.signal,
        // Followed by hand: a 301/302/303 would turn the POST into a GET whose 200 counts as delivered.
        redirect: 'manual',
      });
      // Raced against the signal too: an injected fetch that ignores it must not outlive the deadlines.
      const response = await untilAborted(request, controller.signal);
      const text = await untilAborted(response.text(), controller.signal);
      // 307/308 keep the method and body: followed on the same origin (the key is not sent elsewhere).
      const next = hop < MAX_REDIRECTS ? sameOriginRedirect(url, response.status, response.headers.get('location')) : undefined;
      if (next === undefined) return classify(ctx, response.status, response.headers, text);
      url = next;
    }
  } catch (cause) {
    if (timedOut) {
      return {
        kind: 'retryable',
        reason: 'timeout',
        error: new CapiTimeoutError(`Conversions API request timed out after ${ctx.timeoutMs} ms`),
      };
    }
    if (signal?.aborted) return { kind: 'aborted' };
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return {
      kind: 'retryable',
      reason: 'network',
      error: new CapiConnectionError(redact(`Could not reach the Conversions API (${detail})`, [ctx.apiKey])),
    };
  } finally {
    clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

const MAX_REDIRECTS = 3;

/** The target of a 307/308 from `url` when it stays on the same origin, else `undefined`. */
function sameOriginRedirect(url: string, status: number, location: string | null): string | undefined {
  if ((status !== 307 && status !== 308) || location === null || !URL.canParse(location, url)) return undefined;
  const target = new URL(location, url);
  return target.origin === new URL(url).origin ? target.href : undefined;
}

/** `promise`, or a rejection as soon as `signal` aborts, whichever comes first. */
function untilAborted<T>(promise: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    // An injected fetch may answer with a plain value (or a `text()` with a string): not a thenable.
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function classify(
  ctx: TransportContext,
  status: number,
  headers: { get(name: string): string | null },
  text: string,
): AttemptResult {
  const requestId = headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
  if (status >= 200 && status < 300) return { kind: 'ok', status, requestId };
  const body = parseBody(redact(text.slice(0, MAX_BODY_CHARS), [ctx.apiKey]));
  const apiError = (message: string) => new CapiApiError(message, { status, body, requestId });

  if (status === 403 && isUnknownPixel(body)) {
    const error = apiError(
      `The Conversions API does not know pixel "${ctx.pixelId}" (HTTP 403: unknown pid). Check pixelId: it must be ` +
        'the id of your pixel as Ads Manager shows it (Events → your pixel). Events are not retried.',
    );
    return { kind: 'fatal', reason: 'config', error, status, body };
  }
  if (status === 401 || status === 403) {
    const error = apiError(
      `The Conversions API refused the API key (HTTP ${status}). Check the Conversions API key passed as ` +
        `apiKey: it must be a Conversions API key of pixel "${ctx.pixelId}", not the Advertiser API key ` +
        `(the management API key does not work here). Events are not retried.`,
    );
    return { kind: 'fatal', reason: 'auth', error, status, body };
  }
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    const why = status === 307 || status === 308
      ? 'A 307/308 is followed only on the same origin, at most 3 times: the API key is not sent elsewhere.'
      : 'A 301/302/303 is not followed: it would resend the events as a GET.';
    const error = apiError(
      `The Conversions API endpoint answered a redirect (HTTP ${status}${location ? ` to ${location}` : ''}): set endpoint to the final URL. ${why}`,
    );
    return { kind: 'fatal', reason: 'api', error, status, body };
  }
  if (status === 413) {
    return { kind: 'split', reason: 'too_large', error: apiError('The Conversions API refused the request body as too large (HTTP 413)'), status, body };
  }
  if (status === 400 || status === 422) {
    // The API's code and param say which rule and where (`event_timestamp_too_old`, `events[3].timestamp_ms`);
    // its message is left out: it may quote a value.
    const what = [errorField(body, 'code'), errorField(body, 'param')].filter(Boolean).join(' at ');
    return { kind: 'split', reason: 'api', error: apiError(`The Conversions API rejected the batch (HTTP ${status}${what ? `: ${what}` : ''})`), status, body };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), ctx.now());
    const error = apiError(`The Conversions API answered HTTP ${status} (retryable)`);
    return retryAfterMs === undefined
      ? { kind: 'retryable', reason: 'api', error, status, body }
      : { kind: 'retryable', reason: 'api', error, status, body, retryAfterMs };
  }
  return { kind: 'fatal', reason: 'api', error: apiError(`The Conversions API answered HTTP ${status}`), status, body };
}

/**
 * True for the live API's answer to an unknown pixel id: 403 with `error.code` `unknown_pid` or a
 * message saying `unknown pid` (spec §7b), as opposed to a 403 about the key.
 */
function isUnknownPixel(body: unknown): boolean {
  const code = errorField(body, 'code');
  const message = typeof body === 'string' ? body : errorField(body, 'message', 200);
  return code === 'unknown_pid' || /unknown pid/i.test(message ?? '');
}

// Codes and params are identifiers and paths; anything else is not repeated in an error message.
const SAFE_FIELD = /^[\w.[\]-]{1,120}$/;

/** `body.error[name]` when it is a short identifier-like string (`message`: any string up to `max`). */
function errorField(body: unknown, name: 'code' | 'param' | 'message', max = 0): string | undefined {
  const value: unknown = (body as { error?: Record<string, unknown> } | undefined)?.error?.[name];
  if (typeof value !== 'string') return undefined;
  if (max > 0) return value.slice(0, max);
  return SAFE_FIELD.test(value) ? value : undefined;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
