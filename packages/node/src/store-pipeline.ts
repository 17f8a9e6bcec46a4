import type { WireEvent } from '@x/openai-capi-core';
import { withoutStale } from './checks.js';
import type { DeadlineWindow } from './deadline.js';
import type { Run } from './delivery.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import type { Pipeline } from './pipeline.js';
import { emptyReport, mergeReport, type SendReport } from './report.js';
import type { Reporter } from './reporter.js';
import { errorName } from './reporter.js';
import type { EventStore } from './store.js';
import { createStoreWriter } from './store-writer.js';

/**
 * Tracked events go to a store: the {@link createStoreWriter} buffer (at most `maxQueueSize`)
 * written in groups; each flush then loads batches from the store (replays included), delivers them
 * and settles each event there: delivered and rejected ones are forgotten, those that failed for a
 * transient cause are released (`kept`) for a later attempt. `onStored(full)` is called after
 * events reached the store (`full`: the store refused some for lack of room, so flush now).
 */
export function storePipeline(o: ResolvedOptions, reporter: Reporter, run: Run, store: EventStore, log: Logger, onStored: (full: boolean) => void): Pipeline {
  // Opened once; a failed attempt is logged and tried again by the next caller (writer, flush).
  let opening: Promise<void> | undefined;
  const open = (): Promise<void> => {
    opening ??= store.open().then(
      ({ problems }) => {
        for (const p of problems) log.warn(`${store.description}: ${p.message}`, { code: p.code });
        onStored(false);
      },
      (error: unknown) => {
        opening = undefined;
        log.error(`${store.description} could not be opened (${errorName(error)}): ${(error as Error)?.message ?? ''}`);
        throw error;
      },
    );
    return opening;
  };
  open().catch(() => undefined);
  const writer = createStoreWriter(o, store, log, open, onStored);
  let closed = false;

  /** Delivers one loaded batch and settles each of its events in the store; returns the refs to release. */
  const deliverLoaded = async (loaded: Awaited<ReturnType<EventStore['load']>>, window: DeadlineWindow, report: SendReport): Promise<string[]> => {
    const refOf = new Map(loaded.map((s) => [s.event, s.ref]));
    const ref = (e: WireEvent) => refOf.get(e) as string;
    const { fresh, stale } = withoutStale(loaded.map((s) => s.event), o.now(), report, reporter);
    const part = await run(fresh, o.validateOnly, emptyReport(), window.outer, 'store');
    const failed = new Set(part.rejected.map((r) => r.event));
    await store.markDelivered(fresh.filter((e) => !failed.has(e)).map(ref));
    await store.markRejected([...stale, ...part.rejected.filter((r) => r.kept !== true).map((r) => r.event)].map(ref));
    mergeReport(report, part);
    writer.wake();
    return part.rejected.filter((r) => r.kept === true).map((r) => ref(r.event));
  };

  return {
    push: (event) => writer.push(event),
    room: () => writer.room(),
    written: () => writer.written(),
    get size() {
      return writer.size + (store.size?.() ?? 0);
    },
    polls: true,
    async drain(window, report) {
      if (closed) return report; // a flush after shutdown: the store is closed, nothing to take
      const aborted = new Promise<void>((resolve) => window.outer.signal.addEventListener('abort', () => resolve(), { once: true }));
      // What was tracked before this flush goes to the store first (unless the deadline comes, or
      // the store fails or is full: then what it holds is delivered, the rest stays buffered).
      await Promise.race([writer.written().catch(() => undefined), aborted, writer.stalled()]);
      try {
        await Promise.race([open(), aborted]);
      } catch {
        return report; // logged by open(); the events wait in the buffer
      }
      const released: string[] = [];
      // What the store holds now, not what keeps arriving meanwhile: one flush must not chase the
      // producer one tiny batch at a time (later events go with the next flush).
      let budget = store.size?.() ?? o.maxQueueSize;
      try {
        while (budget > 0 && !window.outer.signal.aborted && o.now() < window.outer.deadline) {
          const loaded = await store.load(Math.min(o.maxBatchEvents, budget));
          for (const p of store.problems?.() ?? []) log.warn(`${store.description}: ${p.message}`, { code: p.code });
          if (loaded.length === 0) break;
          budget -= loaded.length;
          released.push(...(await deliverLoaded(loaded, window, report)));
        }
      } catch (error) {
        log.error(`${store.description}: a flush could not read or settle events (${errorName(error)}); they stay in the store`);
      } finally {
        // Released only now, so this flush does not take them again.
        await store.release(released).catch(() => undefined);
      }
      return report;
    },
    async close() {
      closed = true;
      const left = await writer.close();
      await store.close().catch((error: unknown) => log.error(`${store.description}: close failed (${errorName(error)})`));
      return left;
    },
  };
}
