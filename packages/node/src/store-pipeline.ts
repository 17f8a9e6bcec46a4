import { CapiError, type WireEvent } from '@x/openai-capi-core';
import { withoutStale } from './checks.js';
import type { Run } from './delivery.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import { Waiters, type Pipeline } from './pipeline.js';
import { dedupeKey } from './queue.js';
import { emptyReport, mergeReport } from './report.js';
import type { Reporter } from './reporter.js';
import { errorName } from './reporter.js';
import type { EventStore } from './store.js';

/** Wait before retrying a failed or full store, in ms (unref'd: it never holds the process open). */
const RETRY_MS = 1000;

/**
 * Tracked events go to a store: a small in-memory buffer (at most `maxQueueSize`) written to the
 * store in groups; each flush then loads batches from the store (replays included), delivers them
 * and settles each event there: delivered and rejected ones are forgotten, those that failed for a
 * transient cause are released (`kept`) for a later attempt. `onStored(full)` is called after
 * events reached the store (`full`: the store refused some for lack of room, so flush now).
 */
export function storePipeline(o: ResolvedOptions, reporter: Reporter, run: Run, store: EventStore, log: Logger, onStored: (full: boolean) => void): Pipeline {
  let buffer: WireEvent[] = [];
  let keys = new Set<string>();
  let blocked = false;
  let closing = false;
  let writing: Promise<void> | undefined;
  // Events ever pushed, and ever written: `written()` waits for the count pushed so far.
  let pushed = 0;
  let stored = 0;
  let writeWaiters: Array<{ target: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  const room = new Waiters();
  const storeRoom = new Waiters();
  const pause = () =>
    Promise.race([
      storeRoom.wait(),
      new Promise<void>((resolve) => {
        o.timers.setTimeout(resolve, RETRY_MS);
      }),
    ]);

  const opened: Promise<void> = store.open().then(
    ({ problems }) => {
      for (const p of problems) log.warn(`${store.description}: ${p.message}`, { code: p.code });
      onStored(false);
    },
    (error: unknown) => {
      log.error(`${store.description} could not be opened (${errorName(error)}): ${(error as Error)?.message ?? ''}`);
      throw error;
    },
  );
  opened.catch(() => undefined);

  const writeAll = async () => {
    await opened;
    while (buffer.length > 0) {
      const batch = buffer.slice(0, 1000);
      let accepted: number;
      try {
        accepted = await store.append(batch);
      } catch (error) {
        log.error(`${store.description}: append failed (${errorName(error)}); retrying`, { count: batch.length });
        if (closing) return;
        await pause();
        continue;
      }
      buffer = buffer.slice(accepted);
      for (const event of batch.slice(0, accepted)) keys.delete(dedupeKey(event));
      stored += accepted;
      writeWaiters = writeWaiters.filter((w) => (w.target <= stored ? (w.resolve(), false) : true));
      room.wake();
      if (accepted > 0 && accepted === batch.length) onStored(false);
      if (accepted < batch.length) {
        if (!blocked) log.warn(`${store.description} is full (maxEvents ${store.maxEvents}): waiting for deliveries`);
        blocked = true;
        // Deliveries make room: start one now (and again after each pause while it stays full).
        onStored(true);
        if (closing) return;
        await pause();
      } else blocked = false;
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
  const written = (): Promise<void> => {
    if (stored >= pushed) return Promise.resolve();
    const target = pushed;
    kick();
    return new Promise<void>((resolve, reject) => writeWaiters.push({ target, resolve, reject }));
  };

  return {
    push(event) {
      const key = dedupeKey(event);
      if (keys.has(key)) return 'duplicate';
      if (buffer.length >= o.maxQueueSize) return blocked ? 'store_full' : 'full';
      keys.add(key);
      buffer.push(event);
      pushed++;
      kick();
      return 'queued';
    },
    room: () => (buffer.length < o.maxQueueSize ? Promise.resolve() : room.wait()),
    written,
    get size() {
      return buffer.length + (store.size?.() ?? 0);
    },
    polls: true,
    async drain(window, report) {
      const aborted = new Promise<void>((resolve) => window.outer.signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([written().catch(() => undefined), aborted, opened.catch(() => undefined)]);
      await Promise.race([opened, aborted]).catch(() => undefined);
      const released: string[] = [];
      // What the store holds now, not what keeps arriving meanwhile: one flush must not chase the
      // producer one tiny batch at a time (later events go with the next flush).
      let budget = store.size?.() ?? o.maxQueueSize;
      try {
        while (budget > 0 && !window.outer.signal.aborted && o.now() < window.outer.deadline) {
          const loaded = await store.load(Math.min(o.maxBatchEvents, budget));
          budget -= loaded.length;
          if (loaded.length === 0) break;
          const refOf = new Map(loaded.map((s) => [s.event, s.ref]));
          const { fresh, stale } = withoutStale(loaded.map((s) => s.event), o.now(), report, reporter);
          const part = await run(fresh, o.validateOnly, emptyReport(), window.outer, true);
          const failed = new Set(part.rejected.map((r) => r.event));
          const ref = (e: WireEvent) => refOf.get(e) as string;
          await store.markDelivered(fresh.filter((e) => !failed.has(e)).map(ref));
          await store.markRejected([...stale, ...part.rejected.filter((r) => r.kept !== true).map((r) => r.event)].map(ref));
          for (const r of part.rejected) if (r.kept === true) released.push(ref(r.event));
          mergeReport(report, part);
          storeRoom.wake();
        }
      } catch (error) {
        log.error(`${store.description}: a flush could not read or settle events (${errorName(error)}); they stay in the store`);
      } finally {
        await store.release(released).catch(() => undefined);
      }
      return report;
    },
    async close() {
      closing = true;
      room.wake();
      storeRoom.wake();
      await writing;
      const left = buffer;
      const error = new CapiError('the client shut down before the event reached its store');
      for (const w of writeWaiters) w.reject(error);
      writeWaiters = [];
      buffer = [];
      keys = new Set();
      await store.close().catch((error: unknown) => log.error(`${store.description}: close failed (${errorName(error)})`));
      return left;
    },
  };
}
