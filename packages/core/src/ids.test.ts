import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapiError, CapiValidationError } from './errors.js';
import { createEventId, deriveEventId } from './ids.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createEventId', () => {
  it('returns distinct version 4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 200 }, () => createEventId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('falls back to getRandomValues when randomUUID is missing', () => {
    const real = globalThis.crypto;
    const getRandomValues = vi.fn(<T extends Uint8Array>(array: T) => real.getRandomValues(array));
    vi.stubGlobal('crypto', { getRandomValues });
    const id = createEventId();
    expect(id).toMatch(UUID_V4);
    expect(getRandomValues).toHaveBeenCalledOnce();
  });

  it('sets the version and variant bits from fixed random bytes', () => {
    vi.stubGlobal('crypto', { getRandomValues: <T extends Uint8Array>(array: T) => array.fill(0xff) });
    expect(createEventId()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('throws a CapiError (never Math.random) when there is no Web Crypto', () => {
    vi.stubGlobal('crypto', undefined);
    const random = vi.spyOn(Math, 'random');
    expect(() => createEventId()).toThrow(CapiError);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('deriveEventId', () => {
  it('matches the documented test vector and algorithm', () => {
    expect(deriveEventId('order_created', 'order_12345')).toBe('oac1_a54e4d7264f50a9cfad3ab5b936e1333');
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/), fc.string({ unit: 'grapheme', minLength: 1 }), (name, key) => {
        fc.pre(name !== 'custom' && key.trim() !== '');
        const digest = createHash('sha256').update(`openai-capi:v1\n${name}\n${key}`, 'utf8').digest('hex');
        expect(deriveEventId(name, key)).toBe(`oac1_${digest.slice(0, 32)}`);
      }),
    );
  });

  it('is deterministic, differs per event name and per key, and hides the key', () => {
    const id = deriveEventId('order_created', 'order_12345');
    expect(deriveEventId('order_created', 'order_12345')).toBe(id);
    expect(deriveEventId('lead_created', 'order_12345')).not.toBe(id);
    expect(deriveEventId('order_created', 'order_12346')).not.toBe(id);
    expect(deriveEventId('order_created', ' order_12345')).not.toBe(id);
    expect(id).not.toContain('12345');
    expect(id).toHaveLength(37);
  });

  it('accepts custom event names', () => {
    expect(deriveEventId('quote_requested', 'q-1')).toMatch(/^oac1_[0-9a-f]{32}$/);
  });

  it.each([
    ['', 'k', 'eventName', 'invalid_format'],
    ['Order_Created', 'k', 'eventName', 'invalid_format'],
    ['order created', 'k', 'eventName', 'invalid_format'],
    ['a\nb', 'k', 'eventName', 'invalid_format'],
    ['_x', 'k', 'eventName', 'invalid_format'],
    ['x'.repeat(65), 'k', 'eventName', 'invalid_format'],
    ['custom', 'k', 'eventName', 'reserved_name'],
    ['order_created', '', 'key', 'empty'],
    ['order_created', '  ', 'key', 'empty'],
    ['order_created', 42, 'key', 'invalid_type'],
  ])('rejects (%j, %j) at %s with %s', (name, key, path, code) => {
    let error: unknown;
    try {
      deriveEventId(name as string, key as string);
    } catch (e) {
      error = e;
    }
    expect(CapiValidationError.isInstance(error)).toBe(true);
    expect((error as CapiValidationError).issues).toEqual([expect.objectContaining({ path, code })]);
  });

  it('does not put the key into error messages', () => {
    try {
      deriveEventId('Bad Name', 'secret-order-991');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-order-991');
    }
    expect.assertions(1);
  });
});

describe('deriveEventId: keys that UTF-8 cannot carry', () => {
  it('refuses a key with a lone surrogate (it would collide with U+FFFD)', () => {
    for (const key of ['\uD800', 'order_\uDBFF', '\uDC00x']) {
      expect(() => deriveEventId('order_created', key)).toThrow(CapiValidationError);
    }
    expect(deriveEventId('order_created', 'ok \uD83D\uDE00')).toMatch(/^oac1_[0-9a-f]{32}$/);
  });
});
