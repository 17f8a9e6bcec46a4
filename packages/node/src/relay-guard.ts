/**
 * The relay's request guard: which method, and where a request comes from. A browser tells the
 * server where a request comes from (`Sec-Fetch-Site`, else `Origin`, else `Referer`), and a page on
 * another site cannot make it lie, so a forged conversion or a stuffed cookie from another site is
 * refused here, before the body is read.
 */
import { CapiError } from '@x/openai-capi-core';
import type { TrustProxy } from './attribution.js';
import { echo, refusal } from './relay-answer.js';
import type { Reporter } from './relay-report.js';

/** Where an accepted request comes from. `same-origin` is the only one that may set `__oppref`. */
export type Provenance = 'same-origin' | 'same-site' | 'allowed-origin' | 'server';

/** What the guard needs of the relay's options. */
export interface GuardOptions {
  allowedOrigins?: readonly string[] | ((origin: string) => boolean) | undefined;
  allowSameSite?: boolean | undefined;
  allowServerToServer?: boolean | undefined;
  trustProxy?: TrustProxy | undefined;
}

/** Checks method and provenance; returns the provenance, or the answer refusing the request. */
export type Guard = (request: Request, method: string) => Provenance | Response;

/** The only method the relay serves; every other gets 405 with `Allow: POST`. */
const ALLOW = 'POST';

/** The guard for one relay; refusals are reported once per origin (or method) through `reporter`. */
export function createGuard(options: GuardOptions, reporter: Reporter): Guard {
  const isAllowed = originCheck(options.allowedOrigins);
  return (request, method) => {
    if (method !== ALLOW) {
      reporter.once(`method ${method}`, () => new CapiError(`relay refused a ${echo(method)} request (405): only POST is accepted`), request);
      return refusal(405, 'method_not_allowed', 'only POST is accepted', { allow: ALLOW });
    }
    const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase() || undefined;
    const origin = request.headers.get('origin') ?? refererOrigin(request.headers.get('referer'));
    const own = origin !== undefined && origin !== 'null' && isOwnOrigin(origin, request, options.trustProxy);
    if (site === 'same-origin' || (site === undefined && own)) return 'same-origin';
    if (origin !== undefined && origin !== 'null' && isAllowed?.(origin.toLowerCase()) === true) return 'allowed-origin';
    if (site === 'same-site' && options.allowSameSite === true) return 'same-site';
    if (site === undefined && origin === undefined && options.allowServerToServer === true) return 'server';

    const from = origin ?? (site === undefined ? 'a caller without Origin, Referer or Sec-Fetch-Site' : `Sec-Fetch-Site: ${site}`);
    const hint = site === undefined && origin === undefined
      ? 'set allowServerToServer for server callers'
      : 'a page on another origin; list it in allowedOrigins if it is yours, or pass trustProxy when a proxy rewrites the Host header';
    reporter.once(`origin ${from}`, () => new CapiError(`relay refused a request from ${echo(from)} (403): ${hint}`), request);
    return refusal(403, 'origin_not_allowed', 'the request does not come from this site (Sec-Fetch-Site, Origin or Referer) nor from allowedOrigins');
  };
}

/** The origin of a `Referer` URL, when it parses. */
function refererOrigin(referer: string | null): string | undefined {
  if (referer === null) return undefined;
  try {
    const origin = new URL(referer).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether `origin` names the host the request was sent to: its URL's host, or with `trustProxy`
 * the first `X-Forwarded-Host`. Hosts are compared with their ports (a default port and none are
 * the same); the scheme is not, since a TLS-terminating proxy makes an https page's request arrive
 * as http.
 */
function isOwnOrigin(origin: string, request: Request, trustProxy: TrustProxy | undefined): boolean {
  let claimed: URL;
  let own: URL;
  try {
    claimed = new URL(origin);
    own = new URL(request.url);
    const forwarded = believesForwardedHost(trustProxy) ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    if (forwarded) own = new URL(`${own.protocol}//${forwarded}`);
  } catch {
    return false;
  }
  return claimed.hostname.toLowerCase() === own.hostname.toLowerCase() && effectivePort(claimed) === effectivePort(own);
}

/** `trustProxy` trusts at least the nearest proxy (`true`, a number ≥ 1, or a predicate). */
function believesForwardedHost(trustProxy: TrustProxy | undefined): boolean {
  if (typeof trustProxy === 'number') return Math.floor(trustProxy) >= 1;
  return trustProxy === true || typeof trustProxy === 'function';
}

function effectivePort(url: URL): string {
  return url.port === '443' || url.port === '80' ? '' : url.port;
}

function originCheck(allowed: GuardOptions['allowedOrigins']): ((origin: string) => boolean) | undefined {
  if (allowed === undefined) return undefined;
  if (typeof allowed === 'function') return allowed;
  const set = new Set(allowed.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  return (origin) => set.has(origin);
}
