import { describe, expect, it } from 'vitest';
import { hasMatchKey, matchKeysOf, type WireEvent } from '@x/openai-capi-core';
import { BARE_EVENT as base, HASH } from './__fixtures__/events.js';

describe('matchKeysOf / hasMatchKey', () => {
  it.each<[string, WireEvent, string[], boolean]>([
    ['oppref', { ...base, oppref: 'click' }, ['oppref'], true],
    ['obref', { ...base, user: { obref: 'ob' } }, ['obref'], true],
    ['hashed email', { ...base, user: { emails_sha256: [HASH] } }, ['email'], true],
    ['hashed external id', { ...base, user: { external_ids_sha256: [HASH] } }, ['external_id'], true],
    [
      'only phone and ip + user agent',
      { ...base, user: { phone_numbers_sha256: [HASH], ip_address: '::1', user_agent: 'UA' } },
      ['phone', 'ip_user_agent'],
      false,
    ],
    ['ip without user agent', { ...base, user: { ip_address: '::1' } }, [], false],
    ['empty oppref and empty lists', { ...base, oppref: '', user: { obref: '', emails_sha256: [] } }, [], false],
    ['nothing', base, [], false],
    [
      'everything, strongest first',
      { ...base, oppref: 'c', user: { user_agent: 'UA', ip_address: '::1', phone_numbers_sha256: [HASH], external_ids_sha256: [HASH], emails_sha256: [HASH], obref: 'o' } },
      ['oppref', 'obref', 'email', 'external_id', 'phone', 'ip_user_agent'],
      true,
    ],
  ])('%s', (_, event, present, likelyAttributable) => {
    expect(matchKeysOf(event)).toEqual({ present, likelyAttributable });
    expect(hasMatchKey(event)).toBe(likelyAttributable);
  });
});
