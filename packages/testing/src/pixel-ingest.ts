/**
 * The emulator's pixel ingestion, `/v1/sdk/events?pid=…` (spec §8's observed shape): what the
 * stand-in pixel script (and any tool built for the real one) posts. Events are turned into wire
 * events, validated with core like server events, and stored in the same deduplicated list: a pixel
 * event and its server twin with the same (pixel id, name, id) are one conversion, first copy wins.
 */
import { validateBatch, type WireEvent, type WireUser } from '@x/openai-capi-core';
import type { CapiRequest } from './handle-request.js';
import { storeBatch } from './dedupe.js';
import { toResponseIssue } from './envelope.js';
import { errorOutcome, refusals, type CapiOutcome } from './responses.js';
import type { EmulatorState, ResolvedOptions } from './state.js';
import { PIXEL_EVENTS_PATH, PIXEL_SOURCE_TAG } from './pixel-script.js';
import type { ResponseIssue } from './types.js';

// Pages on any origin post here, as they do to bzr.openai.com: no credentials, any origin.
const CORS = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' } as const;
// The observed user groups: `in` (identifiers) and `fm` (match keys); hashed unless geo.
const HASHED_USER_KEYS: Record<string, keyof WireUser> = {
  eid: 'external_ids_sha256', em: 'emails_sha256', ph: 'phone_numbers_sha256', fn: 'first_names_sha256', ln: 'last_names_sha256',
};
const RAW_USER_KEYS: Record<string, keyof WireUser> = { co: 'countries', ct: 'cities', rg: 'regions', pc: 'postal_codes' };

type Body = Record<string, unknown>;

// Pixel posts are numbered apart from the Conversions API requests (`state.requestCounter`, which
// the live page shows as the request count): they are not listed in `requests`.
const pixelRequestCounts = new WeakMap<EmulatorState, number>();

function answer(status: number, body: unknown): CapiOutcome {
  return { kind: 'response', status, headers: { 'content-type': 'application/json; charset=utf-8', ...CORS }, body: JSON.stringify(body), delayMs: 0 };
}

/** An error answer in the emulator's (the live API's recorded) error shape, with CORS. */
function refuse(status: number, code: string, message: string, issues?: ResponseIssue[]): CapiOutcome {
  return errorOutcome(status, code, message, issues ? { issues, headers: CORS } : { headers: CORS });
}

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The wire `user` of a pixel request: `obref`, the request's user agent, and the `in`/`fm` groups. */
function wireUserOf(body: Body, userAgent: string | undefined): WireUser {
  const user: Record<string, unknown> = {};
  if (typeof body['obref'] === 'string' && body['obref'] !== '') user['obref'] = body['obref'];
  if (userAgent) user['user_agent'] = userAgent;
  const groups = isObject(body['user']) ? [body['user']['in'], body['user']['fm']] : [];
  for (const group of groups) {
    if (!isObject(group)) continue;
    for (const [key, value] of Object.entries(group)) {
      const field = HASHED_USER_KEYS[key] ?? RAW_USER_KEYS[key];
      if (field === undefined || typeof value !== 'string' || value === '') continue;
      const list = (user[field] ??= []) as string[];
      if (!list.includes(value)) list.push(value);
    }
  }
  return user as WireUser;
}

/** One pixel event as a wire event (`action_source: 'web'`); `referrer_url` has no wire field. */
function wireEventOf(raw: unknown, user: WireUser): unknown {
  if (!isObject(raw)) return raw; // validateBatch names it
  const event: Body = {
    id: raw['id'],
    type: raw['type'],
    timestamp_ms: raw['timestamp_ms'],
    source_url: raw['source_url'],
    action_source: 'web',
    data: raw['data'] ?? {},
  };
  if (raw['custom_event_name'] !== undefined) event['custom_event_name'] = raw['custom_event_name'];
  if (raw['opt_out'] === true) event['opt_out'] = true;
  if (typeof raw['oppref'] === 'string' && raw['oppref'] !== '') event['oppref'] = raw['oppref'];
  if (Object.keys(user).length > 0) event['user'] = user;
  return event;
}

/** The `<noscript>` GET: `pid`, `event`, `event_id`, `oppref`, `data[key]=…` as one event. */
function noscriptBody(params: URLSearchParams, referer: string | undefined, now: number): Body {
  const data: Body = {};
  for (const [name, value] of params) {
    const match = /^data\[([^\]]+)\]$/.exec(name);
    if (match) data[match[1]!] = name === 'data[amount]' && /^\d+$/.test(value) ? Number(value) : value;
  }
  const event: Body = { type: params.get('event'), id: params.get('event_id'), timestamp_ms: now, data };
  if (referer !== undefined) event['source_url'] = referer;
  if (params.get('oppref')) event['oppref'] = params.get('oppref');
  return { events: [event] };
}

/**
 * Answers one request to {@link PIXEL_EVENTS_PATH}: `POST` with the JSON body (any content type: the
 * script sends `text/plain` to avoid a CORS preflight), the `<noscript>` `GET`, and `OPTIONS`.
 * 202 `{ received, duplicates }` when stored; errors in the emulator's error shape (spec §7b): 400
 * listing every issue (nothing stored), 403 `403: unknown pid`, 413 over `maxBodyBytes`. Faults and latency do not apply: they are for the
 * Conversions API client's retries.
 */
export function handlePixelRequest(request: CapiRequest, state: EmulatorState, options: ResolvedOptions): CapiOutcome {
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') {
    return { kind: 'response', status: 204, headers: { ...CORS, 'access-control-allow-methods': 'POST, GET', 'access-control-allow-headers': 'content-type' }, body: '', delayMs: 0 };
  }
  if (method !== 'POST' && method !== 'GET') {
    return errorOutcome(405, 'method_not_allowed', `Only POST (and the noscript GET) are allowed on ${PIXEL_EVENTS_PATH}`, { headers: { allow: 'POST, GET', ...CORS } });
  }
  const receivedAt = options.now();
  const url = new URL(request.url, 'http://emulator.invalid');
  const pixelId = url.searchParams.get('pid') ?? '';
  if (pixelId === '') return refusals.missingPid(CORS);
  // As the live API answers an unknown pixel (spec §7b).
  if (options.pixelIds && !options.pixelIds.has(pixelId)) return refusals.unknownPid(CORS);
  const bodyBytes = request.bodyBytes ?? new TextEncoder().encode(request.bodyText).byteLength;
  if (bodyBytes > options.maxBodyBytes) return refusals.tooLarge(bodyBytes, options.maxBodyBytes, CORS);

  let body: unknown;
  if (method === 'GET') body = noscriptBody(url.searchParams, request.headers['referer'], receivedAt);
  else {
    try {
      body = JSON.parse(request.bodyText);
    } catch {
      return refusals.invalidJson(CORS);
    }
  }
  if (!isObject(body) || !Array.isArray(body['events'])) {
    return refuse(400, 'invalid_request', 'The body must be { obref?, events: [...], user? }', [{ path: 'events', code: 'required', message: 'events must be an array of pixel events' }]);
  }
  const user = wireUserOf(body, request.headers['user-agent']);
  const result = validateBatch(body['events'].map((raw) => wireEventOf(raw, user)), { now: receivedAt });
  if (!result.ok) {
    const issues = result.issues.map(toResponseIssue);
    return refuse(400, issues[0]!.code, `Invalid pixel request: ${issues.length} issue${issues.length === 1 ? '' : 's'}; nothing was stored`, issues);
  }
  const count = (pixelRequestCounts.get(state) ?? 0) + 1;
  pixelRequestCounts.set(state, count);
  const events: WireEvent[] = result.event;
  const source = (url.searchParams.get('st') ?? PIXEL_SOURCE_TAG).trim().toLowerCase();
  const duplicates = storeBatch(state, events, {
    pixelId,
    integrationSource: source,
    receivedAt,
    requestId: `req_pixel_${String(count).padStart(6, '0')}`,
  });
  state.version += 1;
  return method === 'GET' ? { kind: 'response', status: 204, headers: { ...CORS }, body: '', delayMs: 0 } : answer(202, { received: events.length, duplicates });
}
