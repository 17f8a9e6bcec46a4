import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

/** The reference: the same generation rule over two `Map`s keyed by the exact (name, id) pair. */
class ReferenceIds {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  constructor(private readonly perGeneration: number) {}
  add(name: string, id: string, bits: number): number {
    const key = JSON.stringify([name, id]);
    const here = this.current.get(key);
    if (here !== undefined) {
      this.current.set(key, here | bits);
      return here;
    }
    const before = this.previous.get(key) ?? 0;
    if (this.current.size >= this.perGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, before | bits);
    return before;
  }
}

describe('RecentIds (properties)', () => {
  it('answers every add as a two-generation Map of exact (name, id) pairs would', () => {
    // Up to 120 ids per generation: the tables double (64 → 128 → 256 slots) as well as roll over.
    const name = fc.constantFrom('order_created', 'page_viewed', 'quote_requested', 'a', 'a\n', '');
    const id = fc.oneof(fc.integer({ min: 0, max: 150 }).map((i) => `o${i}`), fc.string({ maxLength: 4 }));
    const op = fc.record({ name, id, bits: fc.constantFrom(1, 2) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.array(op, { maxLength: 600, size: 'max' }), (perGeneration, ops) => {
        const ids = new RecentIds(perGeneration);
        const reference = new ReferenceIds(perGeneration);
        for (const o of ops) expect(ids.add(o.name, o.id, o.bits)).toBe(reference.add(o.name, o.id, o.bits));
        expect(ids.size).toBeLessThanOrEqual(2 * perGeneration);
      }),
    );
  });
});
