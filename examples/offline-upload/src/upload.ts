import { CapiValidationError, MAX_PAST_MS, buildEvent } from '@x/openai-capi-core';
import type { Hasher, WireEvent } from '@x/openai-capi-core';
import { mapRecord, type ColumnMapping, type MappingDefaults } from './mapping.js';
import type { SourceTable } from './records.js';

/** The part of the node client's `SendReport` the upload reads. */
export interface SendReportLike {
  delivered: readonly string[];
  rejected: readonly { id: string; reason: string; error: { message: string }; status?: number }[];
}

/** Delivers one batch: the node client's `send` (or `validate`) fits. */
export type SendBatch = (events: WireEvent[]) => Promise<SendReportLike>;

/** A row that was not delivered: its line in the file, the event id when it had one, and why. */
export interface RowProblem {
  line: number;
  id?: string;
  reason: string;
}

/** Progress after each step: rows handled so far out of all rows, and the counts so far. */
export interface UploadProgress {
  processed: number;
  total: number;
  delivered: number;
  rejected: number;
  stale: number;
}

/** What an upload did with every row of the file. */
export interface UploadSummary {
  total: number;
  delivered: number;
  /** Rows the SDK or the API refused, with reasons (validation, API answer, duplicates…). */
  rejected: RowProblem[];
  /** Rows older than the API's 7-day window: not sent, counted apart (they cannot be fixed by editing). */
  stale: RowProblem[];
  /** Columns of the file that fed no field. */
  ignoredColumns: string[];
  /** HTTP requests made. */
  batches: number;
}

/** Options of {@link uploadTable}. */
export interface UploadOptions {
  table: SourceTable;
  mapping: ColumnMapping;
  defaults?: MappingDefaults;
  send: SendBatch;
  /** Events per request (default 500, at most 1000). */
  batchSize?: number;
  /** Clock in Unix ms (default `Date.now`). */
  now?: () => number;
  hasher?: Hasher;
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * Maps, validates and hashes every row with core's `buildEvent`, sets aside stale rows and
 * duplicates, then delivers the rest in batches and reports each row's fate.
 */
export async function uploadTable(options: UploadOptions): Promise<UploadSummary> {
  const { table, mapping, send } = options;
  const now = options.now ?? Date.now;
  const batchSize = Math.min(1000, Math.max(1, options.batchSize ?? 500));
  const summary: UploadSummary = {
    total: table.records.length,
    delivered: 0,
    rejected: [],
    stale: [],
    ignoredColumns: mapping.ignored,
    batches: 0,
  };
  const lineOf = new Map<string, number>();
  const events: WireEvent[] = [];

  for (const record of table.records) {
    const mapped = mapRecord(record, mapping, options.defaults);
    if (!mapped.ok) {
      summary.rejected.push({ line: record.line, reason: mapped.reason });
      continue;
    }
    const at = now();
    const timestamp = mapped.input.timestamp;
    if (typeof timestamp === 'number' && timestamp < at - MAX_PAST_MS) {
      summary.stale.push({ line: record.line, reason: `happened ${Math.floor((at - timestamp) / 86_400_000)} days ago (limit: 7 days)` });
      continue;
    }
    let event: WireEvent;
    try {
      event = buildEvent(mapped.input, { now: at, ...(options.hasher ? { hasher: options.hasher } : {}) });
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      summary.rejected.push({ line: record.line, reason: error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
      continue;
    }
    const firstLine = lineOf.get(event.id);
    if (firstLine !== undefined) {
      summary.rejected.push({ line: record.line, id: event.id, reason: `duplicate of line ${firstLine} (same event id)` });
      continue;
    }
    lineOf.set(event.id, record.line);
    events.push(event);
  }

  const progress = (processed: number) =>
    options.onProgress?.({
      processed,
      total: summary.total,
      delivered: summary.delivered,
      rejected: summary.rejected.length,
      stale: summary.stale.length,
    });
  let processed = summary.total - events.length;
  progress(processed);

  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    const report = await send(batch);
    summary.batches++;
    summary.delivered += report.delivered.length;
    for (const r of report.rejected) {
      const problem = {
        line: lineOf.get(r.id) ?? 0,
        id: r.id,
        reason: `${r.reason}${r.status !== undefined ? ` (HTTP ${r.status})` : ''}: ${r.error.message}`,
      };
      (r.reason === 'stale' ? summary.stale : summary.rejected).push(problem);
    }
    processed += batch.length;
    progress(processed);
  }
  summary.rejected.sort((a, b) => a.line - b.line);
  summary.stale.sort((a, b) => a.line - b.line);
  return summary;
}
