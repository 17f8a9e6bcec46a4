import { CapiValidationError, decodeCookieValue, encodeCookieValue, type Issue } from '@x/openai-capi-core';

/** Attributes of a `Set-Cookie` header. */
export interface CookieAttributes {
  /** `Max-Age` in seconds. */
  maxAgeSeconds?: number | undefined;
  /** `Path` (default `/`). */
  path?: string | undefined;
  /** `Domain`, e.g. `example.com` to share the cookie with subdomains. Default: none (host-only). */
  domain?: string | undefined;
  /** `SameSite` (default `Lax`). */
  sameSite?: 'Strict' | 'Lax' | 'None' | undefined;
  /** `Secure`. */
  secure?: boolean | undefined;
  /** `HttpOnly`. */
  httpOnly?: boolean | undefined;
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

const SAME_SITE: readonly unknown[] = ['Strict', 'Lax', 'None'];

/**
 * The issues of cookie attributes that would make an invalid or injectable `Set-Cookie` header
 * (the one home of these rules: `serializeCookie` and the options of `readAttribution` and the relay
 * use it). Only the attributes present are checked; paths are `prefix` + the attribute name.
 */
export function cookieAttributeIssues(attributes: Partial<Record<keyof CookieAttributes, unknown>>, prefix = ''): Issue[] {
  const issues: Issue[] = [];
  const { domain, path, maxAgeSeconds: maxAge, sameSite, secure, httpOnly } = attributes;
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN.test(domain))) {
    issues.push({ path: `${prefix}domain`, code: 'invalid_format', message: 'cookie domain must be a host name such as example.com' });
  }
  if (path !== undefined && (typeof path !== 'string' || !PATH.test(path))) {
    issues.push({ path: `${prefix}path`, code: 'invalid_format', message: 'cookie path must start with / and hold no ; or control characters' });
  }
  // NaN or Infinity would print as `Max-Age=NaN`: a header browsers reject or misread.
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isFinite(maxAge))) {
    issues.push({ path: `${prefix}maxAgeSeconds`, code: 'invalid_type', message: 'cookie Max-Age must be a finite number' });
  }
  if (sameSite !== undefined && !SAME_SITE.includes(sameSite)) {
    issues.push({ path: `${prefix}sameSite`, code: 'invalid_value', message: "cookie SameSite must be 'Strict', 'Lax' or 'None'" });
  }
  for (const [key, flag] of [['secure', secure], ['httpOnly', httpOnly]] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') issues.push({ path: `${prefix}${key}`, code: 'invalid_type', message: `cookie ${key} must be a boolean` });
  }
  return issues;
}

/**
 * Serializes one `Set-Cookie` value; the value is encoded with core's `encodeCookieValue`, as the browser writes it. Throws `CapiValidationError`
 * for a name, domain, path, `sameSite` or non-finite `maxAgeSeconds` that would make an invalid or injectable header.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  const issues: Issue[] = [];
  if (typeof name !== 'string' || !TOKEN.test(name)) issues.push({ path: 'name', code: 'invalid_format', message: 'cookie name must be an RFC 6265 token' });
  issues.push(...cookieAttributeIssues(attributes));
  if (issues.length > 0) throw new CapiValidationError(issues);
  const path = attributes.path ?? '/';
  const maxAge = attributes.maxAgeSeconds;

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
