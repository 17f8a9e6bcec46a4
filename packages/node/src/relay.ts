import {
  CapiError,
  CapiValidationError,
  userInputFromWire,
  type EventInput,
  type Issue,
  type UserInput,
} from '@x/openai-capi-core';
import { readAttribution, type Attribution } from './attribution.js';
import type { CapiClient } from './client.js';
import { eventsAnswer, failure, json, refusal, rejection, type RelayRejection } from './relay-answer.js';
import { checkContentType, parseEnvelope, readLimitedText } from './relay-body.js';
import { allowedCookies, capAttribution, capEventRefs } from './relay-cookie.js';
import { clientKey, createClientLimiter, createQueueShare, type QueueShare, type QueueStats } from './relay-fairness.js';
import { createGuard, type Guard, type Provenance } from './relay-guard.js';
import { clampInt, isObject, relayOptionIssues, type GpcPolicy, type RelayOptions } from './relay-options.js';
import { createReporter, type Reporter } from './relay-report.js';

export type { GpcPolicy, QueueShareOptions, RelayOptions } from './relay-options.js';
export type { RelayRejection } from './relay-answer.js';

/** Extra facts a platform adapter knows about a request. */
export interface RelayContext {
  /** Socket peer address (Fetch requests do not carry it). */
  remoteAddress?: string | undefined;
  /** The request's real method when the Fetch `Request` could not carry it (`TRACE`, `CONNECT`). */
  method?: string | undefined;
}

/** A relay handler: Fetch `Request` in, `Response` out. */
export type RelayHandler = (request: Request, context?: RelayContext) => Promise<Response>;

/**
 * What the relay needs of a client: `track`, and `stats` when it has it (a `createClient` client
 * does), to tell an event the client dropped (queue full, shut down) from one it queued, and to
 * share the queue out between the relay's clients.
 */
export type RelayClient = Pick<CapiClient, 'track'> & Partial<Pick<CapiClient, 'stats'>>;

/** Everything one relay uses on every request, built once by {@link createRelayHandler}. */
interface RelayParts {
  client: RelayClient;
  options: RelayOptions;
  guard: Guard;
  reporter: Reporter;
  limit: ReturnType<typeof createClientLimiter>;
  share: QueueShare | undefined;
  maxBodyBytes: number;
  maxEvents: number;
  bodyTimeoutMs: number;
  gpcPolicy: GpcPolicy;
  allowedTypes: Set<string> | undefined;
}

/**
 * Creates the endpoint that receives the browser package's events (see `docs/relay-wire-format.md`)
 * and hands them to `client.track`. Safe by default: only POST; only the site's own pages (or
 * `allowedOrigins`); a rate limit per client (IPv6 by /64); a bounded share of the client's queue
 * per client and for browser traffic as a whole; a size cap and a read deadline on the body;
 * `__oppref` written only for the site's own pages with the tracker's consent signal (see
 * docs/server.md, "Security"). Then it validates each event on its own (valid ones are tracked
 * even when others are rejected); never trusts client-sent IP, user agent or identities; attaches
 * `oppref`/`obref` from the request; honours GPC and `opt_out`. No input makes it answer 5xx: only
 * a full or shut-down client (503) or a failing `enrich` hook (500).
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
  const reporter = createReporter(options.onError);
  const share = options.queueShare === false ? undefined : options.queueShare ?? {};
  const parts: RelayParts = {
    client,
    options,
    reporter,
    guard: createGuard(options, reporter),
    limit: createClientLimiter(options.rateLimit, options.now ?? Date.now),
    share: share === undefined ? undefined : createQueueShare(share.perClient ?? 0.01, share.relay ?? 0.5),
    maxBodyBytes: clampInt(options.maxBodyBytes, 65_536, 256, 10 * 1_048_576),
    maxEvents: clampInt(options.maxEventsPerRequest, 50, 1, 1000),
    bodyTimeoutMs: clampInt(options.bodyTimeoutMs, 5_000, 100, 60_000),
    gpcPolicy: options.globalPrivacyControl ?? 'drop',
    allowedTypes: options.eventTypes === undefined ? undefined : new Set<string>(options.eventTypes),
  };
  return async (request, context = {}) => {
    try {
      return await handle(parts, request, context);
    } catch (error) {
      reporter.report(error, request);
      return json(500, { error: 'internal_error' });
    }
  };
}

/** Seconds a client is asked to wait when the queue has no room for it. */
const QUEUE_RETRY_AFTER_S = 5;

/** One request: guard, rate limit, queue share, body, then each event. */
async function handle(parts: RelayParts, request: Request, context: RelayContext): Promise<Response> {
  const provenance = parts.guard(request, context.method ?? request.method);
  if (provenance instanceof Response) return provenance;
  const { options, reporter } = parts;
  const { attribution, warnings } = capAttribution(
    readAttribution(request, {
      ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    }),
  );
  for (const w of warnings) reporter.once(`warning ${w.path}`, () => new CapiValidationError([w], `relay: ${w.message}`), request);
  const key = attribution.ipAddress === undefined ? undefined : clientKey(attribution.ipAddress);
  if (parts.limit !== undefined && key === undefined) {
    // Not limited: one bucket shared by every visitor would refuse real conversions.
    reporter.once('unknown ip', () => new CapiError(UNKNOWN_IP_MESSAGE), request);
  } else if (parts.limit !== undefined) {
    const decision = parts.limit(attribution.ipAddress!);
    if (!decision.allowed) {
      const retryAfterS = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return refusal(429, 'rate_limited', `too many requests from this client; retry after ${retryAfterS} s`, { 'retry-after': String(retryAfterS) });
    }
  }
  const stats = parts.share === undefined ? undefined : readStats(parts.client);
  if (stats !== undefined && stats.queue === undefined) {
    // A client with `stats` but not the queue counters cannot be shared out: say so, once.
    reporter.once('no queue stats', () => new CapiError(NO_QUEUE_STATS_MESSAGE), request);
  }
  const full = parts.share === undefined ? undefined : shareRefusal(parts.share, key, stats?.queue);
  if (full !== undefined) return refusal(full.status, full.issue.code, full.issue.message, { 'retry-after': String(QUEUE_RETRY_AFTER_S) });
  const badType = checkContentType(request.headers.get('content-type'));
  if (badType !== undefined) return failure(badType.status, badType.error, badType.issues);
  const text = await readLimitedText(request, parts.maxBodyBytes, parts.bodyTimeoutMs);
  if (typeof text !== 'string') return failure(text.status, text.error, text.issues, text.status === 408 ? { connection: 'close' } : {});
  const envelope = parseEnvelope(text, parts.maxEvents);
  if (!('events' in envelope)) return failure(envelope.status, envelope.error, envelope.issues);
  if (attribution.gpc && parts.gpcPolicy === 'drop') {
    return json(202, { accepted: [], dropped: envelope.events.length, reason: 'gpc' });
  }
  return trackEvents(parts, request, { attribution, provenance, key, warnings }, envelope.events, envelope.consent);
}

/** What one request brought besides its events. */
interface RequestFacts {
  attribution: Attribution;
  provenance: Provenance;
  /** The client's fairness key (IPv4 address or IPv6 /64), when its IP is known. */
  key: string | undefined;
  warnings: Issue[];
}

/** Checks, enriches and tracks each event on its own; answers with what was accepted and refused. */
async function trackEvents(parts: RelayParts, request: Request, facts: RequestFacts, events: readonly unknown[], consent: boolean): Promise<Response> {
  const { client, options, share } = parts;
  const accepted: string[] = [];
  const rejected: RelayRejection[] = [];
  const dropped: RelayRejection[] = [];
  let shareLimited = false;
  const warnings = [...facts.warnings];
  for (let index = 0; index < events.length; index++) {
    const capped = capEventRefs(events[index], index);
    for (const w of capped.warnings) parts.reporter.once(`warning ${w.code} ${w.path.replace(/^events\[\d+\]\./, '')}`, () => new CapiValidationError([w], `relay: ${w.message}`), request);
    warnings.push(...capped.warnings);
    const raw = capped.raw;
    const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    try {
      const input = toEventInput(raw, facts.attribution, request, options, parts.gpcPolicy);
      if (parts.allowedTypes !== undefined && !parts.allowedTypes.has(input.type)) {
        throw new CapiValidationError([{ path: 'type', code: 'not_allowed', message: 'this event type is not accepted from the browser' }]);
      }
      const enriched = options.enrich === undefined ? undefined : await options.enrich(input, request);
      // Checked right before `track`, with no await in between, so the counts cannot move meanwhile.
      const before = readStats(client);
      const full = share === undefined ? undefined : shareRefusal(share, facts.key, before?.queue);
      if (full !== undefined) {
        shareLimited ||= full.status === 429;
        (full.status === 429 ? rejected : dropped).push(rejection(index, id, [full.issue]));
        continue;
      }
      const trackedId = client.track(enriched ?? input, { source: 'relay' });
      const after = readStats(client);
      // `track` returns the id of an event it dropped too (and reports it through its onError):
      // the browser must not be told such an event was accepted.
      if (before !== undefined && after !== undefined && after.dropped > before.dropped) {
        const issue = after.closed
          ? { path: '', code: 'client_closed', message: 'not queued: the Conversions API client has been shut down' }
          : { path: '', code: 'queue_full', message: 'not queued: the Conversions API client queue is full' };
        dropped.push(rejection(index, trackedId, [issue]));
        continue;
      }
      accepted.push(trackedId);
      if (facts.key !== undefined && before?.queue !== undefined && after?.queue !== undefined && after.queue.tracked > before.queue.tracked) {
        share?.note(facts.key, before.queue.tracked);
      }
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      // Refused whole (never half-sent), answered to the browser and reported here.
      parts.reporter.report(new CapiValidationError(error.issues, `Relay refused event ${index}: ${error.message}`), request);
      rejected.push(rejection(index, id, error.issues));
    }
  }
  // 503 when the server could not take an event (nothing the browser did), 429 when this client
  // holds its share of the queue already, else 400 for invalid ones.
  const status = dropped.length > 0 ? 503 : shareLimited ? 429 : rejected.length > 0 ? 400 : 200;
  const refused = [...rejected, ...dropped].sort((a, b) => a.index - b.index);
  const answer = eventsAnswer(status, accepted, refused, warnings, allowedCookies(facts.attribution, facts.provenance, consent));
  if (status === 503 || status === 429) answer.headers.set('retry-after', String(QUEUE_RETRY_AFTER_S));
  return answer;
}

/** Why one more event of client `key` may not be queued now, as a status and an issue. */
function shareRefusal(share: QueueShare, key: string | undefined, stats: QueueStats | undefined): { status: 429 | 503; issue: Issue } | undefined {
  if (stats === undefined) return undefined;
  // A client whose IP is unknown is not counted on its own (it would share one count with every
  // visitor), but browser traffic as a whole still is.
  const refusal = share.check(key ?? '', stats);
  if (refusal === 'relay_share') {
    return { status: 503, issue: { path: '', code: 'relay_busy', message: 'not queued: browser events hold their share of the Conversions API client queue; retry later' } };
  }
  if (refusal === 'client_share' && key !== undefined) {
    return { status: 429, issue: { path: '', code: 'client_share_exceeded', message: 'not queued: this client holds its share of the Conversions API client queue; retry later' } };
  }
  return undefined;
}

/**
 * The client's counters, or undefined when it cannot tell (no `stats`, or one that throws: then
 * every tracked event counts as accepted). `queue` is there when `stats` has the queue counters.
 */
function readStats(client: RelayClient): { dropped: number; closed: boolean; queue?: QueueStats } | undefined {
  try {
    const stats = client.stats?.() as (ReturnType<CapiClient['stats']> & { maxQueueSize?: unknown }) | undefined;
    if (typeof stats?.dropped !== 'number') return undefined;
    const { tracked, queued, maxQueueSize } = stats;
    const queue = typeof tracked === 'number' && typeof queued === 'number' && typeof maxQueueSize === 'number' ? { tracked, queued, maxQueueSize } : undefined;
    return { dropped: stats.dropped, closed: stats.closed === true, ...(queue === undefined ? {} : { queue }) };
  } catch {
    return undefined;
  }
}

const NO_QUEUE_STATS_MESSAGE =
  'The relay cannot share the client queue out (client.stats() has no tracked, queued and maxQueueSize counts): ' +
  'one client could fill it; pass a createClient client, or set queueShare: false';

const UNKNOWN_IP_MESSAGE =
  'The relay cannot see client IP addresses, so it does not rate-limit these requests and events carry no IP: ' +
  'pass trustProxy (behind a proxy that sets X-Forwarded-For) or relay(request, { remoteAddress }), or set rateLimit: false';

// The fields of a relay event (format v2: the tracker's friendly input); `user` only with acceptClientUser.
const RELAY_EVENT_FIELDS = ['type', 'id', 'customEventName', 'timestamp', 'sourceUrl', 'oppref', 'obref', 'optOut', 'data', 'user'];

/**
 * Relay event (format v2, docs/relay-wire-format.md: friendly input as the page gave it) → the input
 * given to `client.track`, which builds and validates it with core's `buildEvent`.
 *
 * @throws CapiValidationError for an event that is not an object or has unknown fields
 */
function toEventInput(
  raw: unknown,
  attribution: Attribution,
  request: Request,
  options: RelayOptions,
  gpcPolicy: GpcPolicy,
): EventInput {
  if (!isObject(raw)) throw new CapiValidationError([{ path: '', code: 'invalid_type', message: 'must be an object (a relay event)' }]);
  const unknown = Object.keys(raw).filter((key) => !RELAY_EVENT_FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new CapiValidationError(
      unknown.map((path) => ({ path, code: 'unknown_field', message: 'is not a relay event field (docs/relay-wire-format.md)' })),
    );
  }
  const { user: clientUser, obref: bodyObref, ...fields } = raw;
  // Core skips `undefined` fields and reports every other bad value with its input name.
  const input = { ...fields, actionSource: 'web' } as EventInput;
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
