/**
 * Reading values the way URLs and cookies carry them. The click id (`oppref`) is opaque (spec §3):
 * it is percent-decoded once, exactly as the URL or cookie carries it, and otherwise left untouched.
 * Browser and server both read it through these functions, so they see the same string.
 */
import { toWellFormedText } from './validate-common.js';

/**
 * `text` percent-decoded once; `text` itself when it is not valid percent-encoding (a stray `%`,
 * a truncated escape, invalid UTF-8), so a malformed value is kept rather than lost.
 */
function decodeOnce(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Reads parameter `name` from a URL query string (`location.search`, `url.search`), with or
 * without its leading `?` (a `#fragment` is ignored).
 *
 * - The name must match exactly (case-sensitive, not decoded): `OPPREF=` is another parameter.
 * - The value is percent-decoded once (`a%2Bb` → `a+b`, `a%252B` → `a%2B`) and otherwise untouched:
 *   `+` stays `+` (no form decoding into a space, unlike `URLSearchParams`), nothing is trimmed.
 * - A malformed percent-escape (`bad%E0%A4%A`) keeps the raw text.
 * - The first occurrence wins (`?oppref=a&oppref=b` → `a`).
 *
 * @returns the value, or `undefined` when the parameter is absent or its first occurrence is
 *   empty (`?oppref=` or `?oppref`)
 */
export function readQueryParam(search: string, name: string): string | undefined {
  const hash = search.indexOf('#');
  const query = (hash < 0 ? search : search.slice(0, hash)).replace(/^\?/, '');
  if (query === '' || name === '') return undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) !== name) continue;
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    return raw === '' ? undefined : decodeOnce(raw);
  }
  return undefined;
}

/**
 * Encodes a cookie value the way this SDK writes it, in the browser and in `Set-Cookie` alike:
 * `encodeURIComponent(value)`, so `;`, `,`, spaces and non-ASCII characters are safe. A lone
 * surrogate (not valid Unicode) becomes U+FFFD, as the browser does with `document.cookie`, instead
 * of throwing.
 */
export function encodeCookieValue(value: string): string {
  return encodeURIComponent(toWellFormedText(value));
}

/**
 * Decodes a cookie value read from `document.cookie` or a `Cookie` header: percent-decoded once
 * (the inverse of {@link encodeCookieValue}); the raw text when it is not valid percent-encoding
 * (e.g. a cookie written by someone else).
 */
export function decodeCookieValue(raw: string): string {
  return decodeOnce(raw);
}
