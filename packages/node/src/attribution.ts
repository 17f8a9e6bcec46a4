import { CapiValidationError, isValidIp, readQueryParam, type Issue } from '@x/openai-capi-core';
import { cookieAttributeIssues, parseCookies, serializeCookie } from './cookies.js';
import { headerOf, socketAddress, urlOf, type AnyRequest } from './request-like.js';

/** Name of the click-id cookie the pixel writes (spec §8). */
export const OPPREF_COOKIE = '__oppref';
/** Name of the browser-id cookie the pixel writes (spec §8). */
export const OBREF_COOKIE = '__obref';

/**
 * Which proxies to believe about the client IP (`X-Forwarded-For`):
 * - `false` (default): none; the IP is the socket peer address.
 * - a number n: the n proxies nearest to the app are trusted; the client is the address n hops
 *   before the socket peer in the chain `X-Forwarded-For…, peer`.
 * - a predicate: walking from the peer towards the client, every address it trusts is skipped; the
 *   first untrusted one is the client.
 * - `true`: every proxy is trusted; the left-most `X-Forwarded-For` entry is the client. Only safe
 *   when your edge proxy overwrites (not appends to) the header.
 */
export type TrustProxy = boolean | number | ((address: string) => boolean);

/** Attributes of the `__oppref` cookie re-issued by the server. */
export interface OpprefCookieOptions {
  /** Lifetime in days. Default 30 (the pixel's observed lifetime). */
  maxAgeDays?: number | undefined;
  /**
   * `Domain` attribute, e.g. `example.com` for every subdomain. Default: none (host-only).
   *
   * Give the domain the browser tracker writes `__oppref` on (your registrable domain): the server's
   * `Set-Cookie` then overwrites the tracker's cookie in place, and a cookie set by your server in an
   * HTTP response is not subject to Safari's 7-day cap on script-written cookies. Without a domain,
   * the cookie is not re-issued when the request's `__oppref` cookie already holds the same click id
   * (a host-only copy next to the tracker's domain cookie would leave the browser with two).
   */
  domain?: string | undefined;
  /** `Secure`: `'auto'` (default) sets it on https requests. */
  secure?: boolean | 'auto' | undefined;
  /** `SameSite`. Default `Lax`. */
  sameSite?: 'Strict' | 'Lax' | 'None' | undefined;
  /** `Path`. Default `/`. */
  path?: string | undefined;
}

/** Options of {@link readAttribution}. */
export interface AttributionOptions {
  /** Proxies to believe about the client IP and protocol. Default `false`. */
  trustProxy?: TrustProxy | undefined;
  /**
   * The socket peer address, for Fetch requests (which do not carry it), e.g. Deno's
   * `info.remoteAddr.hostname` or Bun's `server.requestIP(req)?.address`. Node requests use their socket.
   */
  remoteAddress?: string | undefined;
  /** How to re-issue the `__oppref` cookie. */
  cookie?: OpprefCookieOptions | undefined;
}

/** Where `oppref` came from. */
export type OpprefSource = 'url' | 'referer' | 'cookie';

/** Attribution read from one incoming request. */
export interface Attribution {
  /** Click id: URL `?oppref=`, else the Referer's `?oppref=`, else the `__oppref` cookie. Unchanged. */
  oppref?: string;
  /** Where `oppref` came from. */
  opprefSource?: OpprefSource;
  /** Browser id from the `__obref` cookie. */
  obref?: string;
  /** Client IP (see `trustProxy`); only a valid IPv4/IPv6 address. */
  ipAddress?: string;
  /** `User-Agent` header. */
  userAgent?: string;
  /** True when the request carries `Sec-GPC: 1` (Global Privacy Control). */
  gpc: boolean;
  /**
   * `Set-Cookie` values to add to the response: `__oppref` re-issued by the server when a click id
   * came in the URL or Referer, so it outlives Safari's 7-day cap on script-set cookies. Empty when
   * the click id came from the cookie, and, when no `cookie.domain` is configured, when the
   * `__oppref` cookie already holds that same value (see {@link OpprefCookieOptions.domain}).
   */
  setCookies: string[];
}

const DAY_SECONDS = 86_400;

/**
 * Reads `oppref`, `obref`, client IP, user agent and GPC from a Fetch `Request` or a Node
 * `IncomingMessage`, and prepares the `Set-Cookie` that re-issues `__oppref` from the server
 * (default 30 days, `Path=/`, `SameSite=Lax`, `Secure` on https, not `HttpOnly` so the pixel can
 * still read it). A fresh URL value wins over an older cookie. Without `cookie.domain` the cookie
 * is not re-issued when the request's `__oppref` cookie already holds the same value. Query values
 * are read with core's `readQueryParam` (percent-decoded once, `+` kept), exactly as the browser
 * tracker reads them. Never throws for request content.
 *
 * @throws CapiValidationError for invalid options: a `trustProxy`
 *   that is not a boolean, a number or a function, a `remoteAddress` that is not a
 *   string, a `cookie.domain`, `cookie.path` or `cookie.sameSite` that would make an invalid or
 *   injectable `Set-Cookie`, a non-finite `cookie.maxAgeDays`, a `cookie.secure` other than a boolean or `'auto'`
 */
export function readAttribution(request: AnyRequest, options: AttributionOptions = {}): Attribution {
  const optionIssues = attributionOptionIssues(options);
  if (optionIssues.length > 0) throw new CapiValidationError(optionIssues);
  const url = urlOf(request);
  const cookies = parseCookies(headerOf(request, 'cookie'));
  const result: Attribution = { gpc: headerOf(request, 'sec-gpc')?.trim() === '1', setCookies: [] };

  const fromUrl = url === undefined ? undefined : readQueryParam(url.search, 'oppref');
  const fromReferer = fromUrl === undefined ? refererOppref(headerOf(request, 'referer')) : undefined;
  const fromCookie = nonEmpty(cookies.get(OPPREF_COOKIE));
  if (fromUrl !== undefined) Object.assign(result, { oppref: fromUrl, opprefSource: 'url' });
  else if (fromReferer !== undefined) Object.assign(result, { oppref: fromReferer, opprefSource: 'referer' });
  else if (fromCookie !== undefined) Object.assign(result, { oppref: fromCookie, opprefSource: 'cookie' });

  const obref = nonEmpty(cookies.get(OBREF_COOKIE));
  if (obref !== undefined) result.obref = obref;
  const ip = clientIp(request, options);
  if (ip !== undefined) result.ipAddress = ip;
  const userAgent = nonEmpty(headerOf(request, 'user-agent'));
  if (userAgent !== undefined) result.userAgent = userAgent;

  const c = options.cookie ?? {};
  // A host-only copy of a value the browser already holds would be a second `__oppref` cookie
  // (the tracker writes it on the registrable domain); with a configured domain it overwrites it.
  const alreadyStored = c.domain === undefined && fromCookie === result.oppref;
  if (result.oppref !== undefined && result.opprefSource !== 'cookie' && !alreadyStored) {
    const secure = c.secure === undefined || c.secure === 'auto' ? isHttps(request, url, options) : c.secure;
    result.setCookies.push(
      serializeCookie(OPPREF_COOKIE, result.oppref, {
        maxAgeSeconds: Math.round((c.maxAgeDays ?? 30) * DAY_SECONDS),
        path: c.path ?? '/',
        sameSite: c.sameSite ?? 'Lax',
        secure,
        ...(c.domain === undefined ? {} : { domain: c.domain }),
      }),
    );
  }
  return result;
}

/**
 * The issues of {@link AttributionOptions} (empty when they are valid), each path `prefix` + the
 * option (`trustProxy`, `cookie.domain`…). Checked by `readAttribution` on every call and by
 * `createRelayHandler` once, when it is created, so that a bad option is a `CapiValidationError`
 * naming it, never a `TypeError` or a 500 on some later request.
 */
export function attributionOptionIssues(options: unknown, prefix = ''): Issue[] {
  if (options === undefined) return [];
  if (typeof options !== 'object' || options === null) {
    return [{ path: prefix.slice(0, -1), code: 'invalid_type', message: 'options must be an object' }];
  }
  const issues: Issue[] = [];
  const { trustProxy, remoteAddress, cookie } = options as Record<string, unknown>;
  // A number is clamped to the chain (below 0: the peer itself), as documented.
  if (trustProxy !== undefined && !['boolean', 'number', 'function'].includes(typeof trustProxy)) {
    issues.push({ path: `${prefix}trustProxy`, code: 'invalid_type', message: 'trustProxy must be a boolean, a number of proxies or a function' });
  }
  if (remoteAddress !== undefined && typeof remoteAddress !== 'string') {
    issues.push({ path: `${prefix}remoteAddress`, code: 'invalid_type', message: 'remoteAddress must be a string' });
  }
  if (cookie === undefined) return issues;
  if (typeof cookie !== 'object' || cookie === null) {
    issues.push({ path: `${prefix}cookie`, code: 'invalid_type', message: 'cookie must be an object' });
    return issues;
  }
  const { maxAgeDays, secure, domain, path, sameSite } = cookie as Record<string, unknown>;
  if (maxAgeDays !== undefined && (typeof maxAgeDays !== 'number' || !Number.isFinite(maxAgeDays))) {
    issues.push({ path: `${prefix}cookie.maxAgeDays`, code: 'invalid_type', message: 'cookie maxAgeDays must be a finite number' });
  }
  if (secure !== undefined && secure !== 'auto' && typeof secure !== 'boolean') {
    issues.push({ path: `${prefix}cookie.secure`, code: 'invalid_type', message: "cookie secure must be a boolean or 'auto'" });
  }
  issues.push(...cookieAttributeIssues({ domain, path, sameSite }, `${prefix}cookie.`));
  return issues;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** `?oppref=` of the `Referer` URL, read with the same core rule as the browser's capture. */
function refererOppref(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return readQueryParam(new URL(referer).search, 'oppref');
  } catch {
    return undefined;
  }
}

function isHttps(request: AnyRequest, url: URL | undefined, options: AttributionOptions): boolean {
  if (peerIsTrustedProxy(request, options)) {
    const proto = headerOf(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (proto === 'https') return true;
    if (proto === 'http') return false;
  }
  return url?.protocol === 'https:';
}

/**
 * Whether the peer may speak for the request (`X-Forwarded-Proto`): `trustProxy` is `true`, a
 * number ≥ 1 (the peer is the first of the trusted hops), or a function that trusts the peer's
 * address (a Fetch request without one: the platform's own proxy, trusted as before). A client
 * talking to the server directly must not be able to strip `Secure` from its own cookie.
 */
function peerIsTrustedProxy(request: AnyRequest, options: AttributionOptions): boolean {
  const trust = options.trustProxy ?? false;
  if (typeof trust === 'boolean') return trust;
  if (typeof trust === 'number') return Math.floor(trust) >= 1;
  const peer = socketAddress(request) ?? options.remoteAddress;
  return peer === undefined || trust(normalizeIp(peer));
}

/** The client IP per `trustProxy`, or `undefined` when unknown or not a valid address. */
export function clientIp(request: AnyRequest, options: AttributionOptions = {}): string | undefined {
  const peer = socketAddress(request) ?? options.remoteAddress;
  const trust = options.trustProxy ?? false;
  let candidate: string | undefined = peer;
  if (trust !== false) {
    const forwarded = (headerOf(request, 'x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    // Nearest first: the peer (maybe unknown for Fetch requests), then the header right to left.
    const chain: Array<string | undefined> = [peer, ...forwarded.reverse()];
    if (trust === true) candidate = chain[chain.length - 1];
    else if (typeof trust === 'number') candidate = chain[Math.min(Math.max(0, Math.floor(trust)), chain.length - 1)];
    else {
      let i = 0;
      while (i < chain.length - 1 && (chain[i] === undefined || trust(normalizeIp(chain[i]!)))) i++;
      candidate = chain[i];
    }
  }
  if (candidate === undefined) return undefined;
  const ip = normalizeIp(candidate);
  return isValidIp(ip) ? ip : undefined;
}

/** Strips brackets, ports and the IPv4-mapped IPv6 prefix: `[::1]:80` → `::1`, `::ffff:1.2.3.4` → `1.2.3.4`. */
function normalizeIp(address: string): string {
  let ip = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}
