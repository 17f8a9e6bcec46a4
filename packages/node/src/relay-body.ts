import type { Issue } from '@x/openai-capi-core';

/** Version of the browser → relay body this relay understands. */
export const RELAY_WIRE_VERSION = 1;

/** Reading the body failed: the status and JSON body to answer with. */
export interface BodyFailure {
  status: 400 | 413 | 415;
  error: 'body_too_large' | 'unsupported_media_type' | 'invalid_json' | 'invalid_envelope' | 'too_many_events';
  issues: Issue[];
}

/**
 * Reads at most `maxBytes` of the request body (checking `Content-Length` first, then counting
 * while streaming, so a lying or missing header cannot make it read more).
 */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string | BodyFailure> {
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
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
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

/** Parses and checks the envelope `{ "v": 1, "events": [1..maxEvents] }`; returns the raw events. */
export function parseEnvelope(text: string, maxEvents: number): unknown[] | BodyFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: 400, error: 'invalid_json', issues: [{ path: '', code: 'invalid_json', message: 'the body is not valid JSON' }] };
  }
  const issues: Issue[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    issues.push({ path: '', code: 'invalid_type', message: 'the body must be a JSON object { v, events }' });
    return { status: 400, error: 'invalid_envelope', issues };
  }
  const envelope = body as Record<string, unknown>;
  for (const key of Object.keys(envelope)) {
    if (key !== 'v' && key !== 'events') issues.push({ path: key, code: 'unknown_field', message: 'is not an envelope field (v, events)' });
  }
  if (envelope.v !== RELAY_WIRE_VERSION) {
    issues.push({ path: 'v', code: 'unsupported_version', message: `must be ${RELAY_WIRE_VERSION}` });
  }
  const events = envelope.events;
  if (!Array.isArray(events)) issues.push({ path: 'events', code: 'invalid_type', message: 'must be an array of events' });
  else if (events.length === 0) issues.push({ path: 'events', code: 'empty', message: 'must hold at least 1 event' });
  else if (events.length > maxEvents) {
    return {
      status: 400,
      error: 'too_many_events',
      issues: [{ path: 'events', code: 'too_many', message: `must hold at most ${maxEvents} events per request` }],
    };
  }
  if (issues.length > 0) return { status: 400, error: 'invalid_envelope', issues };
  return events as unknown[];
}
