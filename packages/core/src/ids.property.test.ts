import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK } from './__fixtures__/arbitraries.js';
import { buildEvent } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { checkEventId } from './ids.js';
import type { Issue } from './types.js';

const NOW = 1_760_000_000_000;

describe('event ids (properties)', () => {
  it('an id is either sent exactly as given or refused with one issue at id, for any value', () => {
    const arg = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything({ withBigInt: true }), fc.constantFrom(' ', '', '1000123456'));
    fc.assert(
      fc.property(arg, (id) => {
        fc.pre(id !== undefined); // no id: a random one (ids.test.ts)
        const issues: Issue[] = [];
        checkEventId(id, 'id', issues);
        try {
          const event = buildEvent({ type: 'lead_created', id: id as string, actionSource: 'offline' }, { now: NOW });
          expect(issues).toEqual([]);
          expect(event.id).toBe(id);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
          expect(issues).toHaveLength(1);
          expect((error as CapiValidationError).issues).toEqual(issues);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never puts the id (an order id, maybe an e-mail) in an issue', () => {
    const id = fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom('', '@example.com', '\uD800', ' '.repeat(300))).map(([a, b]) => `${a}${MARK}${b}`);
    fc.assert(
      fc.property(id, (value) => {
        const issues: Issue[] = [];
        checkEventId(value, 'id', issues);
        expect(JSON.stringify(issues)).not.toContain(MARK);
      }),
      { numRuns: 200 },
    );
  });
});
