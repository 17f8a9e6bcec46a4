import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate.js';
import { codes, NOW, order } from './__fixtures__/events.js';

const HASH = 'b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514';
const HASH2 = '18f69bcd2f9cc9c38195e722b2a5590429840ea5090971d2256e026926e55fa1';
const withUser = (user: unknown) => codes(validateEvent({ ...order(), user }, { now: NOW }));

describe('validateEvent: user', () => {
  it.each(['emails_sha256', 'phone_numbers_sha256', 'external_ids_sha256', 'first_names_sha256', 'last_names_sha256'])(
    '%s holds 1-3 unique lowercase SHA-256 hex digests',
    (key) => {
      expect(withUser({ [key]: [HASH] })).toEqual([]);
      expect(withUser({ [key]: [HASH, HASH2, HASH.replace('b', 'c')] })).toEqual([]);
      expect(withUser({ [key]: [HASH.toUpperCase()] })).toEqual([`user.${key}[0]:invalid_format`]);
      expect(withUser({ [key]: [HASH.slice(1)] })).toEqual([`user.${key}[0]:invalid_format`]);
      expect(withUser({ [key]: ['user@example.com'] })).toEqual([`user.${key}[0]:invalid_format`]);
      expect(withUser({ [key]: HASH })).toEqual([`user.${key}:invalid_type`]);
      expect(withUser({ [key]: [] })).toEqual([`user.${key}:empty`]);
      expect(withUser({ [key]: [HASH, HASH2, 'a', 'b'] })).toEqual([`user.${key}:too_many`]);
      expect(withUser({ [key]: [HASH, HASH] })).toEqual([`user.${key}[1]:duplicate`]);
      expect(withUser({ [key]: [HASH, 5] })).toEqual([`user.${key}[1]:invalid_type`]);
    },
  );

  it.each([
    [{ cities: ['San Francisco'], regions: ['California'] }, []],
    [{ cities: [' San Francisco'] }, ['user.cities[0]:invalid_format']],
    [{ regions: [''] }, ['user.regions[0]:invalid_format']],
    [{ cities: ['x'.repeat(128)] }, []],
    [{ cities: ['x'.repeat(129)] }, ['user.cities[0]:invalid_format']],
    [{ postal_codes: ['94107', 'SW1A 1AA', '12345-6789'] }, []],
    [{ postal_codes: ['94107!'] }, ['user.postal_codes[0]:invalid_format']],
    [{ postal_codes: ['1'.repeat(33)] }, ['user.postal_codes[0]:invalid_format']],
    [{ countries: ['US', 'FR'] }, []],
    [{ countries: ['us'] }, ['user.countries[0]:invalid_format']],
    [{ countries: ['USA'] }, ['user.countries[0]:invalid_format']],
    [{ countries: ['United States'] }, ['user.countries[0]:invalid_format']],
    [{ countries: ['ZZ'] }, ['user.countries[0]:invalid_format']],
  ])('raw geo %#', (user, expected) => expect(withUser(user)).toEqual(expected));

  it.each([
    [{ obref: '123e4567-e89b-42d3-a456-426614174000' }, []],
    [{ obref: '   ' }, ['user.obref:invalid_format']],
    [{ obref: ['a'] }, ['user.obref:invalid_type']],
    [{ ip_address: '203.0.113.1' }, []],
    [{ ip_address: '2001:db8::1' }, []],
    [{ ip_address: '203.0.113.256' }, ['user.ip_address:invalid_format']],
    [{ ip_address: 'localhost' }, ['user.ip_address:invalid_format']],
    [{ user_agent: 'Mozilla/5.0' }, []],
    [{ user_agent: '' }, ['user.user_agent:invalid_format']],
    [{ user_agent: null }, ['user.user_agent:invalid_type']],
    [{ android_advertising_id: '38400000-8cf0-11bd-b23e-10b96e40000d' }, []],
    [{ android_advertising_id: '38400000-8cf0-11bd-b23e' }, ['user.android_advertising_id:invalid_format']],
  ])('device fields %#', (user, expected) => expect(withUser(user)).toEqual(expected));

  it('rejects unknown and friendly (camelCase / singular) keys, treats undefined as absent', () => {
    expect(withUser({ email: 'a@b.c', email_sha256: HASH, obref: undefined })).toEqual([
      'user.email:unknown_field',
      'user.email_sha256:unknown_field',
    ]);
  });

  it('never puts the rejected value into a message', () => {
    const secret = 'jane.doe@example.com';
    const result = validateEvent(
      { ...order(), user: { emails_sha256: [secret], cities: [` ${secret}`], ip_address: secret, user_agent: ' ' } },
      { now: NOW },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      // 3 reject; the city is optional: a warning (spec §10)
      expect(result.issues).toHaveLength(3);
      expect(result.warnings).toHaveLength(1);
      for (const issue of [...result.issues, ...result.warnings]) expect(issue.message).not.toContain('jane');
    }
  });
});

describe('wire user: audit cases', () => {
  it('refuses a user that is not a plain object, and a digest in a raw geo list', async () => {
    const { validateEvent } = await import('./validate.js');
    const { order, NOW: now } = await import('./__fixtures__/events.js');
    const codesOf = (user: unknown) => {
      const r = validateEvent({ ...order(), user }, { now, strict: true });
      return r.ok ? [] : r.issues.map((i) => `${i.path}:${i.code}`);
    };
    expect(codesOf(new Map([['countries', ['US']]]))).toEqual(['user:invalid_type']);
    expect(codesOf({ cities: ['a'.repeat(64)], regions: ['CA'] })).toEqual(['user.cities[0]:looks_hashed']);
  });
});
