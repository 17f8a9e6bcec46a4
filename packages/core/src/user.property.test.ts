import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaks, markedUser, validMarkedUser } from './__fixtures__/arbitraries.js';
import { CapiValidationError } from './errors.js';
import { hashUser, PIXEL_USER_FIELDS, toPixelUser } from './user.js';
import type { UserInput } from './types.js';


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
