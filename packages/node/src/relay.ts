import {
  CapiError,
  CapiValidationError,
  eventInputFromWire,
  isEventType,
  unknownOptionIssues,
  userInputFromWire,
  type EventInput,
  type EventType,
  type Issue,
  type UserInput,
} from '@x/openai-capi-core';
import { attributionOptionIssues, readAttribution, type Attribution, type OpprefCookieOptions, type TrustProxy } from './attribution.js';
import type { CapiClient } from './client.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';
import { checkContentType, parseEnvelope, readLimitedText, type BodyFailure } from './relay-body.js';

/** What the relay does with requests carrying `Sec-GPC: 1`. */
export type GpcPolicy = 'drop' | 'opt_out' | 'ignore';

/** Options of {@link createRelayHandler}. */
export interface RelayOptions {
  /** Largest accepted body, in bytes; larger → 413. Default 65 536 (64 KiB). */
  maxBodyBytes?: number;
  /** Most events in one request; more → 400. Default 50. */
  maxEventsPerRequest?: number;
  /**
   * Origins allowed to post (`https://shop.example`), or a predicate. When given, a request whose
   * `Origin` header is missing or not allowed gets 403. Default: no check (same-origin deployments).
   */
  allowedOrigins?: readonly string[] | ((origin: string) => boolean);
  /**
   * Per-client-IP token bucket (429 with `Retry-After` when exceeded), or `false` to disable.
   * Default `{ limit: 60, windowMs: 60000 }`. A request whose client IP the relay cannot see (a Fetch
   * runtime without `trustProxy` or `remoteAddress`) is not limited: one bucket shared by every
   * visitor would refuse real conversions. That is reported once through `onError`.
   */
  rateLimit?: RateLimitOptions | false;
  /** Event types the browser may send; others are rejected (`not_allowed`). Default: every type. */
  eventTypes?: readonly EventType[];
  /** Proxies to believe about the client IP and protocol (see `readAttribution`). Default `false`. */
  trustProxy?: TrustProxy;
  /** How to re-issue the `__oppref` cookie when the Referer carries a fresh click id. */
  cookie?: OpprefCookieOptions;
  /**
   * Adds what only the server knows, e.g. the logged-in user's e-mail from the session. Receives the
   * event input (IP, user agent, obref and oppref already attached) and the request; returns the
   * input to track (or nothing to keep it as is). A `CapiValidationError` it throws rejects that
   * event (listed with its issues); any other error answers 500 and goes to `onError`.
   */
  enrich?: (input: EventInput, request: Request) => EventInput | undefined | void | Promise<EventInput | undefined | void>;
  /**
   * Keep a client-sent `user` (wire keys such as `emails_sha256`, or camelCase `UserInput` keys;
   * mapped with core's `userInputFromWire`), minus IP and user agent, which always come from the
   * request. A `user` that is not an object rejects the event. Default `false`: it is dropped.
   */
  acceptClientUser?: boolean;
  /**
   * Keep the query string and fragment of `source_url` (and of the `Referer` used when an event has
   * none). Default `false`: origin + path only, as both often carry personal data. The browser
   * strips them before posting unless its tracker has `keepSourceUrlQuery: true` too: set both to
   * keep them end to end.
   */
  keepSourceUrlQuery?: boolean;
  /**
   * `Sec-GPC: 1`: `'drop'` (default) answers 202 and tracks nothing; `'opt_out'` tracks the events
   * with `opt_out: true`; `'ignore'` tracks them unchanged.
   */
  globalPrivacyControl?: GpcPolicy;
  /**
   * Called with unexpected errors (an `enrich` hook that threw something other than a
   * `CapiValidationError`; the request gets 500) and, once, with a `CapiError` when the rate limit
   * cannot apply because client IPs are unknown. Default: one `console.error` line with the error's
   * name only (an application error's message may hold personal data), or this SDK's own message.
   */
  onError?: (error: unknown, request: Request) => void;
  /** Clock of the rate limiter. Default `Date.now`. */
  now?: () => number;
}

/** Extra facts a platform adapter knows about a request. */
export interface RelayContext {
  /** Socket peer address (Fetch requests do not carry it). */
  remoteAddress?: string;
}

/** A relay handler: Fetch `Request` in, `Response` out. */
export type RelayHandler = (request: Request, context?: RelayContext) => Promise<Response>;

/** One event the relay refused, as listed in its answer. */
export interface RelayRejection {
  /** Index in the posted `events` array. */
  index: number;
  /** The event id, when it had a string one. */
  id?: string;
  /** Why it was refused: every issue, each with a path, a code and a message. */
  issues: readonly Issue[];
}

/**
 * What the relay needs of a client: `track`, and `stats` when it has it (a `createClient` client
 * does), to tell an event the client dropped (queue full, shut down) from one it queued.
 */
export type RelayClient = Pick<CapiClient, 'track'> & Partial<Pick<CapiClient, 'stats'>>;

/**
 * Creates the endpoint that receives the browser package's events (see `docs/relay-wire-format.md`)
 * and hands them to `client.track`. It checks method, `Origin`, rate, size, JSON and envelope;
 * validates each event on its own (valid ones are tracked even when others are rejected); never
 * trusts client-sent IP, user agent or identities; attaches `oppref`/`obref` from the request;
 * honours GPC and `opt_out`.
 *
 * @throws CapiValidationError for a `client` without `track` or invalid options (each issue names
 *   the option: a wrong type, an unknown `globalPrivacyControl` policy or event type, a cookie
 *   attribute that would make an invalid `Set-Cookie`…), at creation rather than on some later request
 */
export function createRelayHandler(client: RelayClient, options: RelayOptions = {}): RelayHandler {
  const optionIssues = relayOptionIssues(client, options);
  if (optionIssues.length > 0) {
    throw new CapiValidationError(optionIssues, `Invalid createRelayHandler options: ${optionIssues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  const maxBodyBytes = clampInt(options.maxBodyBytes, 65_536, 256, 10 * 1_048_576);
  const maxEvents = clampInt(options.maxEventsPerRequest, 50, 1, 1000);
  const gpcPolicy = options.globalPrivacyControl ?? 'drop';
  const limiter = options.rateLimit === false ? undefined : createRateLimiter(options.rateLimit ?? {}, options.now ?? Date.now);
  const isAllowedOrigin = originCheck(options.allowedOrigins);
  const allowedTypes = options.eventTypes === undefined ? undefined : new Set<string>(options.eventTypes);

  // What the client says it dropped, or undefined when it cannot tell (no `stats`, or one that
  // throws: then every tracked event counts as accepted, as before `stats` was read).
  const dropStats = (): { dropped: number; closed: boolean } | undefined => {
    try {
      const stats = client.stats?.();
      return typeof stats?.dropped === 'number' ? { dropped: stats.dropped, closed: stats.closed === true } : undefined;
    } catch {
      return undefined;
    }
  };

  const onError = options.onError ?? defaultOnError;
  const report = (error: unknown, request: Request): void => {
    try {
      onError(error, request);
    } catch {
      // A failing error hook must not turn an answer into a crash.
    }
  };
  let unknownIpReported = false;
  const handle = async (request: Request, context: RelayContext): Promise<Response> => {
    if (request.method !== 'POST') return refusal(405, 'method_not_allowed', 'only POST is accepted', { allow: 'POST' });
    const origin = request.headers.get('origin');
    if (isAllowedOrigin !== undefined && (origin === null || !isAllowedOrigin(origin))) {
      return refusal(403, 'origin_not_allowed', 'the Origin header is missing or not in allowedOrigins');
    }
    const attribution = readAttribution(request, {
      ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    });
    if (limiter !== undefined && attribution.ipAddress === undefined) {
      // Not limited: one bucket shared by every visitor would refuse real conversions.
      if (!unknownIpReported) report(new CapiError(UNKNOWN_IP_MESSAGE), request);
      unknownIpReported = true;
    } else if (limiter !== undefined) {
      const decision = limiter.take(attribution.ipAddress!);
      if (!decision.allowed) {
        const retryAfterS = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        return refusal(429, 'rate_limited', `too many requests from this client; retry after ${retryAfterS} s`, { 'retry-after': String(retryAfterS) });
      }
    }
    const badType = checkContentType(request.headers.get('content-type'));
    if (badType !== undefined) return failure(badType);
    const text = await readLimitedText(request, maxBodyBytes);
    if (typeof text !== 'string') return failure(text);
    const events = parseEnvelope(text, maxEvents);
    if (!Array.isArray(events)) return failure(events);

    if (attribution.gpc && gpcPolicy === 'drop') {
      return json(202, { accepted: [], dropped: events.length, reason: 'gpc' });
    }
    const accepted: string[] = [];
    const rejected: RelayRejection[] = [];
    const dropped: RelayRejection[] = [];
    for (let index = 0; index < events.length; index++) {
      const raw = events[index];
      const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      try {
        const input = toEventInput(raw, attribution, request, options, gpcPolicy);
        if (allowedTypes !== undefined && !allowedTypes.has(input.type)) {
          throw new CapiValidationError([{ path: 'type', code: 'not_allowed', message: 'this event type is not accepted from the browser' }]);
        }
        const enriched = options.enrich === undefined ? undefined : await options.enrich(input, request);
        const before = dropStats();
        const trackedId = client.track(enriched ?? input);
        const after = dropStats();
        // `track` returns the id of an event it dropped too (and reports it through its onError):
        // the browser must not be told such an event was accepted.
        if (before !== undefined && after !== undefined && after.dropped > before.dropped) {
          const issue = after.closed
            ? { path: '', code: 'client_closed', message: 'not queued: the Conversions API client has been shut down' }
            : { path: '', code: 'queue_full', message: 'not queued: the Conversions API client queue is full' };
          dropped.push({ index, id: trackedId, issues: [issue] });
        } else accepted.push(trackedId);
      } catch (error) {
        if (!CapiValidationError.isInstance(error)) throw error;
        rejected.push(id === undefined ? { index, issues: error.issues } : { index, id, issues: error.issues });
      }
    }
    const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    for (const cookie of attribution.setCookies) headers.append('set-cookie', cookie);
    // 503 when the server could not take an event (nothing the browser did), else 400 for invalid ones.
    const status = dropped.length > 0 ? 503 : rejected.length > 0 ? 400 : 200;
    const refused = [...rejected, ...dropped].sort((a, b) => a.index - b.index);
    return new Response(JSON.stringify({ accepted, rejected: refused }), { status, headers });
  };
  return async (request, context = {}) => {
    try {
      return await handle(request, context);
    } catch (error) {
      report(error, request);
      return json(500, { error: 'internal_error' });
    }
  };
}

const GPC_POLICIES: readonly unknown[] = ['drop', 'opt_out', 'ignore'];

// Every option name; typed against RelayOptions, so an option added there must be added here.
const RELAY_OPTION_NAMES: Record<keyof RelayOptions, true> = {
  maxBodyBytes: true, maxEventsPerRequest: true, allowedOrigins: true, rateLimit: true, eventTypes: true,
  trustProxy: true, cookie: true, enrich: true, acceptClientUser: true, keepSourceUrlQuery: true,
  globalPrivacyControl: true, onError: true, now: true,
};

/** Every problem with the arguments of {@link createRelayHandler} (empty when they are valid). */
function relayOptionIssues(client: unknown, options: unknown): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
  if (!isObject(client) || typeof client.track !== 'function') add('client', 'invalid_type', 'client must have a track method (a createClient client)');
  else if (client.stats !== undefined && typeof client.stats !== 'function') add('client.stats', 'invalid_type', 'client.stats must be a function (a createClient client) when given');
  if (!isObject(options)) {
    add('options', 'invalid_type', 'options must be an object');
    return issues;
  }
  const o = options as Record<string, unknown>;
  issues.push(...unknownOptionIssues(o, RELAY_OPTION_NAMES, 'createRelayHandler'));
  for (const key of ['maxBodyBytes', 'maxEventsPerRequest'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'number') add(key, 'invalid_type', `${key} must be a number`);
  }
  const origins = o.allowedOrigins;
  if (origins !== undefined && typeof origins !== 'function' && !(Array.isArray(origins) && origins.every((x) => typeof x === 'string'))) {
    add('allowedOrigins', 'invalid_type', 'allowedOrigins must be an array of origins (strings) or a function');
  }
  const rate = o.rateLimit;
  if (rate !== undefined && rate !== false) {
    if (!isObject(rate)) add('rateLimit', 'invalid_type', 'rateLimit must be an object { limit, windowMs, maxKeys } or false');
    else {
      for (const key of ['limit', 'windowMs', 'maxKeys']) {
        if (rate[key] !== undefined && typeof rate[key] !== 'number') add(`rateLimit.${key}`, 'invalid_type', `rateLimit.${key} must be a number`);
      }
    }
  }
  const types = o.eventTypes;
  if (types !== undefined) {
    if (!Array.isArray(types)) add('eventTypes', 'invalid_type', 'eventTypes must be an array of event types');
    else {
      types.forEach((type: unknown, i) => {
        if (!isEventType(type)) add(`eventTypes[${i}]`, 'invalid_value', 'eventTypes must hold only event types of the spec (order_created, custom…)');
      });
    }
  }
  for (const key of ['enrich', 'onError', 'now'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') add(key, 'invalid_type', `${key} must be a function`);
  }
  for (const key of ['acceptClientUser', 'keepSourceUrlQuery'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') add(key, 'invalid_type', `${key} must be a boolean`);
  }
  // A misspelt policy must not silently become "ignore GPC".
  if (o.globalPrivacyControl !== undefined && !GPC_POLICIES.includes(o.globalPrivacyControl)) {
    add('globalPrivacyControl', 'invalid_value', "globalPrivacyControl must be 'drop', 'opt_out' or 'ignore'");
  }
  issues.push(...attributionOptionIssues({ trustProxy: o.trustProxy, cookie: o.cookie }));
  return issues;
}

const UNKNOWN_IP_MESSAGE =
  'The relay cannot see client IP addresses, so it does not rate-limit these requests and events carry no IP: ' +
  'pass trustProxy (behind a proxy that sets X-Forwarded-For) or relay(request, { remoteAddress }), or set rateLimit: false';

// This SDK's own errors are printed; of any other, only the name: its message may hold personal data.
function defaultOnError(error: unknown): void {
  if (CapiError.isInstance(error)) {
    console.error(`[openai-capi] ${error.message}`);
    return;
  }
  const name = error instanceof Error ? error.name : typeof error;
  console.error(`[openai-capi] relay handler failed (${name}); pass onError to createRelayHandler to see it`);
}

/** Relay event (wire form, RELAY.md) → the input given to `client.track`. */
function toEventInput(
  raw: unknown,
  attribution: Attribution,
  request: Request,
  options: RelayOptions,
  gpcPolicy: GpcPolicy,
): EventInput {
  const wire = isObject(raw) ? { ...raw } : raw;
  let clientUser: unknown;
  let bodyObref: unknown;
  if (isObject(wire)) {
    clientUser = wire.user;
    bodyObref = wire.obref;
    delete wire.user;
    delete wire.obref;
    delete wire.action_source;
  }
  const input = eventInputFromWire(wire);
  input.actionSource = 'web';
  if (options.keepSourceUrlQuery === true) input.keepSourceUrlQuery = true;
  if (input.sourceUrl === undefined) {
    const referer = request.headers.get('referer');
    if (referer !== null) input.sourceUrl = referer;
  }
  if (input.oppref === undefined && attribution.oppref !== undefined) input.oppref = attribution.oppref;
  if (gpcPolicy === 'opt_out' && attribution.gpc) input.optOut = true;

  const user: UserInput = options.acceptClientUser === true ? userInputFromWire(clientUser) : {};
  // Never from the client: the relay takes IP and user agent from the request itself.
  delete user.ipAddress;
  delete user.userAgent;
  // A body obref that is not a non-blank string is kept so that core reports it.
  if (bodyObref !== undefined) user.obref = bodyObref as string;
  else if (user.obref === undefined && attribution.obref !== undefined) user.obref = attribution.obref;
  if (attribution.ipAddress !== undefined) user.ipAddress = attribution.ipAddress;
  if (attribution.userAgent !== undefined) user.userAgent = attribution.userAgent;
  if (Object.keys(user).length > 0) input.user = user;
  return input;
}

function failure(f: BodyFailure): Response {
  return json(f.status, { error: f.error, issues: f.issues });
}

/** A refusal of the whole request, in the shape of every other 4xx: `{ error, issues }`. */
function refusal(status: number, code: string, message: string, extra: Record<string, string> = {}): Response {
  const issues: Issue[] = [{ path: '', code, message }];
  return json(status, { error: code, issues }, extra);
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
  });
}

function originCheck(allowed: RelayOptions['allowedOrigins']): ((origin: string) => boolean) | undefined {
  if (allowed === undefined) return undefined;
  if (typeof allowed === 'function') return allowed;
  const set = new Set(allowed.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  return (origin) => set.has(origin.toLowerCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
