import { isEventType, unknownOptionIssues, type EventInput, type EventType, type Issue } from '@x/openai-capi-core';
import { attributionOptionIssues, type OpprefCookieOptions, type TrustProxy } from './attribution.js';
import type { RateLimitOptions } from './rate-limit.js';

/** What the relay does with requests carrying `Sec-GPC: 1`. */
export type GpcPolicy = 'drop' | 'opt_out' | 'ignore';

/** Shares of the client's queue the relay lets browser traffic hold (see {@link RelayOptions.queueShare}). */
export interface QueueShareOptions {
  /**
   * Fraction of the client's `maxQueueSize` one client (an IPv4 address or an IPv6 /64) may hold
   * queued at once; its events beyond it get 429. Default 0.01 (100 events of the default 10 000).
   */
  perClient?: number | undefined;
  /**
   * Fraction of `maxQueueSize` past which the relay queues no more browser events (503 with
   * `Retry-After`), so the rest stays free for the application's own `track()`. Default 0.5.
   */
  relay?: number | undefined;
}

/** Options of `createRelayHandler`. */
export interface RelayOptions {
  /** Largest accepted body, in bytes; larger → 413. Default 65 536 (64 KiB). */
  maxBodyBytes?: number | undefined;
  /** Most events in one request; more → 400. Default 50. */
  maxEventsPerRequest?: number | undefined;
  /**
   * How long reading the body may take, in ms; slower → 408 (a client trickling its body cannot
   * hold the handler). Default 5 000; 100 to 60 000.
   */
  bodyTimeoutMs?: number | undefined;
  /**
   * Other origins allowed to post (`https://shop.example`), or a predicate, on top of the relay's
   * own origin (always allowed). A request from one of them is accepted but never sets `__oppref`.
   * Default: none (same-origin only).
   */
  allowedOrigins?: (readonly string[] | ((origin: string) => boolean)) | undefined;
  /**
   * Accept `Sec-Fetch-Site: same-site` (another subdomain of the same site, e.g. `www.` posting to
   * `api.`) as well as `same-origin`. Such requests never set `__oppref`. Default `false`.
   */
  allowSameSite?: boolean | undefined;
  /**
   * Accept requests that carry none of the browser's headers (`Sec-Fetch-Site`, `Origin`,
   * `Referer`): callers that are servers, not browsers. They never set `__oppref`. Default `false`:
   * such a request gets 403, as a browser always sends `Origin` with a POST.
   */
  allowServerToServer?: boolean | undefined;
  /**
   * Per-client token bucket (429 with `Retry-After` when exceeded), or `false` to disable. A client
   * is an IPv4 address or an IPv6 /64 (one subscriber's prefix). Default `{ limit: 60, windowMs: 60000 }`.
   * A request whose client IP the relay cannot see (a Fetch runtime without `trustProxy` or
   * `remoteAddress`) is not limited: one bucket shared by every visitor would refuse real
   * conversions. That is reported once through `onError`.
   */
  rateLimit?: RateLimitOptions | false | undefined;
  /**
   * Shares of the client's queue browser traffic may hold, read from the client's `stats()` (a
   * client without `stats` or without `maxQueueSize` in it is not shared out), or `false` to
   * disable. Default `{ perClient: 0.01, relay: 0.5 }`.
   */
  queueShare?: QueueShareOptions | false | undefined;
  /** Event types the browser may send; others are rejected (`not_allowed`). Default: every type. */
  eventTypes?: readonly EventType[] | undefined;
  /**
   * Proxies to believe about the client IP, the protocol and the host (`X-Forwarded-For`,
   * `X-Forwarded-Proto`, `X-Forwarded-Host`; see `readAttribution`). Default `false`.
   */
  trustProxy?: TrustProxy | undefined;
  /** How to re-issue the `__oppref` cookie when the Referer carries a fresh click id. */
  cookie?: OpprefCookieOptions | undefined;
  /**
   * Adds what only the server knows, e.g. the logged-in user's e-mail from the session. Receives the
   * event input (IP, user agent, obref and oppref already attached) and the request; returns the
   * input to track (or nothing to keep it as is). A `CapiValidationError` it throws rejects that
   * event (listed with its issues); any other error answers 500 and goes to `onError`.
   */
  enrich?: ((input: EventInput, request: Request) => EventInput | undefined | void | Promise<EventInput | undefined | void>) | undefined;
  /**
   * Keep a client-sent `user` (wire keys such as `emails_sha256`, or camelCase `UserInput` keys;
   * mapped with core's `userInputFromWire`), minus IP and user agent, which always come from the
   * request. A `user` that is not an object rejects the event. Default `false`: it is dropped.
   */
  acceptClientUser?: boolean | undefined;
  /**
   * Keep the query string and fragment of `source_url` (and of the `Referer` used when an event has
   * none). Default `false`: origin + path only, as both often carry personal data. The browser
   * strips them before posting unless its tracker has `keepSourceUrlQuery: true` too: set both to
   * keep them end to end.
   */
  keepSourceUrlQuery?: boolean | undefined;
  /**
   * `Sec-GPC: 1`: `'drop'` (default) answers 202 and tracks nothing; `'opt_out'` tracks the events
   * with `opt_out: true`; `'ignore'` tracks them unchanged.
   */
  globalPrivacyControl?: GpcPolicy | undefined;
  /**
   * Called with each event the relay refuses (a `CapiValidationError`: the browser's input broke a
   * rule of core's `buildEvent`; production browser bundles do not check events themselves), with
   * unexpected errors (an `enrich` hook that threw something other than a
   * `CapiValidationError`; the request gets 500) and, once per origin, method or kind, with a
   * `CapiError` for refused requests (another origin, an unsupported method), an `oppref`/`obref`
   * over its cap, a rate limit that cannot apply because client IPs are unknown, or queue shares
   * that cannot apply because the client's `stats()` lacks the queue counts. Default: one
   * `console.error` line with the error's name only (an application error's message may hold
   * personal data), or this SDK's own message.
   */
  onError?: ((error: unknown, request: Request) => void) | undefined;
  /** Clock of the rate limiter. Default `Date.now`. */
  now?: (() => number) | undefined;
}

const GPC_POLICIES: readonly unknown[] = ['drop', 'opt_out', 'ignore'];

// Every option name; typed against RelayOptions, so an option added there must be added here.
const RELAY_OPTION_NAMES: Record<keyof RelayOptions, true> = {
  maxBodyBytes: true, maxEventsPerRequest: true, bodyTimeoutMs: true, allowedOrigins: true, allowSameSite: true,
  allowServerToServer: true, rateLimit: true, queueShare: true, eventTypes: true, trustProxy: true, cookie: true,
  enrich: true, acceptClientUser: true, keepSourceUrlQuery: true, globalPrivacyControl: true, onError: true, now: true,
};

/** Every problem with the arguments of `createRelayHandler` (empty when they are valid). */
export function relayOptionIssues(client: unknown, options: unknown): Issue[] {
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
  for (const key of ['maxBodyBytes', 'maxEventsPerRequest', 'bodyTimeoutMs'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'number') add(key, 'invalid_type', `${key} must be a number`);
  }
  const origins = o.allowedOrigins;
  if (origins !== undefined && typeof origins !== 'function' && !(Array.isArray(origins) && origins.every((x) => typeof x === 'string'))) {
    add('allowedOrigins', 'invalid_type', 'allowedOrigins must be an array of origins (strings) or a function');
  }
  numberFields(o.rateLimit, 'rateLimit', ['limit', 'windowMs', 'maxKeys'], add);
  numberFields(o.queueShare, 'queueShare', ['perClient', 'relay'], add);
  if (isObject(o.queueShare)) {
    for (const key of ['perClient', 'relay']) {
      const share = o.queueShare[key];
      if (typeof share === 'number' && !(share > 0 && share <= 1)) add(`queueShare.${key}`, 'out_of_range', `queueShare.${key} must be a fraction above 0 and at most 1`);
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
  for (const key of ['acceptClientUser', 'keepSourceUrlQuery', 'allowSameSite', 'allowServerToServer'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') add(key, 'invalid_type', `${key} must be a boolean`);
  }
  // A misspelt policy must not silently become "ignore GPC".
  if (o.globalPrivacyControl !== undefined && !GPC_POLICIES.includes(o.globalPrivacyControl)) {
    add('globalPrivacyControl', 'invalid_value', "globalPrivacyControl must be 'drop', 'opt_out' or 'ignore'");
  }
  issues.push(...attributionOptionIssues({ trustProxy: o.trustProxy, cookie: o.cookie }));
  return issues;
}

/** An object option (or `false`) whose listed fields must be numbers when given. */
function numberFields(value: unknown, name: string, fields: readonly string[], add: (path: string, code: string, message: string) => void): void {
  if (value === undefined || value === false) return;
  if (!isObject(value)) {
    add(name, 'invalid_type', `${name} must be an object { ${fields.join(', ')} } or false`);
    return;
  }
  for (const key of fields) {
    if (value[key] !== undefined && typeof value[key] !== 'number') add(`${name}.${key}`, 'invalid_type', `${name}.${key} must be a number`);
  }
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an integer within `min…max`, or `fallback` when it is not a number. */
export function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
