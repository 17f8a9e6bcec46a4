import type { Issue } from '@x/openai-capi-core';

/**
 * Version of the browser → relay body this relay understands: 2, friendly event input built here
 * with core's `buildEvent` (docs/relay-wire-format.md). Version 1 (wire events built in the browser)
 * is refused like any unknown version.
 */
export const RELAY_WIRE_VERSION = 2;

/** The envelope's fields. */
const ENVELOPE_FIELDS: readonly string[] = ['v', 'consent', 'events'];

/** Reading the body failed: the status and JSON body to answer with. */
export interface BodyFailure {
  status: 400 | 408 | 413 | 415;
  error: 'body_too_large' | 'body_timeout' | 'body_unreadable' | 'unsupported_media_type' | 'invalid_json' | 'invalid_envelope' | 'too_many_events';
  issues: Issue[];
}

/** A checked envelope: its raw events, and whether it carries the tracker's consent signal. */
export interface RelayEnvelope {
  /** The raw events, each still to be checked on its own. */
  events: unknown[];
  /** `consent: "granted"` was posted: the tracker had the visitor's consent (it posts only then). */
  consent: boolean;
}

/**
 * Reads at most `maxBytes` of the request body (checking `Content-Length` first, then counting
 * while streaming, so a lying or missing header cannot make it read more), within `timeoutMs`
 * (a body trickled slower than that answers 408 instead of holding the handler).
 */
export async function readLimitedText(request: Request, maxBytes: number, timeoutMs: number): Promise<string | BodyFailure> {
  const tooLarge = (): BodyFailure => ({
    status: 413,
    error: 'body_too_large',
    issues: [{ path: '', code: 'too_large', message: `the request body must be at most ${maxBytes} bytes` }],
  });
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') {
        void reader.cancel().catch(() => undefined);
        return {
          status: 408,
          error: 'body_timeout',
          issues: [{ path: '', code: 'timeout', message: `the request body must arrive within ${timeoutMs} ms` }],
        };
      }
      if (next.done) break;
      total += next.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLarge();
      }
      chunks.push(next.value);
    }
  } catch {
    // The client went away mid-body (a reset stream): nothing to read, nothing to track.
    return { status: 400, error: 'body_unreadable', issues: [{ path: '', code: 'unreadable', message: 'the request body could not be read to its end' }] };
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** `application/json`, `text/plain` (what `sendBeacon` sends) or no content type are accepted. */
export function checkContentType(contentType: string | null): BodyFailure | undefined {
  if (contentType === null) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'text/plain' || type === '') return undefined;
  return {
    status: 415,
    error: 'unsupported_media_type',
    issues: [{ path: '', code: 'unsupported_media_type', message: 'the body must be application/json or text/plain' }],
  };
}

/**
 * Parses and checks the envelope `{ "v": 2, "consent"?: "granted", "events": [1..maxEvents] }`;
 * returns the raw events and whether consent was posted.
 */
export function parseEnvelope(text: string, maxEvents: number): RelayEnvelope | BodyFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, error: 'invalid_json', issues: [{ path: '', code: 'invalid_json', message: 'the body is not valid JSON' }] };
  }
  const issues: Issue[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    issues.push({ path: '', code: 'invalid_type', message: 'the body must be a JSON object { v, consent, events }' });
    return { status: 400, error: 'invalid_envelope', issues };
  }
  const envelope = body as Record<string, unknown>;
  for (const key of Object.keys(envelope)) {
    if (!ENVELOPE_FIELDS.includes(key)) issues.push({ path: key, code: 'unknown_field', message: `is not an envelope field (${ENVELOPE_FIELDS.join(', ')})` });
  }
  if (envelope.consent !== undefined && envelope.consent !== 'granted') {
    issues.push({ path: 'consent', code: 'invalid_value', message: 'must be "granted" when given (the tracker posts only while consent is granted)' });
  }
  if (envelope.v !== RELAY_WIRE_VERSION) {
    const message =
      envelope.v === 1
        ? `must be ${RELAY_WIRE_VERSION}: relay wire format 1 (events built in the browser) is no longer accepted; update @x/openai-capi-browser`
        : `must be ${RELAY_WIRE_VERSION} (relay wire format version)`;
    issues.push({ path: 'v', code: 'unsupported_version', message });
  }
  const events = envelope.events;
  if (!Array.isArray(events)) issues.push({ path: 'events', code: 'invalid_type', message: 'must be an array of events' });
  else if (events.length === 0) issues.push({ path: 'events', code: 'empty', message: 'must hold at least 1 event' });
  else if (events.length > maxEvents && issues.length === 0) {
    return {
      status: 400,
      error: 'too_many_events',
      issues: [{ path: 'events', code: 'too_many', message: `must hold at most ${maxEvents} events per request` }],
    };
  }
  if (issues.length > 0) return { status: 400, error: 'invalid_envelope', issues };
  return { events: events as unknown[], consent: envelope.consent === 'granted' };
}
