/**
 * The relay's cookie and click-id policy. `__oppref` decides who is credited for a visitor's later
 * purchases, and writing it needs the visitor's consent, so the relay sets it only for a request
 * from the site's own pages (`same-origin`) whose body carries the tracker's `consent: "granted"`
 * (the tracker posts only while consent is granted): never for another origin, a same-site or
 * server caller, nor a query string alone. Click and browser ids over their cap are left out.
 */
import type { Issue } from '@x/openai-capi-core';
import type { Attribution } from './attribution.js';
import type { Provenance } from './relay-guard.js';

/**
 * Longest `oppref` or `obref` the relay forwards, in characters (real ones are far shorter); a longer
 * one is left out of the event with a warning, and never written into a cookie.
 */
export const MAX_REF_LENGTH = 512;

const REF_FIELDS = ['oppref', 'obref'] as const;

/** The request's attribution with an over-long `oppref`/`obref` left out, and the warnings saying so. */
export function capAttribution(attribution: Attribution): { attribution: Attribution; warnings: Issue[] } {
  const warnings: Issue[] = [];
  const capped: Attribution = { ...attribution };
  for (const field of REF_FIELDS) {
    const value = capped[field];
    if (value !== undefined && value.length > MAX_REF_LENGTH) {
      delete capped[field];
      if (field === 'oppref') {
        delete capped.opprefSource;
        capped.setCookies = [];
      }
      warnings.push(tooLong(field, `the request's ${field} (URL, Referer or cookie)`));
    }
  }
  return { attribution: capped, warnings };
}

/** Leaves an over-long string `oppref`/`obref` out of one raw event (a copy); the warnings say so. */
export function capEventRefs(raw: unknown, index: number): { raw: unknown; warnings: Issue[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { raw, warnings: [] };
  const event = raw as Record<string, unknown>;
  const warnings: Issue[] = [];
  let copy: Record<string, unknown> | undefined;
  for (const field of REF_FIELDS) {
    const value = event[field];
    if (typeof value === 'string' && value.length > MAX_REF_LENGTH) {
      copy ??= { ...event };
      delete copy[field];
      warnings.push({ ...tooLong(field, `this event's ${field}`), path: `events[${index}].${field}` });
    }
  }
  return { raw: copy ?? raw, warnings };
}

/** The `Set-Cookie` headers the answer may carry: only same-origin with consent posted. */
export function allowedCookies(attribution: Attribution, provenance: Provenance, consent: boolean): readonly string[] {
  return provenance === 'same-origin' && consent ? attribution.setCookies : [];
}

function tooLong(field: string, what: string): Issue {
  return { path: field, code: 'too_long', message: `${what} is over ${MAX_REF_LENGTH} characters: left out` };
}
