import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { nobleSha256Hex, sha256Hex } from './hash.js';

describe('sha256Hex', () => {
  it('is the noble hasher by default', () => {
    expect(sha256Hex).toBe(nobleSha256Hex);
  });

  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    const jose = vectors.hashes.find((h) => h.input === 'José');
    expect(sha256Hex('josé')).toBe(jose?.sha256);
  });

  it('agrees with node:crypto on arbitrary Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
    );
  });

  it.each(vectors.hashes)('hashes the normalized $field "$normalized" to the golden digest', ({ normalized, sha256 }) => {
    expect(sha256Hex(normalized)).toBe(sha256);
  });
});
