import type { WireEvent } from '@x/openai-capi-core';
import { withoutStale } from './checks.js';
import type { DeadlineWindow } from './deadline.js';
import type { Run } from './delivery.js';
import type { ResolvedOptions } from './options.js';
import { UserPacker } from './packed-user.js';
import { EventQueue, type PushResult } from './queue.js';
import type { Reporter } from './reporter.js';
import type { SendReport } from './report.js';

/** Where tracked events wait until a flush delivers them: the in-memory queue, or a store. */
export interface Pipeline {
  /** Takes an event (`track`): queued, a repeat of a queued (name, id), or refused for lack of room. */
  push(event: WireEvent): PushResult | 'store_full';
  /** Resolves once `push` may find room (after a flush took events, or at close). */
  room(): Promise<void>;
  /** Resolves once every event pushed so far is written to the store (at once without one). */
  written(): Promise<void>;
  /** Events waiting (in memory, plus in the store when it can tell). */
  readonly size: number;
  /** True when a flush should also run on a timer with nothing tracked (a store may hold replays). */
  readonly polls: boolean;
  /** Takes waiting events and delivers them under `window`, adding to `report`. */
  drain(window: DeadlineWindow, report: SendReport): Promise<SendReport>;
  /** After the final flush: closes the store; returns the events that never reached it. */
  close(): Promise<WireEvent[]>;
}

/** Room waiters: `wait()` resolves at the next `wake()`. */
export class Waiters {
  private list: Array<() => void> = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.list.push(resolve));
  }
  wake(): void {
    const list = this.list;
    this.list = [];
    for (const resolve of list) resolve();
  }
}

/**
 * The default: a bounded in-memory queue, drained whole by each flush. Events queued behind a full
 * request's worth (`maxBatchEvents`) hold their hashed identifiers packed (see {@link UserPacker}):
 * a backlog (the API down, a burst) takes ~30 % less memory per event, while the events of the next
 * request, which leave soon, cost no packing.
 */
export function memoryPipeline(o: ResolvedOptions, reporter: Reporter, run: Run): Pipeline {
  const queue = new EventQueue(o.maxQueueSize);
  const packer = new UserPacker();
  const waiters = new Waiters();
  return {
    push(event) {
      const pushed = queue.push(event);
      if (pushed === 'queued' && queue.size > o.maxBatchEvents) packer.pack(event);
      return pushed;
    },
    room: () => (queue.size < o.maxQueueSize ? Promise.resolve() : waiters.wait()),
    written: () => Promise.resolve(),
    get size() {
      return queue.size;
    },
    polls: false,
    drain(window, report) {
      const items = queue.drain();
      if (packer.holding) {
        for (const event of items) packer.unpack(event);
        packer.reset();
      }
      waiters.wake();
      const { fresh } = withoutStale(items, o.now(), report, reporter);
      return run(fresh, o.validateOnly, report, window.outer, 'queue');
    },
    close: async () => {
      waiters.wake();
      return [];
    },
  };
}
