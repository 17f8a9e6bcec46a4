import { CapiValidationError, buildEvent, timestampIssueCode } from '@x/openai-capi-core';
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
  /** Rows that passed every local check so far (in a dry run, the rows that would be sent). */
  valid: number;
  /** True in a dry run: nothing is sent, `delivered` stays 0. */
  dryRun: boolean;
  delivered: number;
  rejected: number;
  stale: number;
}

/** What an upload did with every row of the file. */
export interface UploadSummary {
  total: number;
  /** Rows that passed every local check (mapping, validation, 7-day window, no duplicate). */
  valid: number;
  /** True when nothing was sent (no `send` given): `delivered` and `batches` are 0. */
  dryRun: boolean;
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
  /** Delivers one batch. Left out, nothing is sent: a dry run that only validates. */
  send?: SendBatch;
  /** Events per request (default 500, at most 1000). */
  batchSize?: number;
  /** Clock in Unix ms (default `Date.now`). */
  now?: () => number;
  hasher?: Hasher;
  onProgress?: (progress: UploadProgress) => void;
}

/** How often a dry run reports progress while it validates (rows). */
const DRY_RUN_PROGRESS_EVERY = 1000;

/**
 * Maps, validates and hashes every row with core's `buildEvent`, sets aside stale rows and
 * duplicates, then delivers the rest in batches and reports each row's fate. Without `send` it
 * stops after the local checks (a dry run).
 */
export async function uploadTable(options: UploadOptions): Promise<UploadSummary> {
  const { table, mapping, send } = options;
  const now = options.now ?? Date.now;
  const batchSize = Math.min(1000, Math.max(1, options.batchSize ?? 500));
  const dryRun = send === undefined;
  const summary: UploadSummary = {
    total: table.records.length,
    valid: 0,
    dryRun,
    delivered: 0,
    rejected: [],
    stale: [],
    ignoredColumns: mapping.ignored,
    batches: 0,
  };
  const lineOf = new Map<string, number>();
  const events: WireEvent[] = [];
  const progress = (processed: number) =>
    options.onProgress?.({
      processed,
      total: summary.total,
      valid: events.length,
      dryRun,
      delivered: summary.delivered,
      rejected: summary.rejected.length,
      stale: summary.stale.length,
    });

  for (const [index, record] of table.records.entries()) {
    if (dryRun && index > 0 && index % DRY_RUN_PROGRESS_EVERY === 0) progress(index);
    const mapped = mapRecord(record, mapping, options.defaults);
    if (!mapped.ok) {
      summary.rejected.push({ line: record.line, reason: mapped.reason });
      continue;
    }
    const at = now();
    const timestamp = mapped.input.timestamp;
    // Core's window rule; a row it finds stale is counted apart (editing cannot fix it).
    if (typeof timestamp === 'number' && timestampIssueCode(timestamp, at) === 'too_old') {
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

  summary.valid = events.length;
  if (send === undefined) {
    progress(summary.total);
    return sortProblems(summary);
  }
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
  return sortProblems(summary);
}

function sortProblems(summary: UploadSummary): UploadSummary {
  summary.rejected.sort((a, b) => a.line - b.line);
  summary.stale.sort((a, b) => a.line - b.line);
  return summary;
}
