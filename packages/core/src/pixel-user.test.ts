import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapiValidationError } from './errors.js';
import { sha256Hex } from './hash.js';
import { pixelUserTexts } from './pixel-user.js';
import type { UserInput } from './types.js';
import { toPixelUser } from './user.js';

/** `pixelUserTexts` hashed with the SDK's SHA-256: must equal `toPixelUser` on valid input. */
const lean = (input: UserInput) =>
  Object.fromEntries(Object.entries(pixelUserTexts(input)).map(([key, { text, hash }]) => [key, hash ? sha256Hex(text) : text]));

const HEX = 'a'.repeat(63) + 'F';

describe('pixelUserTexts', () => {
  it('agrees with toPixelUser: first value, raw before already-hashed, normalized and hashed', () => {
    const inputs: UserInput[] = [
      { email: ' Jane@Example.COM ', phone: '+1 (415) 555-2671', externalId: ' cust_42 ', firstName: "Ann-Marie", lastName: "O'Neil" },
      { email: ['', 'a@b.co', 'c@d.co'], emailSha256: HEX, country: ' us ', city: ' Paris ', region: 'IDF', postalCode: ' 75001 ' },
      { emailSha256: HEX, phoneSha256: [HEX], externalIdSha256: HEX, firstNameSha256: HEX, lastNameSha256: HEX },
      { email: [null as unknown as string, 'x@y.z'], obref: 'ob', ipAddress: '1.2.3.4', userAgent: 'UA' },
      {},
    ];
    for (const input of inputs) expect(lean(input)).toEqual(toPixelUser(input));
  });

  it('agrees with toPixelUser on generated valid users', () => {
    const email = fc.tuple(fc.stringMatching(/^[a-z0-9._]{1,10}$/), fc.stringMatching(/^[a-z]{1,8}\.[a-z]{2,4}$/)).map(([l, d]) => `${l}@${d}`);
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z '-]{0,10}$/);
    const user = fc.record(
      {
        email: fc.oneof(email, fc.array(email, { minLength: 1, maxLength: 3 })),
        phone: fc.stringMatching(/^\+?[1-9]\d{7,14}$/),
        firstName: name,
        lastName: name,
        country: fc.constantFrom('us', 'FR', ' de '),
        city: fc.stringMatching(/^[A-Za-z ]{1,20}$/),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(user, (input) => {
        expect(lean(input)).toEqual(toPixelUser(input));
      }),
    );
  });

  it('throws core normalizer errors, naming the field, without the value', () => {
    try {
      pixelUserTexts({ email: 'not an email' });
      expect.unreachable();
    } catch (error) {
      expect(CapiValidationError.isInstance(error)).toBe(true);
      expect((error as CapiValidationError).issues[0]!.path).toBe('user.email');
      expect((error as Error).message).not.toContain('not an email');
    }
  });
});
