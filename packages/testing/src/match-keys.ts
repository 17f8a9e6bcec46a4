import type { WireEvent } from '@x/openai-capi-core';

/** The identifiers that let OpenAI attribute an event, and whether any strong one is present. */
export interface MatchKeys {
  /** Present identifiers, strongest first: oppref, obref, email, external id, phone, ip+ua. */
  present: string[];
  /** False when the event has none of oppref, obref, hashed e-mail or hashed external id (§4). */
  likelyAttributable: boolean;
}

/** Lists the match keys of a wire event for the live page's hint. */
export function matchKeysOf(event: WireEvent): MatchKeys {
  const user = event.user ?? {};
  const present: string[] = [];
  if (event.oppref) present.push('oppref');
  if (user.obref) present.push('obref');
  if (user.emails_sha256?.length) present.push('email');
  if (user.external_ids_sha256?.length) present.push('external id');
  const strong = present.length > 0;
  if (user.phone_numbers_sha256?.length) present.push('phone');
  if (user.ip_address && user.user_agent) present.push('ip+ua');
  return { present, likelyAttributable: strong };
}
