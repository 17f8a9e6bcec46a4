import { CapiValidationError, decodeCookieValue, encodeCookieValue } from '@x/openai-capi-core';

/** Attributes of a `Set-Cookie` header. */
export interface CookieAttributes {
  /** `Max-Age` in seconds. */
  maxAgeSeconds?: number;
  /** `Path` (default `/`). */
  path?: string;
  /** `Domain`, e.g. `example.com` to share the cookie with subdomains. Default: none (host-only). */
  domain?: string;
  /** `SameSite` (default `Lax`). */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** `Secure`. */
  secure?: boolean;
  /** `HttpOnly`. */
  httpOnly?: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Parses a `Cookie` header into name → value. Surrounding double quotes are removed, then values
 * are decoded with core's `decodeCookieValue` (percent-decoded once, the raw text when that fails),
 * the rule the browser tracker reads its cookies with. The first occurrence of a name wins
 * (browsers send the most specific cookie first).
 */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, decodeCookieValue(value));
  }
  return cookies;
}

/**
 * Serializes one `Set-Cookie` value; the value is encoded with core's `encodeCookieValue`, as the browser writes it. Throws `CapiValidationError`
 * for a name, domain, path or non-finite `maxAgeSeconds` that would make an invalid or injectable header.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  const issues = [];
  if (!TOKEN.test(name)) issues.push({ path: 'name', code: 'invalid_format', message: 'cookie name must be an RFC 6265 token' });
  if (attributes.domain !== undefined && !DOMAIN.test(attributes.domain)) {
    issues.push({ path: 'domain', code: 'invalid_format', message: 'cookie domain must be a host name such as example.com' });
  }
  const path = attributes.path ?? '/';
  if (!PATH.test(path)) issues.push({ path: 'path', code: 'invalid_format', message: 'cookie path must start with / and hold no ; or control characters' });
  const maxAge = attributes.maxAgeSeconds;
  // NaN or Infinity would print as `Max-Age=NaN`: a header browsers reject or misread.
  if (maxAge !== undefined && !Number.isFinite(maxAge)) issues.push({ path: 'maxAgeSeconds', code: 'invalid_type', message: 'cookie Max-Age must be a finite number' });
  if (issues.length > 0) throw new CapiValidationError(issues);

  let cookie = `${name}=${encodeCookieValue(value)}`;
  // Capped so it prints as plain digits (`String(1e21)` is `1e+21`); browsers cap it at 400 days anyway.
  if (maxAge !== undefined) cookie += `; Max-Age=${Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(maxAge)))}`;
  if (attributes.domain !== undefined) cookie += `; Domain=${attributes.domain}`;
  cookie += `; Path=${path}`;
  cookie += `; SameSite=${attributes.sameSite ?? 'Lax'}`;
  if (attributes.secure === true || attributes.sameSite === 'None') cookie += '; Secure';
  if (attributes.httpOnly === true) cookie += '; HttpOnly';
  return cookie;
}
