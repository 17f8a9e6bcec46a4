/**
 * Reads OpenAI's click id (`oppref`) from the landing URL. The value is opaque (spec §3): it is
 * percent-decoded once, as the URL carries it, and otherwise left untouched (no trimming, no
 * `+` → space form decoding, no re-encoding).
 */

/**
 * The `oppref` query parameter of `search` (e.g. `location.search`), percent-decoded once; the raw
 * text when it is not valid percent-encoding; `undefined` when absent or empty. The first
 * occurrence wins.
 */
export function readOpprefFromSearch(search: string): string | undefined {
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair.startsWith('oppref=')) continue;
    const raw = pair.slice(7);
    if (!raw) return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
