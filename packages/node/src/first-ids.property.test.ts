import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';
import { FirstIds, type PairHash } from './first-ids.js';

const event = (id: string, type: string, name: string | undefined): WireEvent =>
  ({ id, type, timestamp_ms: 1, action_source: 'web', ...(name === undefined ? {} : { custom_event_name: name }) }) as unknown as WireEvent;

/** The reference: a `Map` from the exact (dedupe name, id) pair to the index of its first event. */
const keyOf = (e: WireEvent) => JSON.stringify([dedupeNameOf(e), e.id]);

const hashes: Array<[string, PairHash | undefined]> = [
  ['the seeded hash', undefined],
  // Every pair on one hash: only the comparison of the real name and id tells them apart.
  ['one hash for every pair', () => 0],
  ['a hash shared by many pairs', (name, id) => name.length * 31 + id.length],
];

describe('FirstIds (properties)', () => {
  it.each(hashes)('agrees with a Map of exact (name, id) pairs, with %s', (_, hash) => {
    const type = fc.constantFrom('order_created', 'page_viewed', 'custom');
    const name = fc.option(fc.constantFrom('order_created', 'signup', 'a\n', ''), { nil: undefined });
    const id = fc.oneof(fc.integer({ min: 0, max: 200 }).map((i) => `o${i}`), fc.string({ maxLength: 3 }));
    const op = fc.oneof(
      { weight: 20, arbitrary: fc.record({ kind: fc.constant('add' as const), type, name, id }) },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('has' as const), type, name, id }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 800, size: 'max' }), (ops) => {
        const table = hash === undefined ? new FirstIds() : new FirstIds(hash);
        let list: WireEvent[] = [];
        let reference = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'clear') {
            table.clear();
            list = [];
            reference = new Map();
            continue;
          }
          const e = event(o.id, o.type, o.name);
          if (o.kind === 'has') {
            expect(table.indexOf(list, e)).toBe(reference.get(keyOf(e)) ?? -1);
            continue;
          }
          const fresh = !reference.has(keyOf(e));
          expect(table.addNew(list, e, list.length)).toBe(fresh);
          if (fresh) {
            reference.set(keyOf(e), list.length);
            list.push(e);
          }
          expect(table.size).toBe(reference.size);
        }
      }),
      { numRuns: hash === undefined ? 100 : 30 },
    );
  });

  it('drops a table grown past the size it keeps, and still answers after', () => {
    const table = new FirstIds();
    const list: WireEvent[] = [];
    for (let i = 0; i < 30_000; i++) {
      const e = event(`o${i}`, 'order_created', undefined);
      expect(table.addNew(list, e, list.length)).toBe(true);
      list.push(e);
    }
    expect(table.addNew(list, event('o29999', 'order_created', undefined), list.length)).toBe(false);
    table.clear();
    const again = [event('o1', 'order_created', undefined)];
    expect(table.indexOf(again, again[0]!)).toBe(-1);
    expect(table.addNew(again, again[0]!, 0)).toBe(true);
    expect(table.indexOf(again, event('o1', 'order_created', undefined))).toBe(0);
  });
});
