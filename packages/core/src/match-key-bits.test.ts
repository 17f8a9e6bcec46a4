import { describe, expect, it } from 'vitest';
import type { WireEvent } from '@x/openai-capi-core';
import { MATCH_KEYS, matchKeyBits, matchKeysOf } from './match-keys.js';
import { BARE_EVENT as base, HASH } from './__fixtures__/events.js';

describe('matchKeyBits', () => {
  it('sets bit i exactly when MATCH_KEYS[i] is present, for every combination of fields', () => {
    const fields: Array<(e: { oppref?: string; user: Record<string, unknown> }) => void> = [
      (e) => void (e.oppref = 'c'),
      (e) => void (e.user.obref = 'o'),
      (e) => void (e.user.emails_sha256 = [HASH]),
      (e) => void (e.user.external_ids_sha256 = [HASH]),
      (e) => void (e.user.phone_numbers_sha256 = [HASH]),
      (e) => void (e.user.ip_address = '::1'),
      (e) => void (e.user.user_agent = 'UA'),
    ];
    for (let set = 0; set < 1 << fields.length; set++) {
      const built = { ...base, user: {} } as { oppref?: string; user: Record<string, unknown> };
      fields.forEach((add, i) => (set & (1 << i)) !== 0 && add(built));
      const e = built as unknown as WireEvent;
      // The rule spelled out: one field per key, but IP and user agent only together.
      const expected = MATCH_KEYS.filter((_, i) => (i < 5 ? (set & (1 << i)) !== 0 : (set & 0b1100000) === 0b1100000));
      const bits = matchKeyBits(e);
      expect(MATCH_KEYS.filter((_, i) => (bits & (1 << i)) !== 0)).toEqual(expected);
      expect(matchKeysOf(e).present).toEqual(expected);
      expect(bits >> MATCH_KEYS.length).toBe(0);
    }
    expect(matchKeyBits(base)).toBe(0);
  });
});
