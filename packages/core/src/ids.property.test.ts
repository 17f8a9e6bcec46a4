import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK } from './__fixtures__/arbitraries.js';
import { CapiValidationError } from './errors.js';
import { deriveEventId } from './ids.js';

describe('deriveEventId (properties)', () => {
  it('throws only CapiValidationError for any arguments, and returns only well-formed ids', () => {
    const arg = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything({ withBigInt: true, withNullPrototype: true }), fc.constantFrom('custom', 'order_created', ' ', ''));
    fc.assert(
      fc.property(arg, arg, (name, key) => {
        try {
          expect(deriveEventId(name as string, key as string)).toMatch(/^oac1_[0-9a-f]{32}$/);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never puts the key (an order id, maybe an email) in an error or in the id', () => {
    const key = fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([a, b]) => `${a}${MARK}${b}`);
    const name = fc.oneof(fc.constantFrom('order_created', 'custom', 'Bad Name', ''), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(name, key, (n, k) => {
        try {
          expect(deriveEventId(n, k)).not.toContain(MARK);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
          expect((error as Error).message).not.toContain(MARK);
          expect(JSON.stringify((error as CapiValidationError).issues)).not.toContain(MARK);
        }
      }),
      { numRuns: 200 },
    );
  });
});
