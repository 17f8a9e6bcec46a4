import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { CapiValidationError } from './errors.js';
import { sha256Hex } from './hash.js';
import { normalizeEmail, normalizeExternalId, normalizeName, normalizePhone } from './normalize.js';
import { issuesOf } from './__fixtures__/issues-of.js';

const NORMALIZERS = {
  email: normalizeEmail,
  phone: normalizePhone,
  first_name: normalizeName,
  last_name: normalizeName,
  external_id: normalizeExternalId,
} as const;


describe('golden vectors (vectors.json hashes)', () => {
  it.each(vectors.hashes)('$field "$input" → "$normalized" → sha256', ({ field, input, normalized, sha256 }) => {
    const normalize = NORMALIZERS[field as keyof typeof NORMALIZERS];
    expect(normalize(input)).toBe(normalized);
    expect(sha256Hex(normalize(input))).toBe(sha256);
  });
});

describe('normalizeEmail', () => {
  it.each([
    [' Ada@Example.COM ', 'ada@example.com'],
    ['first.last+tag@example.co.uk', 'first.last+tag@example.co.uk'],
    ['ÉLODIE@EXEMPLE.FR', 'élodie@exemple.fr'],
    ['\tuser@example.com\n', 'user@example.com'],
    ['e\u0301@example.com', 'é@example.com'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each(['', '   ', 'user', '@example.com', 'user@', 'user@@example.com', 'a@b@example.com', 'user@example', 'user@.com', 'user@example.', 'us er@example.com', 'user@exa..mple.com'])(
    'rejects %j with invalid_format',
    (input) => {
      expect(issuesOf(() => normalizeEmail(input))).toEqual([expect.objectContaining({ path: 'email', code: 'invalid_format' })]);
    },
  );

  it('rejects addresses over 254 chars', () => {
    expect(issuesOf(() => normalizeEmail(`${'a'.repeat(250)}@example.com`))[0]?.code).toBe('too_long');
  });

  it('uses the given field as the issue path', () => {
    expect(issuesOf(() => normalizeEmail('nope', 'user.email[2]'))[0]?.path).toBe('user.email[2]');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+1 (415) 555-2671', '14155552671'],
    ['+44 20 7946 0958', '442079460958'],
    ['0044 20.7946.0958', '442079460958'],
    ['+33 6 12 34 56 78', '33612345678'],
    ['12345678', '12345678'],
    ['123456789012345', '123456789012345'],
    ['+1\u00a0415\u00a0555\u00a02671', '14155552671'],
  ])('%j → %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    '',
    '+1 415 555 2671 ext. 12',
    '+1 415 555 2671 x12',
    '415/555-2671',
    '+1-800-FLOWERS',
    '1234567',
    '1234567890123456',
    '++14155552671',
    '1+4155552671',
    '#14155552671',
    '١٤١٥٥٥٥٢٦٧١',
    '+',
    '000000',
  ])('rejects %j with invalid_format (never strips)', (input) => {
    expect(issuesOf(() => normalizePhone(input))).toEqual([expect.objectContaining({ path: 'phone', code: 'invalid_format' })]);
  });
});

describe('normalizeName', () => {
  it.each([
    ['Mary Jane', 'maryjane'],
    ["O'Connor", 'oconnor'],
    ['José', 'josé'],
    ['Jose\u0301', 'josé'],
    ['  ÅSA-LENA  ', 'åsa-lena'.replace('-', '')],
    ['Dr. Smith, Jr.', 'drsmithjr'],
    ['Nguyễn', 'nguyễn'],
    ['山田', '山田'],
    ['ΣΊΣΥΦΟΣ', 'σίσυφοσ'.slice(0, -1) + 'ς'],
    ['Jean\u3000Luc', 'jeanluc'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it.each(['', '   ', "'-.", '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'])('rejects %j with invalid_format', (input) => {
    expect(issuesOf(() => normalizeName(input))).toEqual([expect.objectContaining({ path: 'name', code: 'invalid_format' })]);
  });
});

describe('normalization policies where the spec is silent (docs/spec-decisions.md)', () => {
  it('removes only the ASCII punctuation the spec lists from names: typographic marks are kept', () => {
    expect(normalizeName("O'Connor")).toBe('oconnor');
    expect(normalizeName('O\u2019Connor')).toBe('o\u2019connor'); // ’ (U+2019), as phones type it
    expect(normalizeName('Anne\u2010Marie')).toBe('anne\u2010marie'); // ‐ (U+2010)
    expect(normalizeName('O\u2019Connor')).not.toBe(normalizeName("O'Connor"));
  });

  it('removes only leading zeros from phones: a (0) trunk prefix inside the number stays, and other dashes are invalid', () => {
    expect(normalizePhone('+44 20 7946 0958')).toBe('442079460958');
    expect(normalizePhone('+44 (0)20 7946 0958')).toBe('4402079460958');
    expect(issuesOf(() => normalizePhone('+44 20\u20137946 0958'))).toEqual([expect.objectContaining({ code: 'invalid_format' })]); // – (U+2013)
  });
});

describe('normalizeExternalId', () => {
  it.each([
    ['  CUST-00042  ', 'CUST-00042'],
    ['customer_123', 'customer_123'],
    ['Ab Cd', 'Ab Cd'],
  ])('%j → %j (trim only, case kept)', (input, expected) => {
    expect(normalizeExternalId(input)).toBe(expected);
  });

  it.each(['', ' \t '])('rejects %j with empty', (input) => {
    expect(issuesOf(() => normalizeExternalId(input))).toEqual([expect.objectContaining({ path: 'externalId', code: 'empty' })]);
  });
});

describe('every normalizer', () => {
  const all = [normalizeEmail, normalizePhone, normalizeName, normalizeExternalId];

  it('rejects non-strings with invalid_type', () => {
    for (const normalize of all) {
      for (const value of [undefined, null, 42, {}, ['a@b.co']]) {
        expect(issuesOf(() => normalize(value as unknown as string))[0]?.code).toBe('invalid_type');
      }
    }
  });

  it('throws only CapiValidationError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        for (const normalize of all) {
          try {
            normalize(value);
          } catch (error) {
            expect(CapiValidationError.isInstance(error)).toBe(true);
          }
        }
      }),
    );
  });

  it('never puts any part of the input into an error message', () => {
    // U+2063 (invisible separator) appears in no message: finding it means the input leaked.
    const MARK = '\u2063';
    const marked = fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 4 }).map((parts) => MARK + parts.join(MARK) + MARK);
    fc.assert(
      fc.property(marked, (value) => {
        for (const normalize of all) {
          try {
            normalize(value);
          } catch (error) {
            const e = error as CapiValidationError;
            expect(e.message).not.toContain(MARK);
            expect(JSON.stringify(e.issues)).not.toContain(MARK);
          }
        }
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        for (const normalize of all) {
          let once: string;
          try {
            once = normalize(value);
          } catch {
            continue;
          }
          expect(normalize(once)).toBe(once);
        }
      }),
    );
  });

  it('keeps realistic personal values out of error messages', () => {
    const secrets = ['john.doe@example', '+1 415 555 2671 ext 9', '....'];
    const messages = [
      issuesOf(() => normalizeEmail(secrets[0] as string)),
      issuesOf(() => normalizePhone(secrets[1] as string)),
      issuesOf(() => normalizeName(secrets[2] as string)),
    ].flat();
    for (const issue of messages) for (const secret of secrets) expect(issue.message).not.toContain(secret);
  });
});
