/**
 * Match keys (spec §4): the identifiers that let OpenAI attribute an event to an ad click. The
 * strong ones are `oppref`, `user.obref`, a hashed email and a hashed external id; an event with
 * none of them is unlikely to be attributed (IP + user agent alone rarely match).
 */
import type { WireEvent } from './types.js';

/** An identifier OpenAI can match an event on. */
export type MatchKey = 'oppref' | 'obref' | 'email' | 'external_id' | 'phone' | 'ip_user_agent';

/** Every match key, strongest first (the order of {@link MatchKeys.present}). */
export const MATCH_KEYS: readonly MatchKey[] = ['oppref', 'obref', 'email', 'external_id', 'phone', 'ip_user_agent'];

/** The match keys of one event. */
export interface MatchKeys {
  /** Identifiers present, strongest first: `oppref`, `obref`, `email`, `external_id`, `phone`, `ip_user_agent`. */
  present: MatchKey[];
  /** False when the event has none of `oppref`, `user.obref`, a hashed email or a hashed external id. */
  likelyAttributable: boolean;
}

const STRONG: ReadonlySet<MatchKey> = new Set(['oppref', 'obref', 'email', 'external_id']);

/**
 * Lists the match keys a wire event carries (empty strings and empty lists do not count), and
 * whether any strong one is present (see {@link hasMatchKey}). Reads only presence, never values.
 */
export function matchKeysOf(event: WireEvent): MatchKeys {
  const user = event.user ?? {};
  const present: MatchKey[] = [];
  if (event.oppref) present.push('oppref');
  if (user.obref) present.push('obref');
  if (user.emails_sha256?.length) present.push('email');
  if (user.external_ids_sha256?.length) present.push('external_id');
  if (user.phone_numbers_sha256?.length) present.push('phone');
  if (user.ip_address && user.user_agent) present.push('ip_user_agent');
  return { present, likelyAttributable: present.some((key) => STRONG.has(key)) };
}

/**
 * True when the event carries at least one of `oppref`, `user.obref`, a hashed email or a hashed
 * external id (spec §4). Without any, OpenAI is unlikely to attribute it: send it anyway, but say so
 * (the Node client logs a `debug` line; the emulator's live page flags it).
 */
export function hasMatchKey(event: WireEvent): boolean {
  return matchKeysOf(event).likelyAttributable;
}
