import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaks, markedUser, validMarkedUser } from './__fixtures__/arbitraries.js';
import { CapiError, CapiValidationError } from './errors.js';
import { hashUser, PIXEL_USER_FIELDS, toPixelUser } from './user.js';
import { sha256Hex } from './hash.js';
import { checkUser } from './validate-user.js';
import type { Issue, UserInput } from './types.js';


function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: CapiValidationError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!CapiValidationError.isInstance(error)) throw error;
    return { ok: false, error };
  }
}

describe('toPixelUser (properties)', () => {
  it('throws only CapiValidationError, exactly when hashUser does, and gives the first value of each list', () => {
    fc.assert(
      fc.property(fc.oneof(markedUser, fc.anything({ withNullPrototype: true })), (input) => {
        const pixel = attempt(() => toPixelUser(input as UserInput));
        const wire = attempt(() => hashUser(input as UserInput));
        expect(pixel.ok).toBe(wire.ok);
        if (pixel.ok && wire.ok) {
          const expected: Record<string, string> = {};
          for (const [p, w] of PIXEL_USER_FIELDS) {
            const first = (wire.value[w] as string[] | undefined)?.[0];
            if (first !== undefined) expected[p] = first;
          }
          expect(pixel.value).toEqual(expected);
        }
        if (!pixel.ok && !wire.ok) expect(pixel.error.issues).toEqual(wire.error.issues);
      }),
      { numRuns: 300 },
    );
  });

  it('never carries a raw email, phone, name or external id, on success or in an error', () => {
    fc.assert(
      fc.property(markedUser, (input) => {
        const pixel = attempt(() => toPixelUser(input as UserInput));
        const text = pixel.ok ? JSON.stringify(pixel.value) : `${pixel.error.message}\n${JSON.stringify(pixel.error.issues)}`;
        expect(leaks(text), text).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hashUser (properties)', () => {
  it('hashes valid marked personal values: the wire user never holds them raw', () => {
    fc.assert(
      fc.property(validMarkedUser, (input) => {
        const wire = hashUser(input as UserInput);
        expect(leaks(JSON.stringify(wire))).toBe(false);
        for (const list of ['emails_sha256', 'phone_numbers_sha256', 'first_names_sha256', 'last_names_sha256', 'external_ids_sha256'] as const) {
          for (const digest of wire[list] ?? []) expect(digest).toMatch(/^[0-9a-f]{64}$/);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Any value of each user field, valid or not, alone or in a list (duplicates and more than 3 values included). */
const anyField = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { maxLength: 5 }));
const hex = fc.stringMatching(/^[0-9a-fA-F]{64}$/);
const anyUser = fc.record(
  {
    email: anyField(fc.constantFrom('a@b.example', ' A@B.example ', 'a@b', '', '   ', 'c@d.example', 'e@f.example', 'g@h.example')),
    phone: anyField(fc.constantFrom('+1 415 555 2671', '14155552671', '123', 'abc')),
    firstName: anyField(fc.constantFrom('Ada', 'ADA', "A'da", '---', 'Grace')),
    lastName: anyField(fc.constantFrom('Lovelace', 'Hopper', '')),
    externalId: anyField(fc.constantFrom('c-1', ' c-1 ', 'c-2', 'c-3', 'c-4')),
    emailSha256: anyField(fc.oneof(hex, fc.constantFrom('nothex', 'a'.repeat(64), 'A'.repeat(64)))),
    firstNameSha256: anyField(fc.oneof(hex, fc.constant('x'))),
    city: anyField(fc.constantFrom('Paris', ' Lyon ', '', 'x'.repeat(129), 'a'.repeat(64), 'Ünïcode')),
    region: anyField(fc.constantFrom('CA', ' NY ', 'b'.repeat(64))),
    postalCode: anyField(fc.constantFrom('94103', ' 75001 ', 'SW1A 1AA', '-', '1'.repeat(33))),
    country: anyField(fc.constantFrom('US', 'fr', ' de ', 'France', 'UK')),
    obref: fc.constantFrom('ob', ' ', ''),
    ipAddress: fc.constantFrom('203.0.113.7', ' ::1 ', '999.1.1.1', '1.2.3.04'),
    userAgent: fc.constantFrom('UA/1', ''),
    androidAdvertisingId: fc.constantFrom('123e4567-e89b-42d3-a456-426614174000', ' 123e4567-e89b-42d3-a456-426614174000 ', 'nope'),
    phoneSha256: anyField(fc.oneof(hex, fc.constant('y'))),
    externalIdSha256: anyField(fc.oneof(hex, fc.constant(' '.repeat(64)))),
    lastNameSha256: anyField(hex),
  },
  { requiredKeys: [] },
);
/** Valid values only, from pools of at most 3 distinct values after normalization: lists up to 5 repeat some. */
const validUser = fc.record(
  {
    email: anyField(fc.constantFrom('a@b.example', ' A@B.example ', 'c@d.example')),
    phone: anyField(fc.constantFrom('+1 415 555 2671', '14155552671', '+44 20 7946 0958')),
    firstName: anyField(fc.constantFrom('Ada', 'ADA', "A'da", 'Grace')),
    externalId: anyField(fc.constantFrom('c-1', ' c-1 ', 'c-2')),
    emailSha256: anyField(fc.constantFrom('a'.repeat(64), 'A'.repeat(64), 'b'.repeat(64))),
    city: anyField(fc.constantFrom('Paris', ' Paris ', 'Lyon', 'Ünïcode')),
    postalCode: anyField(fc.constantFrom('94103', ' 94103 ', 'SW1A 1AA')),
    country: anyField(fc.constantFrom('US', 'us', ' fr ')),
    obref: fc.constantFrom('ob', ' '),
    ipAddress: fc.constantFrom('203.0.113.7', ' ::1 '),
    userAgent: fc.constantFrom('UA/1', ''),
    androidAdvertisingId: fc.constantFrom('123e4567-e89b-42d3-a456-426614174000'),
  },
  { requiredKeys: [] },
);
const upperHasher = (text: string): string => sha256Hex(text).toUpperCase();
/** Hashers as a caller may pass them: the SDK's own answer in upper case, or something that is no digest. */
const hashers = fc.constantFrom<((text: string) => string) | undefined>(undefined, upperHasher, () => 'nope', () => 'g'.repeat(64), (text) => `${sha256Hex(text)} `);

describe('hashUser and checkUser (properties)', () => {
  // buildEvent does not run checkUser on what hashUser returns: this is why it need not.
  it('what hashUser returns passes checkUser, with or without onWarning, whatever the hasher answers', () => {
    fc.assert(
      fc.property(fc.oneof(validUser, anyUser), fc.boolean(), hashers, (input, lenient, hasher) => {
        const warnings: Issue[] = [];
        const options = { ...(hasher ? { hasher } : {}), ...(lenient ? { onWarning: (w: Issue) => warnings.push(w) } : {}) };
        let wire: ReturnType<typeof attempt<ReturnType<typeof hashUser>>>;
        try {
          wire = attempt(() => hashUser(input as UserInput, options));
        } catch (error) {
          // A hasher that answers no digest is refused with a CapiError: never a user that passes.
          expect(CapiError.isInstance(error) && /hasher must return/.test((error as Error).message)).toBe(true);
          return;
        }
        if (!wire.ok) return;
        const issues: Issue[] = [];
        checkUser(wire.value, 'user', issues);
        expect(issues).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
