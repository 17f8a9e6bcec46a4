import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';
import { FirstIds } from './first-ids.js';

/**
 * A set of (dedupe name, id) pairs within one client (one pixel id, spec §7: core's name and the
 * id): one set of ids per name, without building (and keeping) a key string for every queued event.
 */
export class DedupeSet {
  private byName = new Map<string, Set<string>>();

  /** True when an event with the same dedupe name and id was added. */
  has(event: WireEvent): boolean {
    return this.byName.get(dedupeNameOf(event))?.has(event.id) === true;
  }

  /**
   * Adds the (name, id) pair of `event` unless it is there: true when added, false when it was
   * already there (one name lookup and one set operation).
   */
  addNew(event: WireEvent): boolean {
    const name = dedupeNameOf(event);
    const ids = this.byName.get(name);
    if (ids === undefined) {
      this.byName.set(name, new Set([event.id]));
      return true;
    }
    const before = ids.size;
    return ids.add(event.id).size !== before;
  }

  /** Removes the (name, id) pair of `event`. */
  delete(event: WireEvent): void {
    this.byName.get(dedupeNameOf(event))?.delete(event.id);
  }
}

/** What `push` did with an event. */
export type PushResult = 'queued' | 'duplicate' | 'full';

/**
 * Bounded FIFO of built events. An event whose (name, id) is already queued is not queued twice
 * (the API keeps the first one anyway); a full queue refuses the event and says so.
 */
export class EventQueue {
  private items: WireEvent[] = [];
  // Index in `items` of each queued (name, id): no key kept per event, the table reused across drains.
  private readonly keys = new FirstIds();

  constructor(private readonly capacity: number) {}

  /** Number of queued events. */
  get size(): number {
    return this.items.length;
  }

  /** Queues `event`, unless it is a duplicate or the queue is full. */
  push(event: WireEvent): PushResult {
    if (this.items.length >= this.capacity) return this.keys.indexOf(this.items, event) >= 0 ? 'duplicate' : 'full';
    if (!this.keys.addNew(this.items, event, this.items.length)) return 'duplicate';
    this.items.push(event);
    return 'queued';
  }

  /** Removes and returns every queued event, oldest first. */
  drain(): WireEvent[] {
    const out = this.items;
    this.items = [];
    this.keys.clear();
    return out;
  }
}
