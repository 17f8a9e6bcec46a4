import type { FileHandle } from 'node:fs/promises';
import { builtin } from './node-builtins.js';

/** When the journal is fsync'd; see `FileStoreOptions.durability`. */
export type Durability = 'always' | 'batched';

/**
 * Appends lines to the journal in groups: lines given while a write is under way go together in
 * the next write. With `always`, each write is fsync'd before its callers resolve; with `batched`,
 * a timer fsyncs at most once per `syncIntervalMs`. One write (or rewrite) runs at a time.
 */
export class JournalWriter {
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private running: Promise<void> | undefined;
  private dirty = false;
  private syncTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private readonly durability: Durability,
    syncIntervalMs: number,
  ) {
    if (durability === 'batched') {
      this.syncTimer = setInterval(() => void this.sync().catch(() => undefined), syncIntervalMs);
      this.syncTimer.unref();
    }
  }

  /** Opens `path` for appending (created when absent). */
  static async open(path: string, durability: Durability, syncIntervalMs: number): Promise<JournalWriter> {
    return new JournalWriter(path, await builtin('fs/promises').open(path, 'a', 0o600), durability, syncIntervalMs);
  }

  /** Writes `text` (whole lines); resolves once written (and fsync'd with `always`). */
  write(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push(text);
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /**
   * Replaces the journal with `text` (compaction), atomically: a temporary file, fsync'd, renamed
   * over the journal, then the directory fsync'd. Runs between two group writes.
   */
  rewrite(text: () => string): Promise<void> {
    return this.exclusive(async () => {
      const { open, rename } = builtin('fs/promises');
      const tmp = `${this.path}.tmp`;
      const out = await open(tmp, 'w', 0o600);
      try {
        await out.writeFile(text());
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, this.path);
      await syncDirectory(builtin('path').dirname(this.path));
      await this.handle.close();
      this.handle = await open(this.path, 'a', 0o600);
      this.dirty = false;
    });
  }

  /** Fsyncs what was written, if anything. */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await this.handle.datasync();
    });
  }

  /** Writes what is pending, fsyncs and closes the file. */
  async close(): Promise<void> {
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    while (this.running !== undefined || this.pending.length > 0) {
      this.kick();
      await this.running;
    }
    this.dirty = true;
    await this.sync();
    await this.handle.close();
  }

  private kick(): void {
    if (this.running !== undefined || this.pending.length === 0) return;
    const text = this.pending.join('');
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    const run = async () => {
      await this.handle.write(text);
      if (this.durability === 'always') await this.handle.datasync();
      else this.dirty = true;
    };
    this.running = run().then(
      () => waiters.forEach((w) => w.resolve()),
      (error: unknown) => waiters.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async exclusive(task: () => Promise<void>): Promise<void> {
    while (this.running !== undefined) await this.running;
    let done!: () => void;
    this.running = new Promise<void>((resolve) => (done = resolve));
    try {
      await task();
    } finally {
      this.running = undefined;
      done();
      this.kick();
    }
  }
}

/** Fsyncs a directory, so a rename in it survives a power loss (a no-op where it is refused). */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await builtin('fs/promises').open(path, 'r');
    await handle.sync();
  } catch {
    // Some platforms refuse to fsync a directory; the rename is then as durable as they make it.
  } finally {
    await handle?.close();
  }
}
