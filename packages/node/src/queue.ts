import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';

/** The dedupe key of an event within one client (one pixel id, spec §7): core's name and the id. */
export function dedupeKey(event: WireEvent): string {
  return `${dedupeNameOf(event)}\n${event.id}`;
}

/** What `push` did with an event. */
export type PushResult = 'queued' | 'duplicate' | 'full';

/**
 * Bounded FIFO of built events. An event whose (name, id) is already queued is not queued twice
 * (the API keeps the first one anyway); a full queue refuses the event and says so.
 */
export class EventQueue {
  private items: WireEvent[] = [];
  private keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Number of queued events. */
  get size(): number {
    return this.items.length;
  }

  /** Queues `event`, unless it is a duplicate or the queue is full. */
  push(event: WireEvent): PushResult {
    const key = dedupeKey(event);
    if (this.keys.has(key)) return 'duplicate';
    if (this.items.length >= this.capacity) return 'full';
    this.keys.add(key);
    this.items.push(event);
    return 'queued';
  }

  /** Removes and returns every queued event, oldest first. */
  drain(): WireEvent[] {
    const out = this.items;
    this.items = [];
    this.keys = new Set();
    return out;
  }
}
