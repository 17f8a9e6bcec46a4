import { parseCsv } from './csv.js';

/** One input row, before mapping: where it came from and its named fields. */
export interface SourceRecord {
  /** 1-based line number in the file (for messages). */
  line: number;
  /** Field values by column name; CSV cells are strings, NDJSON values keep their JSON type. */
  fields: Record<string, unknown>;
  /** Set when the row could not be read at all; it is reported as rejected, never dropped. */
  error?: string;
}

/** The rows of a file and the column names seen in it. */
export interface SourceTable {
  columns: string[];
  records: SourceRecord[];
}

/** The file formats `openai-capi upload` reads, chosen by extension. */
export type SourceFormat = 'csv' | 'ndjson';

/** Picks the format from a file name: `.csv`, `.ndjson` / `.jsonl`; anything else is an error. */
export function formatOf(fileName: string): SourceFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  throw new Error(`unsupported file type "${fileName}": expected .csv, .ndjson or .jsonl`);
}

/** Reads CSV text: the first row is the header; a row with a different cell count is rejected. */
export function csvTable(text: string): SourceTable {
  const [header, ...rows] = parseCsv(text);
  if (!header) return { columns: [], records: [] };
  const columns = header.cells.map((c) => c.trim());
  const records = rows.map(({ line, cells }): SourceRecord => {
    const fields: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      fields[column] = cells[i] ?? '';
    });
    if (cells.length !== columns.length) {
      return { line, fields, error: `row has ${cells.length} cells but the header has ${columns.length}` };
    }
    return { line, fields };
  });
  return { columns, records };
}

/** Reads NDJSON text: one JSON object per non-blank line; a line that is not an object is rejected. */
export function ndjsonTable(text: string): SourceTable {
  const columns = new Set<string>();
  const records: SourceRecord[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      records.push({ line, fields: {}, error: 'not valid JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      records.push({ line, fields: {}, error: 'a line must hold one JSON object' });
      return;
    }
    const fields = value as Record<string, unknown>;
    Object.keys(fields).forEach((k) => columns.add(k));
    records.push({ line, fields });
  });
  return { columns: [...columns], records };
}

/** Reads a whole file's text in the given format. */
export function readTable(text: string, format: SourceFormat): SourceTable {
  return format === 'csv' ? csvTable(text) : ndjsonTable(text);
}
