import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';
import { pairHash } from './recent-ids.js';

/** Slots of a new table; it doubles when more than 3/4 full (linear probing stays short at that load). */
const MIN_SLOTS = 64;
/**
 * Largest table kept by {@link FirstIds.clear}: 32 768 slots (12 bytes each, ~400 KB) hold 24 576
 * pairs. A larger one (a `send()` of more events) is dropped when cleared, so one big call does not
 * keep its table for the life of the process.
 */
const KEEP_SLOTS = 1 << 15;

/** The 32-bit hash of (`name`, `id`), from the per-process random start (see `hashSeed`). */
export type PairHash = (name: string, id: string) => number;

/**
 * Where in a list of events the first one with each (dedupe name, id) pair is: the dedupe of one
 * `send()` call and of the queue, in typed arrays reused from one call (or drain) to the next,
 * instead of a `Set` of ids built, grown and dropped every time.
 *
 * An open-addressing (linear probing) table of 32-bit hashes and list indexes. The hash only picks
 * the candidates: a pair counts as a repeat only when the event at the stored index has the same
 * dedupe name and id, so two pairs with the same hash are never mistaken for each other. Each slot
 * carries the generation it was filled in; {@link clear} starts a new generation, so forgetting
 * every pair costs nothing however large the table grew.
 *
 * The caller owns the list and passes it to each call (the table keeps no event alive); an index
 * recorded must stay the position of that event in the list until the next {@link clear}.
 */
export class FirstIds {
  private mask = MIN_SLOTS - 1;
  /** Per slot, three numbers side by side (one cache line per probe): hash, list index, generation. */
  private table = new Int32Array(3 * MIN_SLOTS);
  private generation = 1;
  private count = 0;

  /** `hash`: tests pass a poor one to make every pair collide. */
  constructor(private readonly hash: PairHash = pairHash) {}

  /** Pairs recorded since the last {@link clear}. */
  get size(): number {
    return this.count;
  }

  /** The index in `list` of the event recorded with the (dedupe name, id) of `event`, or -1. */
  indexOf(list: readonly WireEvent[], event: WireEvent): number {
    const name = dedupeNameOf(event);
    const slot = this.find(list, name, event.id, this.hash(name, event.id));
    return slot < 0 ? -1 : this.table[3 * slot + 1]!;
  }

  /**
   * Records `index` (where `event` is, or is about to be, in `list`) for the (dedupe name, id) of
   * `event` unless an event with that pair was recorded: true when recorded, false for a repeat.
   */
  addNew(list: readonly WireEvent[], event: WireEvent, index: number): boolean {
    const name = dedupeNameOf(event);
    const h = this.hash(name, event.id);
    let slot = this.find(list, name, event.id, h);
    if (slot >= 0) return false;
    if (4 * (this.count + 1) > 3 * (this.mask + 1)) {
      // Never full: a probe always ends at an empty slot.
      this.grow();
      slot = this.find(list, name, event.id, h);
    }
    const at = 3 * (-1 - slot);
    this.table[at] = h;
    this.table[at + 1] = index;
    this.table[at + 2] = this.generation;
    this.count++;
    return true;
  }

  /** Forgets every pair. */
  clear(): void {
    this.count = 0;
    if (this.mask + 1 > KEEP_SLOTS) {
      this.resize(MIN_SLOTS);
      return;
    }
    this.generation++;
    // After 2³¹ − 1 clears, the generations start over from a blank table.
    if (this.generation > 0x7fffffff) {
      this.table.fill(0);
      this.generation = 1;
    }
  }

  /** The slot holding the pair, or `-1 - slot` of the empty slot where it would go. */
  private find(list: readonly WireEvent[], name: string, id: string, h: number): number {
    const { table, generation, mask } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = 3 * slot;
      if (table[at + 2] !== generation) return -1 - slot;
      if (table[at] !== h) continue;
      const other = list[table[at + 1]!]!;
      if (other.id === id && dedupeNameOf(other) === name) return slot;
    }
  }

  private grow(): void {
    const { table, generation } = this;
    const slots = this.mask + 1;
    this.resize(slots * 2);
    for (let at = 0; at < 3 * slots; at += 3) {
      if (table[at + 2] !== generation) continue;
      let to = table[at]! & this.mask;
      while (this.table[3 * to + 2] === 1) to = (to + 1) & this.mask;
      this.table[3 * to] = table[at]!;
      this.table[3 * to + 1] = table[at + 1]!;
      this.table[3 * to + 2] = 1;
    }
  }

  /** A blank table of `slots` slots (generation 1); the count is the caller's. */
  private resize(slots: number): void {
    this.mask = slots - 1;
    this.table = new Int32Array(3 * slots);
    this.generation = 1;
  }
}
