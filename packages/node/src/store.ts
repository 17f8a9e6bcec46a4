import { CapiError, type WireEvent } from '@x/openai-capi-core';
import type { DeliveryLedger } from './ledger.js';

/** One event held by a store, with the store's handle for it. */
export interface StoredEvent {
  /** The store's handle of this copy (a journal sequence number, a Redis stream entry id…). */
  ref: string;
  /** The wire event, exactly as appended. */
  event: WireEvent;
}

/** Something a store found and could not use, reported (logged at warn level), never fatal. */
export interface StoreProblem {
  /**
   * - `torn_line`: the journal's last line was cut short (a crash in the middle of a write); skipped.
   * - `corrupt_line`: a journal line that is not a record; skipped.
   * - `stale_lock`: the directory's lock belonged to a process that no longer runs; taken over.
   * - `corrupt_entry`: a Redis stream entry without a readable event; acknowledged and skipped.
   */
  code: 'torn_line' | 'corrupt_line' | 'stale_lock' | 'corrupt_entry';
  /** What happened, without event contents (no personal data). */
  message: string;
}

/** What {@link EventStore.open} found. */
export interface StoreOpened {
  /** Lines, entries or locks that could not be used, each skipped and reported. */
  problems: StoreProblem[];
}

/**
 * Where a client keeps the events it has accepted until the API settled them: the `store` option
 * of `createClient`. Each event appended stays in the store until it is marked delivered or
 * rejected; an event claimed by `load` and neither marked nor released (a crash) is claimed again
 * by the next `load` of a process that opens the store later (file store) or by any consumer after
 * a timeout (Redis store). Stores shipped: {@link createFileStore} (one machine) and
 * `createRedisStore` from `@x/openai-capi-node/redis` (many). One client per store instance.
 *
 * Methods are called one at a time for writes (`append`, `mark*`, `release`) in the order the
 * client needs them; `load` may run while an `append` is in progress.
 */
export interface EventStore {
  /** Human-readable name for logs and errors (`file store /var/lib/app/capi`), without secrets. */
  readonly description: string;
  /** Most undelivered events the store holds; `append` accepts no more. */
  readonly maxEvents: number;
  /**
   * Prepares the store (recovers the journal, creates the consumer group…). Called once, first.
   * Resolves to what it found and skipped (logged by the client at warn level).
   */
  open(): Promise<StoreOpened>;
  /**
   * Adds events; resolves once they are written as durably as the store promises. Returns how many
   * of them (a prefix) it accepted: fewer than given when it reached `maxEvents`.
   */
  append(events: readonly WireEvent[]): Promise<number>;
  /** Claims up to `max` undelivered events for this process (replays included), oldest first. */
  load(max: number): Promise<StoredEvent[]>;
  /** The API accepted these events: forget them. */
  markDelivered(refs: readonly string[]): Promise<void>;
  /** These events will never be delivered (reported to the application with the event): forget them. */
  markRejected(refs: readonly string[]): Promise<void>;
  /** A transient failure (network, deadline): make these claimed events loadable again. */
  release(refs: readonly string[]): Promise<void>;
  /** Problems found since the last call (by `load`, say), each skipped; logged by the client at warn level. */
  problems?(): StoreProblem[];
  /** Undelivered events known to this process, when the store can tell cheaply (for `stats()`). */
  size?(): number;
  /**
   * The rolling record of delivered events the client writes to (file store: `<directory>/ledger`,
   * read by `openai-capi reconcile`). Absent: no ledger (the Redis store, for now).
   */
  readonly ledger?: DeliveryLedger | undefined;
  /** Writes what is pending and lets go (the lock of a file store). The store is unusable after. */
  close(): Promise<void>;
}

/** A store could not be used: its directory is held by another live process, its I/O failed… */
export class CapiStoreError extends CapiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CapiStoreError';
  }
}
