import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCookieValue, encodeCookieValue, readQueryParam } from './carried-values.js';

/** Parameter names that need no encoding and cannot be confused with the syntax. */
const name = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,8}$/);
/** Well-formed strings (no lone surrogates: a URL cannot carry them). */
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const pair = fc.tuple(name, text).map(([n, v]) => `${n}=${encodeURIComponent(v)}`);

describe('readQueryParam (properties)', () => {
  it('never throws, for any search and name', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (search, n) => {
        const value = readQueryParam(search, n);
        expect(value === undefined || (typeof value === 'string' && value !== '')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back the first occurrence of a percent-encoded value unchanged, wherever it sits', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 3 }), name, text, fc.array(pair, { maxLength: 3 }), fc.boolean(), (before, n, value, after, question) => {
        const others = before.filter((p) => !p.startsWith(`${n}=`));
        const search = `${question ? '?' : ''}${[...others, `${n}=${encodeURIComponent(value)}`, ...after].join('&')}#frag`;
        expect(readQueryParam(search, n)).toBe(value === '' ? undefined : value);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with URLSearchParams when the value has no + (which it keeps, unlike form decoding)', () => {
    fc.assert(
      fc.property(name, text, (n, value) => {
        fc.pre(value !== '');
        const search = `?${n}=${encodeURIComponent(value)}`;
        expect(readQueryParam(search, n)).toBe(new URLSearchParams(search).get(n));
        expect(readQueryParam(`?${n}=a+b`, n)).toBe('a+b');
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodeCookieValue / decodeCookieValue (properties)', () => {
  it('round-trip any well-formed string, and the encoding holds no cookie syntax', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const encoded = encodeCookieValue(value);
        expect(encoded).not.toMatch(/[;,\s"\\]/);
        expect(decodeCookieValue(encoded)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('decodeCookieValue never throws, and keeps what is not valid percent-encoding', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const decoded = decodeCookieValue(raw);
        if (!raw.includes('%')) expect(decoded).toBe(raw);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeCookieValue regressions found by the properties', () => {
  // `encodeURIComponent` threw a URIError (not a CapiValidationError) on a lone surrogate.
  it('never throws, on any string, lone surrogates included (they become U+FFFD)', () => {
    expect(encodeCookieValue('a\uD800b')).toBe('a%EF%BF%BDb');
    expect(encodeCookieValue('\uDC00')).toBe('%EF%BF%BD');
    expect(encodeCookieValue('\uD83D\uDE00')).toBe('%F0%9F%98%80');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uD83D\uDE00', 'a', ';', '%', ' ', 'é'), maxLength: 12 }), (value) => {
        const wellFormed = value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (s) => (s.length === 2 ? s : '\uFFFD'));
        expect(decodeCookieValue(encodeCookieValue(value))).toBe(wellFormed);
      }),
      { numRuns: 100 },
    );
  });
});
