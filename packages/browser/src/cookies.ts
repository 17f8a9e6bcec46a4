/**
 * First-party cookies, hand-written (no cookie library): read, write, delete, and the write-probe
 * that finds the registrable domain (the broadest parent domain the browser lets us set a cookie
 * on, i.e. the one just below the public suffix), as posthog-js and Segment do.
 */
import { decodeCookieValue, encodeCookieValue } from '@x/openai-capi-core';

/** Attributes of a cookie this package writes. `Path=/` and `SameSite=Lax` are always set. */
export interface CookieAttributes {
  /** Lifetime in seconds (`Max-Age`, ≥ 0); 0 deletes the cookie. */
  maxAgeSeconds: number;
  /** `Domain` attribute; absent for a host-only cookie. */
  domain?: string | undefined;
  /** Adds `Secure` (set it on https pages). */
  secure: boolean;
}

const PROBE_COOKIE = '__oppref_probe';

/**
 * Every non-empty value of cookie `name` in `doc.cookie` (there can be several: one per `Domain` or
 * `Path`), decoded with core's `decodeCookieValue` (percent-decoded once, left as is when it is not
 * valid percent-encoding), in the order the browser lists them.
 */
export function readCookieValues(doc: Document, name: string): string[] {
  const values: string[] = [];
  for (const part of doc.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      if (raw) values.push(decodeCookieValue(raw));
    }
  }
  return values;
}

/** The first value of cookie `name` ({@link readCookieValues}), or `undefined` when absent or empty. */
export function readCookie(doc: Document, name: string): string | undefined {
  return readCookieValues(doc, name)[0];
}

/** Sets cookie `name` (value encoded with core's `encodeCookieValue`) with `Path=/; SameSite=Lax` and the given attributes. */
export function writeCookie(doc: Document, name: string, value: string, attributes: CookieAttributes): void {
  doc.cookie =
    `${name}=${encodeCookieValue(value)}; Max-Age=${Math.floor(attributes.maxAgeSeconds)}` +
    // An Expires in the past too: some cookie jars (happy-dom among them) keep a cookie on Max-Age=0.
    (attributes.maxAgeSeconds > 0 ? '' : '; Expires=Thu, 01 Jan 1970 00:00:00 GMT') +
    '; Path=/; SameSite=Lax' +
    (attributes.domain ? `; Domain=${attributes.domain}` : '') +
    (attributes.secure ? '; Secure' : '');
}

/** Deletes cookie `name` for one domain (or the host-only one when `domain` is absent). */
export function deleteCookie(doc: Document, name: string, domain: string | undefined, secure: boolean): void {
  writeCookie(doc, name, '', { maxAgeSeconds: 0, domain, secure });
}

/**
 * Parent domains of `hostname` that could carry a cookie, broadest first, from the last two labels
 * down to the hostname itself (`a.shop.co.uk` → `co.uk`, `shop.co.uk`, `a.shop.co.uk`).
 * Empty for `localhost`, IP addresses and single-label hosts: they only get host-only cookies.
 */
export function cookieDomainCandidates(hostname: string): string[] {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.includes(':') || /^[\d.]+$/.test(host)) return [];
  const labels = host.split('.');
  const candidates: string[] = [];
  for (let i = labels.length - 2; i >= 0; i--) candidates.push(labels.slice(i).join('.'));
  return candidates;
}

/**
 * Finds the cookie domain by write-probe: tries each of `domains` in order (`undefined` entries
 * skipped; {@link cookieDomainCandidates} lists them broadest first), keeps the first one the
 * browser accepts (it refuses public suffixes such as `co.uk`, and domains that are not the page's
 * host or a parent of it), removes the probe cookie, and returns that domain, or `undefined` when
 * none sticks (a host-only cookie).
 */
export function probeCookieDomain(doc: Document, domains: readonly (string | undefined)[], secure: boolean): string | undefined {
  const token = Math.random().toString(36).slice(2);
  for (const domain of domains) {
    if (!domain) continue;
    writeCookie(doc, PROBE_COOKIE, token, { maxAgeSeconds: 10, domain, secure });
    const stuck = readCookie(doc, PROBE_COOKIE) === token;
    deleteCookie(doc, PROBE_COOKIE, domain, secure);
    if (stuck) return domain;
  }
  return undefined;
}
