import { CapiError, type WireEvent } from '@x/openai-capi-core';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import { Waiters } from './pipeline.js';
import { DedupeSet, type PushResult } from './queue.js';
import { errorName } from './reporter.js';
import type { EventStore } from './store.js';

/** Wait before retrying a failed or full store, in ms (unref'd by default: it never holds the process open). */
const RETRY_MS = 1000;
/** Most events per `append` call. */
const APPEND_MAX = 1000;

/** The way into a store: a bounded buffer written in groups, one write loop at a time. */
export interface StoreWriter {
  /** Buffers an event (`track`): queued, a repeat of a buffered (name, id), or refused for lack of room. */
  push(event: WireEvent): PushResult | 'store_full';
  /** Resolves once `push` may find room in the buffer. */
  room(): Promise<void>;
  /** Resolves once every event pushed so far is in the store; rejects if the client closed first. */
  written(): Promise<void>;
  /** Events buffered, not yet handed to the store. */
  readonly size: number;
  /** Resolves when the writer next stalls: the store failed, or is full and waits for deliveries. */
  stalled(): Promise<void>;
  /** The store has room again (a flush settled events): a write waiting for it retries now. */
  wake(): void;
  /** Stops writing; returns the events that never reached the store. */
  close(): Promise<WireEvent[]>;
}

/**
 * Writes pushed events to `store` once `open()` resolved (retried, like a failed append, after a
 * pause: a store that is down at start is used once it is back). A failed append is logged and retried;
 * a store at its cap keeps the rest buffered (the buffer then fills, and `push` says `store_full`)
 * and calls `onStored(true)` so a flush makes room. `onStored(false)` follows each complete write.
 */
export function createStoreWriter(
  o: ResolvedOptions,
  store: EventStore,
  log: Logger,
  open: () => Promise<void>,
  onStored: (full: boolean) => void,
): StoreWriter {
  let buffer: WireEvent[] = [];
  let keys = new DedupeSet();
  let blocked = false;
  let closing = false;
  let writing: Promise<void> | undefined;
  // Events of the `append` call in progress: counted by the store already, so not by `size`.
  let appending = 0;
  // Events ever pushed, and ever written: `written()` waits for the count pushed so far.
  let pushed = 0;
  let stored = 0;
  let waiters: Array<{ target: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  const room = new Waiters();
  const storeRoom = new Waiters();
  const stall = new Waiters();
  const pause = () =>
    Promise.race([
      storeRoom.wait(),
      new Promise<void>((resolve) => {
        o.timers.setTimeout(resolve, RETRY_MS);
      }),
    ]);

  const took = (batch: readonly WireEvent[], accepted: number) => {
    buffer = buffer.slice(accepted);
    for (const event of batch.slice(0, accepted)) keys.delete(event);
    stored += accepted;
    waiters = waiters.filter((w) => (w.target <= stored ? (w.resolve(), false) : true));
    room.wake();
  };
  const writeAll = async () => {
    while (buffer.length > 0 && !closing) {
      const batch = buffer.slice(0, APPEND_MAX);
      let accepted: number;
      try {
        await open();
        appending = batch.length;
        accepted = await store.append(batch);
      } catch (error) {
        log.error(`${store.description}: ${appending === 0 ? 'not open' : 'append failed'} (${errorName(error)}); retrying`, { count: batch.length });
        stall.wake();
        await pause();
        continue;
      } finally {
        appending = 0;
      }
      took(batch, accepted);
      if (accepted === batch.length) {
        blocked = false;
        onStored(false);
        continue;
      }
      if (!blocked) log.warn(`${store.description} is full (maxEvents ${store.maxEvents}): waiting for deliveries`);
      blocked = true;
      // Deliveries make room: start one now (and again after each pause while it stays full).
      onStored(true);
      stall.wake();
      await pause();
    }
  };
  // One write loop at a time; an event pushed while it ends starts the next one.
  const kick = (): void => {
    if (writing !== undefined || buffer.length === 0 || closing) return;
    writing = writeAll()
      .catch(() => undefined)
      .finally(() => {
        writing = undefined;
        kick();
      });
  };

  return {
    push(event) {
      if (buffer.length >= o.maxQueueSize) return keys.has(event) ? 'duplicate' : blocked ? 'store_full' : 'full';
      if (!keys.addNew(event)) return 'duplicate';
      buffer.push(event);
      pushed++;
      kick();
      return 'queued';
    },
    room: () => (buffer.length < o.maxQueueSize ? Promise.resolve() : room.wait()),
    written() {
      if (stored >= pushed) return Promise.resolve();
      const target = pushed;
      kick();
      return new Promise<void>((resolve, reject) => waiters.push({ target, resolve, reject }));
    },
    get size() {
      return buffer.length - appending;
    },
    stalled: () => (blocked ? Promise.resolve() : stall.wait()),
    wake: () => storeRoom.wake(),
    async close() {
      closing = true;
      room.wake();
      storeRoom.wake();
      await writing;
      const left = buffer;
      const error = new CapiError('the client shut down before the event reached its store');
      for (const w of waiters) w.reject(error);
      waiters = [];
      buffer = [];
      keys = new DedupeSet();
      return left;
    },
  };
}
