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

/** The keys that make an event likely to be attributed (spec §4); IP + user agent and phone alone rarely match. */
const STRONG: readonly MatchKey[] = ['oppref', 'obref', 'email', 'external_id'];
/** {@link STRONG} as bits of {@link matchKeyBits}. */
// Marked pure: browser bundles that never use match keys must be able to drop it (and the lists).
const STRONG_BITS = /* @__PURE__ */ STRONG.reduce((bits, key) => bits | (1 << MATCH_KEYS.indexOf(key)), 0);

/**
 * The match keys a wire event carries as bits: bit `i` set when `MATCH_KEYS[i]` is present (empty
 * strings and empty lists do not count). The one implementation of the rule behind
 * {@link matchKeysOf} and {@link hasMatchKey}; the coverage tally counts from it without building
 * a list per event. Reads only presence, never values.
 */
export function matchKeyBits(event: WireEvent): number {
  // Bits in MATCH_KEYS order: oppref 1, obref 2, email 4, external_id 8, phone 16, ip_user_agent 32.
  let bits = event.oppref ? 1 : 0;
  const user = event.user;
  if (!user) return bits;
  if (user.obref) bits |= 2;
  if (user.emails_sha256?.length) bits |= 4;
  if (user.external_ids_sha256?.length) bits |= 8;
  if (user.phone_numbers_sha256?.length) bits |= 16;
  if (user.ip_address && user.user_agent) bits |= 32;
  return bits;
}

/**
 * Lists the match keys a wire event carries (empty strings and empty lists do not count), and
 * whether any strong one is present (see {@link hasMatchKey}). Reads only presence, never values.
 */
export function matchKeysOf(event: WireEvent): MatchKeys {
  const bits = matchKeyBits(event);
  const present = MATCH_KEYS.filter((_, i) => (bits & (1 << i)) !== 0);
  return { present, likelyAttributable: (bits & STRONG_BITS) !== 0 };
}

/**
 * True when the event carries at least one of `oppref`, `user.obref`, a hashed email or a hashed
 * external id (spec §4). Without any, OpenAI is unlikely to attribute it: send it anyway, but say so
 * (the Node client logs a `debug` line; the emulator's live page flags it).
 */
export function hasMatchKey(event: WireEvent): boolean {
  return (matchKeyBits(event) & STRONG_BITS) !== 0;
}
