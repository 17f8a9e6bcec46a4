import type { WireEvent } from '@x/openai-capi-core';
import { builtin } from './node-builtins.js';
import { CapiStoreError } from './store.js';
import { ledgerEntryOf, parseLedgerLine, type DeliverySource, type LedgerEntry } from './ledger-format.js';
import { clampInt } from './relay-options.js';

/** Options of the delivery ledger of a file store (`createFileStore({ ledger })`). */
export interface LedgerOptions {
  /** Most bytes the ledger keeps on disk; the oldest segments go first. Default 64 MiB; 64 KiB…4 GiB. */
  maxBytes?: number | undefined;
  /** Days of deliveries kept (the API accepts events up to 7 days old). Default 8; 7…90. */
  retentionDays?: number | undefined;
}

/** The rolling record of what a client delivered (see {@link LedgerEntry}). */
export interface DeliveryLedger {
  /** Where its segments are (`<store directory>/ledger`). */
  readonly directory: string;
  /** Records delivered events (written in the background, in order). `warn` hears of lost records. */
  record(events: readonly WireEvent[], sourceOf: (event: WireEvent) => DeliverySource, warn: (message: string) => void): void;
  /** Resolves once everything recorded so far is written. */
  flush(): Promise<void>;
}

/** The folder of the ledger inside a file store's directory. */
export const LEDGER_FOLDER = 'ledger';
const DAY_MS = 86_400_000;
const SEGMENT = /^segment-(\d{15})\.ndjson$/;
const segmentName = (start: number) => `segment-${String(start).padStart(15, '0')}.ndjson`;

interface Segment {
  name: string;
  start: number;
  size: number;
}

/**
 * The ledger in `<storeDirectory>/ledger`: NDJSON segments named by the time of their first entry,
 * a new one every `maxBytes / 16`; segments wholly older than `retentionDays` are deleted, and the
 * oldest ones while the total is over `maxBytes` (with one warning when that cuts into the 7 days).
 */
export function createLedger(storeDirectory: string, options: LedgerOptions = {}, now: () => number = Date.now): DeliveryLedger {
  const { join } = builtin('path');
  const { appendFile, mkdir, unlink } = builtin('fs/promises');
  const directory = join(storeDirectory, LEDGER_FOLDER);
  const maxBytes = clampInt(options.maxBytes, 64 * 1024 * 1024, 64 * 1024, 4 * 1024 ** 3);
  const retentionMs = clampInt(options.retentionDays, 8, 7, 90) * DAY_MS;
  const segmentBytes = Math.floor(maxBytes / 16);
  const segments: Segment[] = listSegments(directory);
  let total = segments.reduce((sum, s) => sum + s.size, 0);
  // A failure here resurfaces (and is reported once) at the first write.
  let tail: Promise<void> = mkdir(directory, { recursive: true, mode: 0o700 }).then(() => undefined, () => undefined);
  let warnedCut = false;
  let warnedIo = false;

  const prune = async (warn: (message: string) => void) => {
    const horizon = now() - retentionMs;
    const week = now() - 7 * DAY_MS;
    while (segments.length > 1) {
      const [oldest, next] = segments as [Segment, Segment];
      const expired = next.start <= horizon;
      if (!expired && total <= maxBytes) break;
      if (!expired && next.start > week && !warnedCut) {
        warnedCut = true;
        warn(`delivery ledger: maxBytes ${maxBytes} reached, deliveries younger than 7 days dropped from it; raise ledger.maxBytes`);
      }
      segments.shift();
      total -= oldest.size;
      await unlink(join(directory, oldest.name)).catch(() => undefined);
    }
  };

  const startSegment = (at: number): Segment => {
    const previous = segments[segments.length - 1];
    const start = Math.max(at, (previous?.start ?? 0) + 1);
    const segment = { name: segmentName(start), start, size: 0 };
    segments.push(segment);
    return segment;
  };

  // Lines go to the current segment until it holds `segmentBytes`; a big batch spans segments, so
  // no segment outgrows its share and pruning can always bring the total under `maxBytes`.
  const write = async (lines: readonly string[], at: number, warn: (message: string) => void) => {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    let i = 0;
    while (i < lines.length) {
      let current = segments[segments.length - 1];
      if (current === undefined || current.size >= segmentBytes) current = startSegment(at);
      let text = '';
      let bytes = 0;
      for (; i < lines.length; i++) {
        const size = Buffer.byteLength(lines[i] as string);
        if (current.size + bytes + size > segmentBytes && current.size + bytes > 0) break;
        text += lines[i];
        bytes += size;
      }
      await appendFile(join(directory, current.name), text, { mode: 0o600 });
      current.size += bytes;
      total += bytes;
      if (i < lines.length) startSegment(at);
    }
    await prune(warn);
  };

  return {
    directory,
    record(events, sourceOf, warn) {
      if (events.length === 0) return;
      const at = now();
      const lines = events.map((event) => `${JSON.stringify(ledgerEntryOf(event, sourceOf(event), at))}\n`);
      tail = tail.then(() => write(lines, at, warn)).catch((error: unknown) => {
        if (warnedIo) return;
        warnedIo = true;
        warn(`delivery ledger: cannot write to ${directory} (${(error as NodeJS.ErrnoException).code ?? 'error'}); deliveries are not recorded`);
      });
    },
    flush: () => tail,
  };
}

function listSegments(directory: string): Segment[] {
  const { readdirSync, statSync } = builtin('fs');
  const { join } = builtin('path');
  let names: string[] = [];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const out: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m === null) continue;
    out.push({ name, start: Number(m[1]), size: statSync(join(directory, name)).size });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** What {@link readLedger} read. */
export interface LedgerRead {
  /** The entries, oldest segment first. */
  entries: LedgerEntry[];
  /** Lines that were not entries (a line torn by a crash), skipped. */
  skipped: number;
}

/**
 * Reads a delivery ledger, oldest segment first: `directory` is the file store's directory (or its
 * `ledger` folder). Lines that are not entries (a line torn by a crash) are counted in `skipped`.
 *
 * @throws CapiStoreError when `directory` holds no ledger; the file system's error when it cannot be read
 */
export async function readLedger(directory: string): Promise<LedgerRead> {
  const { join } = builtin('path');
  const { readdir, readFile } = builtin('fs/promises');
  // Names are zero-padded start times: their text order is their time order.
  const segmentsIn = async (dir: string) => (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
  let dir = join(directory, LEDGER_FOLDER);
  let files: string[];
  try {
    files = await segmentsIn(dir);
  } catch {
    dir = directory;
    files = await segmentsIn(dir);
    if (files.length === 0) throw new CapiStoreError(`no delivery ledger in ${directory} (neither a ${LEDGER_FOLDER} folder nor ledger segments)`);
  }
  const entries: LedgerEntry[] = [];
  let skipped = 0;
  for (const name of files) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseLedgerLine(line);
      if (entry === undefined) skipped++;
      else entries.push(entry);
    }
  }
  return { entries, skipped };
}
