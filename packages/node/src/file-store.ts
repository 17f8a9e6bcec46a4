import type { WireEvent } from '@x/openai-capi-core';
import { takeLock } from './dir-lock.js';
import { appendLine, recover, settleLine } from './journal.js';
import { builtin } from './node-builtins.js';
import { JournalWriter, type Durability } from './journal-writer.js';
import { createLedger, type LedgerOptions } from './ledger.js';
import { CapiStoreError, type EventStore, type StoreProblem, type StoredEvent } from './store.js';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions {
  /** Directory of the journal and its lock; created when absent. One process at a time may use it. */
  directory: string;
  /**
   * When the journal reaches the disk:
   * - `'batched'` (default): each group of appends is written at once (so a crashed or killed
   *   process loses nothing that was appended), and fsync'd at most every `syncIntervalMs`: a power
   *   loss or kernel crash can lose the last interval of events.
   * - `'always'`: each group write is fsync'd before its appends resolve: nothing acknowledged is
   *   lost even on power loss, at the cost of one fsync per group (see docs/benchmarks.md).
   */
  durability?: Durability | undefined;
  /** With `'batched'`, the longest time between fsyncs. Default 1000 ms; clamped to 10 ms…60 s. */
  syncIntervalMs?: number | undefined;
  /** Most undelivered events kept; appends beyond are refused (`store_full`). Default 100 000; 1…10 000 000. */
  maxEvents?: number | undefined;
  /**
   * The delivery ledger in `<directory>/ledger`: what the client delivered (ids, types, times,
   * amounts, sources, match-key names; no personal data) for `openai-capi reconcile`. Default on
   * (8 days, at most 64 MiB); `false` turns it off. See docs/verify.md.
   */
  ledger?: LedgerOptions | false | undefined;
}

const JOURNAL = 'journal.ndjson';
const LOCK = 'lock';
/** Settled events that trigger a compaction (at least; more when many events are live). */
const COMPACT_AFTER = 1000;
/** Settled events that trigger a compaction once nothing is live (an empty rewrite is cheap); `close()` always does. */
const COMPACT_EMPTY_AFTER = 64;

/**
 * A durable store for one machine: an append-only journal of events and of their settlement in
 * `directory`, compacted once enough of it is settled. Takes the directory's lock at once.
 *
 * @throws CapiStoreError when another live process (or another store in this one) holds the
 * directory, when it cannot be created, and for bad options (no directory, unknown durability)
 */
export function createFileStore(options: FileStoreOptions): EventStore {
  const { directory, durability = 'batched' } = options ?? ({} as FileStoreOptions);
  if (typeof directory !== 'string' || directory === '') throw new CapiStoreError('createFileStore: directory must be a non-empty path');
  if (durability !== 'always' && durability !== 'batched') throw new CapiStoreError("createFileStore: durability must be 'always' or 'batched'");
  const maxEvents = clamp(options.maxEvents, 100_000, 1, 10_000_000);
  const syncIntervalMs = clamp(options.syncIntervalMs, 1000, 10, 60_000);
  const { join, resolve } = builtin('path');
  const dir = resolve(directory);
  try {
    builtin('fs').mkdirSync(dir, { recursive: true, mode: 0o700 }); // events hold IPs, user agents and hashed personal data
  } catch (cause) {
    throw new CapiStoreError(`cannot create the store directory ${dir}`, { cause });
  }
  const lockProblems: StoreProblem[] = [];
  const unlock = takeLock(join(dir, LOCK), lockProblems);
  const path = join(dir, JOURNAL);
  const ledger = options.ledger === false ? undefined : createLedger(dir, options.ledger ?? {});

  let live = new Map<number, WireEvent>();
  const claimed = new Set<number>();
  let nextSeq = 0;
  let settledSinceCompaction = 0;
  let writer: JournalWriter | undefined;
  let closed = false;

  const journal = (): JournalWriter => {
    if (writer === undefined || closed) throw new CapiStoreError(`the file store ${dir} is ${closed ? 'closed' : 'not open yet'}`);
    return writer;
  };
  const snapshot = () => {
    let text = '';
    for (const [seq, event] of live) text += appendLine(seq, event);
    return text;
  };
  const settle = async (kind: 'd' | 'r', refs: readonly string[]) => {
    const seqs = refs.map(Number).filter((seq) => live.delete(seq) || claimed.has(seq));
    for (const seq of seqs) claimed.delete(seq);
    if (seqs.length === 0) return;
    await journal().write(settleLine(kind, seqs));
    settledSinceCompaction += seqs.length;
    if ((live.size === 0 && settledSinceCompaction >= COMPACT_EMPTY_AFTER) || settledSinceCompaction >= Math.max(COMPACT_AFTER, live.size)) {
      settledSinceCompaction = 0;
      await journal().rewrite(snapshot);
    }
  };

  return {
    description: `file store ${dir}`,
    maxEvents,
    ledger,
    async open() {
      let text = '';
      try {
        text = await builtin('fs/promises').readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CapiStoreError(`cannot read the journal ${path}`, { cause: error });
      }
      const recovered = recover(text);
      live = recovered.live;
      nextSeq = recovered.nextSeq;
      writer = await JournalWriter.open(path, durability, syncIntervalMs);
      // Starts from a clean journal: settled records and any torn line are gone.
      await writer.rewrite(snapshot);
      return { problems: [...lockProblems, ...recovered.problems] };
    },
    async append(events) {
      const room = Math.max(0, maxEvents - live.size);
      const accepted = events.length <= room ? events : events.slice(0, room);
      if (accepted.length === 0) return 0;
      let text = '';
      for (const event of accepted) {
        const seq = nextSeq++;
        live.set(seq, event);
        text += appendLine(seq, event);
      }
      await journal().write(text);
      return accepted.length;
    },
    async load(max) {
      const out: StoredEvent[] = [];
      if (max <= 0) return out;
      for (const [seq, event] of live) {
        if (claimed.has(seq)) continue;
        claimed.add(seq);
        out.push({ ref: String(seq), event });
        if (out.length >= max) break;
      }
      return out;
    },
    markDelivered: (refs) => settle('d', refs),
    markRejected: (refs) => settle('r', refs),
    async release(refs) {
      for (const ref of refs) claimed.delete(Number(ref));
    },
    size: () => live.size,
    async close() {
      if (closed) return;
      try {
        await ledger?.flush();
        if (writer !== undefined && live.size === 0 && settledSinceCompaction > 0) await writer.rewrite(snapshot);
        await writer?.close();
      } finally {
        closed = true;
        unlock();
      }
    },
  };
}

function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
