import type { AcceptedBody, FaultKind, RecordedRequest, ResponseIssue } from './types.js';
import { RECORDED_BODY_BUDGET_BYTES, type EmulatorState, type ResolvedOptions } from './state.js';
import { type CapiOutcome, errorOutcome, jsonOutcome, refusals } from './responses.js';
import { drawFault, drawLatency } from './faults.js';
import { checkEnvelope } from './envelope.js';
import { countDuplicates, storeBatch } from './dedupe.js';

/** One HTTP request to the events endpoint, independent of the server that received it. */
export interface CapiRequest {
  method: string;
  /** Absolute URL, or path with query (`/v1/events?pid=…`). */
  url: string;
  /** Header names in lowercase. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (may be cut short when `bodyBytes` is over the limit). */
  bodyText: string;
  /** Byte length of the body as received (default: the UTF-8 length of `bodyText`). */
  bodyBytes?: number;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

function redactHeaders(headers: CapiRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    // Only a recognised scheme is kept: a bare key (`sk-…` with no `Bearer`) must not be recorded.
    out[name] = name === 'authorization' ? (/^bearer\s/i.test(value) ? 'Bearer [redacted]' : '[redacted]') : value;
  }
  return out;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** Where a request stands while it is processed; pushed to `state.requests` once answered. */
type Draft = RecordedRequest;

function finish(state: EmulatorState, draft: Draft, outcome: CapiOutcome, delayMs: number, bodyBytes: number): CapiOutcome {
  draft.status = outcome.kind === 'reset' ? 0 : outcome.status;
  state.requests.push(draft);
  const excess = state.requests.length - state.maxRecordedRequests;
  const removed = excess > 0 ? state.requests.splice(0, excess) : [];
  keepBodiesInBudget(state, draft, bodyBytes, removed);
  state.version += 1;
  if (outcome.kind === 'reset') return { kind: 'reset', delayMs };
  return { ...outcome, headers: { ...outcome.headers, 'x-request-id': draft.requestId }, delayMs };
}

/**
 * Tracks the body sizes of recorded requests (both lists in arrival order): forgets those just
 * `removed` from `requests`, and drops the parsed `body` of the oldest beyond the byte budget.
 */
function keepBodiesInBudget(state: EmulatorState, draft: Draft, bodyBytes: number, removed: readonly Draft[]): void {
  const kept = state.recordedBodies;
  for (const request of removed) if (kept[0]?.request === request) kept.shift();
  if (draft.body !== undefined) kept.push({ request: draft, bytes: bodyBytes });
  let total = kept.reduce((sum, entry) => sum + entry.bytes, 0);
  while (kept.length > 1 && total > RECORDED_BODY_BUDGET_BYTES) {
    const oldest = kept.shift()!;
    oldest.request.body = undefined;
    total -= oldest.bytes;
  }
}

const TIMESTAMP_PATH = /^events\[\d+\]\.timestamp_ms$/;

/**
 * `event_timestamp_too_old` / `event_timestamp_too_new` when every issue is a timestamp outside the
 * window (the first one decides), else `undefined`.
 */
function timestampErrorCode(issues: readonly ResponseIssue[]): string | undefined {
  const window = issues.every((i) => TIMESTAMP_PATH.test(i.path) && (i.code === 'too_old' || i.code === 'in_future'));
  if (!window || issues.length === 0) return undefined;
  return issues[0]!.code === 'too_old' ? 'event_timestamp_too_old' : 'event_timestamp_too_new';
}

function faultOutcome(fault: FaultKind, state: EmulatorState): CapiOutcome {
  if (fault === 'reset') return { kind: 'reset', delayMs: 0 };
  if (fault === 'rateLimit') {
    return errorOutcome(429, 'rate_limit_exceeded', 'Too many requests (emulator fault injection)', {
      headers: { 'retry-after': String(state.faults.retryAfterS) },
    });
  }
  return errorOutcome(state.faults.status5xx, 'server_error', 'Server error (emulator fault injection)');
}

function peekEventCount(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const events = (body as { events?: unknown }).events;
  return Array.isArray(events) ? events.length : 0;
}

/**
 * The emulated `POST /v1/events`: faults, bearer key (401), missing pid (400), unknown pixel (403
 * `unknown pid`), size (413), media type (415), JSON and envelope (400), all-or-nothing batch
 * validation with core (400 listing every issue; 422 when only timestamps are outside the window),
 * `validate_only`, then first-wins deduplication. Pure apart from recording into `state`; the node
 * server and the msw handlers both call it and only differ in how they deliver the outcome.
 */
export function handleCapiRequest(request: CapiRequest, state: EmulatorState, options: ResolvedOptions): CapiOutcome {
  const receivedAt = options.now();
  state.requestCounter += 1;
  const url = new URL(request.url, 'http://emulator.invalid');
  const pixelId = url.searchParams.get('pid') ?? undefined;
  const draft: Draft = {
    requestId: `req_emu_${String(state.requestCounter).padStart(6, '0')}`,
    method: request.method.toUpperCase(),
    url: url.pathname + url.search,
    pixelId,
    status: 0,
    eventCount: 0,
    validateOnly: false,
    integrationSource: undefined,
    headers: redactHeaders(request.headers),
    body: undefined,
    fault: undefined,
    receivedAt,
  };
  const bodyBytes = request.bodyBytes ?? byteLength(request.bodyText);
  const done = (outcome: CapiOutcome, delayMs = 0) => finish(state, draft, outcome, delayMs, bodyBytes);

  if (draft.method !== 'POST') {
    return done(errorOutcome(405, 'method_not_allowed', 'Only POST is allowed on /v1/events', { headers: { allow: 'POST' } }));
  }
  const fault = drawFault(state.faults, state.random);
  const latency = drawLatency(state.faults, state.random);
  if (fault) {
    draft.fault = fault;
    return done(faultOutcome(fault, state), latency);
  }

  const auth = BEARER.exec(request.headers['authorization'] ?? '');
  if (!auth || (options.apiKey !== undefined && auth[1] !== options.apiKey)) {
    const message = auth ? 'Invalid Conversions API key' : 'Missing "Authorization: Bearer <Conversions API key>" header';
    return done(errorOutcome(401, 'invalid_api_key', message, { headers: { 'www-authenticate': 'Bearer' }, param: 'authorization' }), latency);
  }
  if (pixelId === undefined || pixelId === '') {
    return done(refusals.missingPid(), latency);
  }
  if (options.pixelIds && !options.pixelIds.has(pixelId)) {
    return done(refusals.unknownPid(), latency);
  }
  if (bodyBytes > options.maxBodyBytes) {
    return done(refusals.tooLarge(bodyBytes, options.maxBodyBytes), latency);
  }
  if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
    return done(errorOutcome(415, 'unsupported_media_type', 'Content-Type must be application/json'), latency);
  }

  let body: unknown;
  try {
    body = JSON.parse(request.bodyText);
  } catch {
    return done(refusals.invalidJson(), latency);
  }
  draft.body = body;
  draft.eventCount = peekEventCount(body);

  const envelope = checkEnvelope(body, receivedAt);
  if (!envelope.ok) {
    const n = envelope.issues.length;
    const message = `Invalid request: ${n} issue${n === 1 ? '' : 's'}; nothing was stored (a batch is all or nothing)`;
    // Recorded from the live API: a timestamp outside the window is a 422 (spec §7b). Only when it
    // is the sole kind of problem; anything else in the batch makes it a 400.
    const timestampCode = timestampErrorCode(envelope.issues);
    if (timestampCode) return done(errorOutcome(422, timestampCode, message, { issues: envelope.issues }), latency);
    return done(errorOutcome(400, envelope.issues[0]?.code ?? 'invalid_request', message, { issues: envelope.issues }), latency);
  }
  draft.validateOnly = envelope.validateOnly;
  draft.integrationSource = envelope.integrationSource;

  const duplicates = envelope.validateOnly
    ? countDuplicates(state, pixelId, envelope.events)
    : storeBatch(state, envelope.events, {
        pixelId,
        integrationSource: envelope.integrationSource,
        receivedAt,
        requestId: draft.requestId,
      });
  const accepted: AcceptedBody = { received: envelope.events.length, duplicates, validate_only: envelope.validateOnly };
  return done(jsonOutcome(200, accepted), latency);
}
