import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { CapiError, CapiValidationError } from './errors.js';
import { sha256Hex } from './hash.js';
import type { UserInput } from './types.js';
import { hashUser, toPixelUser } from './user.js';
import { issuesOf } from './__fixtures__/issues-of.js';

const docUser = vectors.user_objects[0]?.user as Record<string, unknown>;
const hashOf = (field: string, input: string) => vectors.hashes.find((h) => h.field === field && h.input === input)?.sha256;


describe('hashUser', () => {
  it('reproduces the docs user object from raw values', () => {
    const user = hashUser({
      email: 'user@example.com',
      phone: '+1 (415) 555-2671',
      externalId: 'customer_123',
      firstName: 'ada',
      lastName: 'lovelace',
      region: 'California',
      postalCode: '94107',
      city: 'San Francisco',
      country: 'US',
      obref: '123e4567-e89b-42d3-a456-426614174000',
      androidAdvertisingId: '38400000-8cf0-11bd-b23e-10b96e40000d',
      ipAddress: '203.0.113.1',
      userAgent: 'Mozilla/5.0',
    });
    expect(user).toEqual(docUser);
  });

  it('passes pre-hashed values through (lowercased) and merges them with hashed raw values, deduplicated', () => {
    const email = hashOf('email', 'user@example.com') as string;
    const other = hashOf('email', ' Ada@Example.COM ') as string;
    const user = hashUser({ emailSha256: [email.toUpperCase(), other], email: ['USER@example.com ', 'user@example.com'] });
    expect(user.emails_sha256).toEqual([email, other]);
  });

  it('dedupes after normalization and keeps first-occurrence order', () => {
    const user = hashUser({ firstName: ['Mary Jane', 'mary-jane', 'MARYJANE', "O'Connor"], country: ['us', 'US ', 'FR'] });
    expect(user.first_names_sha256).toEqual([hashOf('first_name', 'Mary Jane'), hashOf('last_name', "O'Connor")]);
    expect(user.countries).toEqual(['US', 'FR']);
  });

  it('accepts up to 3 unique values and rejects a 4th (too_many) instead of dropping it', () => {
    expect(hashUser({ phone: ['+14155552671', '+14155552672', '+14155552673'] }).phone_numbers_sha256).toHaveLength(3);
    const issues = issuesOf(() =>
      hashUser({ email: ['a@example.com', 'b@example.com', 'c@example.com'], emailSha256: hashOf('email', 'user@example.com') as string }),
    );
    expect(issues).toEqual([expect.objectContaining({ path: 'user.emailSha256', code: 'too_many' })]);
  });

  it('omits undefined, null, empty and blank values (no value), and empty lists', () => {
    const input = { email: '', phone: '  ', firstName: [], lastName: ['', 'lovelace'], city: undefined, obref: '', userAgent: ' ' };
    expect(hashUser(input as unknown as UserInput)).toEqual({ last_names_sha256: [hashOf('last_name', 'lovelace')] });
    expect(hashUser({ email: null } as unknown as UserInput)).toEqual({});
    expect(hashUser({})).toEqual({});
  });

  it('trims geo values, uppercases countries and keeps opaque values unchanged', () => {
    const user = hashUser({
      city: '  San Francisco ',
      region: ' California',
      postalCode: ' SW1A 1AA ',
      country: ' gb ',
      obref: ' opaque ',
      userAgent: 'UA/1 ',
      ipAddress: ' 2001:db8::1 ',
    });
    expect(user).toEqual({
      cities: ['San Francisco'],
      regions: ['California'],
      postal_codes: ['SW1A 1AA'],
      countries: ['GB'],
      obref: ' opaque ',
      ip_address: '2001:db8::1',
      user_agent: 'UA/1 ',
    });
  });

  it('compares cities and regions case-sensitively (sent raw; the API lowercases them itself)', () => {
    expect(hashUser({ city: ['Paris', 'paris', ' Paris '] }).cities).toEqual(['Paris', 'paris']);
    expect(issuesOf(() => hashUser({ region: ['IDF', 'idf', 'Idf', 'iDF'] }))).toEqual([
      expect.objectContaining({ path: 'user.region[3]', code: 'too_many' }),
    ]);
  });

  it('keeps an all-zero advertising id (the API ignores it)', () => {
    const zero = '00000000-0000-0000-0000-000000000000';
    expect(hashUser({ androidAdvertisingId: zero }).android_advertising_id).toBe(zero);
  });

  it('collects every issue with its path and rule', () => {
    const hex = 'B4C9A289323B21A01C3E940F150EB9B8C542587F1ABFD8F0E1CC1FFC5E475514';
    const input = {
      email: ['ok@example.com', 'not-an-email'],
      phone: '+1 415 555 2671 ext 4',
      externalId: hex,
      firstName: '...',
      lastName: 42,
      city: 'x'.repeat(129),
      postalCode: '941/07',
      country: 'United States',
      emailSha256: 'abc',
      ipAddress: '999.1.1.1',
      androidAdvertisingId: 'gaid',
      userAgent: 7,
      nickname: 'Ada',
    } as unknown as UserInput;
    const issues = issuesOf(() => hashUser(input));
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['user.email[1]', 'invalid_format'],
      ['user.phone', 'invalid_format'],
      ['user.externalId', 'looks_hashed'],
      ['user.firstName', 'invalid_format'],
      ['user.lastName', 'invalid_type'],
      ['user.city', 'too_long'],
      ['user.postalCode', 'invalid_format'],
      ['user.country', 'invalid_format'],
      ['user.ipAddress', 'invalid_format'],
      ['user.androidAdvertisingId', 'invalid_format'],
      ['user.userAgent', 'invalid_type'],
      ['user.nickname', 'unknown_field'],
      ['user.emailSha256', 'invalid_format'],
    ]);
    expect(issues.find((i) => i.code === 'looks_hashed')?.message).toMatch(/externalIdSha256/);
  });

  it('rejects a 64-hex value in any raw hashed field', () => {
    const hex = hashOf('email', 'user@example.com') as string;
    for (const field of ['email', 'phone', 'externalId', 'firstName', 'lastName'] as const) {
      expect(issuesOf(() => hashUser({ [field]: ` ${hex} ` }))).toEqual([
        expect.objectContaining({ path: `user.${field}`, code: 'looks_hashed' }),
      ]);
    }
  });

  it('rejects non-string list items and non-object input', () => {
    expect(issuesOf(() => hashUser({ email: ['a@example.com', 5] } as unknown as UserInput))).toEqual([
      expect.objectContaining({ path: 'user.email[1]', code: 'invalid_type' }),
    ]);
    expect(issuesOf(() => hashUser('a@example.com' as unknown as UserInput))[0]?.code).toBe('invalid_type');
    expect(issuesOf(() => hashUser(null as unknown as UserInput))[0]?.code).toBe('invalid_type');
  });

  it('treats inherited keys and __proto__ safely', () => {
    const input = JSON.parse('{"__proto__": {"email": "a@example.com"}, "city": "Paris"}') as UserInput;
    expect(issuesOf(() => hashUser(input))).toEqual([expect.objectContaining({ path: 'user.__proto__', code: 'unknown_field' })]);
    expect(hashUser(Object.create({ email: 'a@example.com' }) as UserInput)).toEqual({});
  });

  it('uses an injected hasher, and rejects a hasher that does not return a digest', () => {
    const nodeHasher = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const input: UserInput = { email: 'user@example.com', firstName: 'José' };
    expect(hashUser(input, { hasher: nodeHasher })).toEqual(hashUser(input));
    expect(hashUser(input, { hasher: (t) => nodeHasher(t).toUpperCase() })).toEqual(hashUser(input));
    let error: unknown;
    try {
      hashUser(input, { hasher: () => 'nope' });
    } catch (e) {
      error = e;
    }
    expect(CapiError.isInstance(error)).toBe(true);
    expect(CapiValidationError.isInstance(error)).toBe(false);
  });

  it('prefixes paths with the given path', () => {
    expect(issuesOf(() => hashUser({ country: 'XX' }, { path: 'events[2].user' }))[0]?.path).toBe('events[2].user.country');
  });

  it('throws only CapiValidationError and never puts any part of a value into a message', () => {
    const MARK = '\u2063'; // appears in no message: finding it means a value leaked
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const marked = fc.oneof(text, text.map((t) => `${MARK}${t}${MARK}`));
    const field = fc.constantFrom('email', 'phone', 'externalId', 'firstName', 'lastName', 'city', 'region', 'postalCode', 'country', 'ipAddress', 'obref', 'userAgent', 'androidAdvertisingId', 'emailSha256');
    const value = fc.oneof(marked, fc.array(marked, { maxLength: 5 }), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(field, value), (input) => {
        try {
          hashUser(input as UserInput);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
          const e = error as CapiValidationError;
          expect(e.message).not.toContain(MARK);
          expect(JSON.stringify(e.issues)).not.toContain(MARK);
        }
      }),
    );
  });

  it('never leaks realistic personal data into errors', () => {
    const raw = { email: 'ada.lovelace@example', phone: '+44 20 7946 0958 ext. 7', firstName: '!!!', postalCode: 'SW1A/1AA', country: 'England' };
    const error = (() => {
      try {
        hashUser(raw);
      } catch (e) {
        return e as CapiValidationError;
      }
      throw new Error('expected an error');
    })();
    expect(error.issues).toHaveLength(5);
    for (const v of Object.values(raw)) expect(`${error.message} ${JSON.stringify(error.issues)}`).not.toContain(v);
  });
});

describe('toPixelUser', () => {
  it('gives the first value of each list under singular keys, without obref/ip/ua/gaid', () => {
    const pixel = toPixelUser({
      email: ['user@example.com', 'ada@example.com'],
      externalIdSha256: '73D83A078369BB4F0971B317AA7797A91CF5C0DF1B62161C2E47D75C33AB5B6E',
      country: 'us',
      city: 'San Francisco',
      postalCode: '94107',
      region: 'California',
      phone: '+1 (415) 555-2671',
      firstName: 'ada',
      lastName: 'lovelace',
      obref: 'x',
      ipAddress: '203.0.113.1',
      userAgent: 'Mozilla/5.0',
      androidAdvertisingId: '38400000-8cf0-11bd-b23e-10b96e40000d',
    });
    expect(pixel).toEqual({
      email_sha256: hashOf('email', 'user@example.com'),
      phone_number_sha256: hashOf('phone', '+1 (415) 555-2671'),
      external_id_sha256: '73d83a078369bb4f0971b317aa7797a91cf5c0df1b62161c2e47d75c33ab5b6e',
      first_name_sha256: hashOf('first_name', 'ada'),
      last_name_sha256: hashOf('last_name', 'lovelace'),
      country: 'US',
      city: 'San Francisco',
      region: 'California',
      postal_code: '94107',
      zip_code: '94107',
    });
  });

  it('matches the docs pixel init user (its zip_code, and postal_code beside it)', () => {
    const call = vectors.pixel_calls.find((c) => c[0] === 'init' && typeof c[1] === 'object' && c[1] !== null && 'user' in c[1]);
    const docs = (call?.[1] as { user: Record<string, string> }).user;
    const pixel = toPixelUser({
      emailSha256: docs.email_sha256 as string,
      externalIdSha256: docs.external_id_sha256 as string,
      country: 'US',
      city: 'San Francisco',
      postalCode: '94107',
    });
    expect(pixel).toEqual({ ...docs, postal_code: docs.zip_code });
  });

  it('sends the postal code as both postal_code and zip_code (sources disagree); a zip key in the input is refused, not renamed', () => {
    expect(toPixelUser({ postalCode: '94107' })).toEqual({ postal_code: '94107', zip_code: '94107' });
    for (const key of ['zipCode', 'zip_code', 'postal_code']) {
      expect(issuesOf(() => toPixelUser({ [key]: '94107' } as UserInput))).toEqual([
        expect.objectContaining({ path: `user.${key}`, code: 'unknown_field' }),
      ]);
    }
  });

  it('applies the same rules as hashUser, including for fields it leaves out', () => {
    expect(issuesOf(() => toPixelUser({ ipAddress: 'nope' }))[0]?.path).toBe('user.ipAddress');
    expect(issuesOf(() => toPixelUser({ email: 'nope' }))[0]?.code).toBe('invalid_format');
  });

  it('hashes with the default hasher', () => {
    expect(toPixelUser({ email: ' Ada@Example.COM ' }).email_sha256).toBe(sha256Hex('ada@example.com'));
  });
});

describe('hashUser on hostile input', () => {
  it('reports a throwing getter as unreadable instead of crashing', () => {
    const input = Object.defineProperty({}, 'email', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }) as UserInput;
    expect(issuesOf(() => hashUser(input))).toEqual([expect.objectContaining({ path: 'user.email', code: 'unreadable' })]);
  });
});

describe('hashUser: audit cases', () => {
  it('refuses a digest in city or region (raw fields, spec §4)', () => {
    const digest = sha256Hex('san francisco');
    expect(issuesOf(() => hashUser({ city: digest, region: digest.toUpperCase() })).map((i) => `${i.path}:${i.code}`)).toEqual([
      'user.city:looks_hashed',
      'user.region:looks_hashed',
    ]);
  });

  it('refuses values with a lone surrogate, which would hash like U+FFFD and collide', () => {
    expect(issuesOf(() => hashUser({ email: ['a\uD800@b.co', 'a\uDBFF@b.co'] })).map((i) => `${i.path}:${i.code}`)).toEqual([
      'user.email[0]:invalid_format',
      'user.email[1]:invalid_format',
    ]);
  });

  it('reads a hole in a sparse list as no value, and keeps each list exactly as long as its values', () => {
    const sparse = [, 'ada@example.com', , 'bob@example.com'] as unknown as string[];
    expect(hashUser({ email: sparse })).toEqual(hashUser({ email: ['ada@example.com', 'bob@example.com'] }));
    const user = hashUser({ email: ['a@example.com', 'b@example.com', 'a@example.com'], phone: '+14155552671' });
    expect([user.emails_sha256?.length, user.phone_numbers_sha256?.length]).toEqual([2, 1]);
  });

  it('omits null inside a list as it omits a blank string', () => {
    expect(hashUser({ email: ['ada@example.com', null as never, ''] })).toEqual(hashUser({ email: 'ada@example.com' }));
  });

  it('answers null options, a hasher that is not a function, and a throwing hasher with its own errors', () => {
    expect(hashUser({ country: 'US' }, null as never)).toEqual({ countries: ['US'] });
    expect(issuesOf(() => hashUser({ email: 'a@b.co' }, { hasher: 'sha256' as never })).map((i) => `${i.path}:${i.code}`)).toEqual(['options.hasher:invalid_type']);
    const cause = new RangeError('cannot hash a@b.co');
    try {
      hashUser({ email: 'a@b.co' }, { hasher: () => { throw cause; } });
      expect.unreachable();
    } catch (error) {
      expect(CapiError.isInstance(error)).toBe(true);
      expect((error as Error).message).not.toContain('a@b.co');
      expect((error as Error).cause).toBe(cause);
    }
  });
});
