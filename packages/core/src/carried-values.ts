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

// RFC 6265 cookie-octets without `%`: a value made only of these is written as it is.
// (0x21, 0x23-0x24, 0x26-0x2B, 0x2D-0x3A, 0x3C-0x5B, 0x5D-0x7E), written as characters: it ships in the page.
const COOKIE_SAFE = /^[!#$&-+\--:<-[\]-~]*$/;

/**
 * Encodes a cookie value the way this SDK writes it, in the browser and in `Set-Cookie` alike: as it
 * is when every character is a cookie octet other than `%` (click ids are: letters, digits, `-_.+/=`),
 * else `encodeURIComponent(value)`, so `;`, `,`, spaces, `%` and non-ASCII characters are safe.
 * Writing safe values unencoded keeps `__oppref` / `__obref` byte for byte what OpenAI's own script
 * writes. A lone surrogate (not valid Unicode) becomes U+FFFD, as the browser does with
 * `document.cookie`, instead of throwing.
 */
export function encodeCookieValue(value: string): string {
  const text = toWellFormedText(value);
  return COOKIE_SAFE.test(text) ? text : encodeURIComponent(text);
}

/**
 * Decodes a cookie value read from `document.cookie` or a `Cookie` header: the inverse of
 * {@link encodeCookieValue}, and nothing else. A value is decoded only when it is exactly what
 * `encodeCookieValue` writes for its decoded form (which was not cookie-safe); any other value is a
 * cookie this SDK did not encode (OpenAI's script and other integrations write `__oppref` and
 * `__obref` raw) and is returned **unchanged**, its own `%` included (`a%2Bb` stays `a%2Bb`:
 * we would have written `a+b` as it is).
 */
export function decodeCookieValue(raw: string): string {
  const decoded = decodeOnce(raw);
  return encodeCookieValue(decoded) === raw ? decoded : raw;
}
