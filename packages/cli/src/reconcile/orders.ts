import { normalizeHeader, parseTimestamp } from '../upload/mapping.js';
import type { SourceTable } from '../upload/records.js';

/** The fields `reconcile` reads from the backend's orders (`--map column=field`). */
export type OrderField = 'id' | 'time' | 'value' | 'currency' | 'ignore';
const FIELDS: readonly OrderField[] = ['id', 'time', 'value', 'currency', 'ignore'];

// Common export headers, as `normalizeHeader` spells them.
const ALIASES: Readonly<Record<string, OrderField>> = {
  id: 'id', event_id: 'id', order_id: 'id', order_number: 'id', transaction_id: 'id', lead_id: 'id',
  time: 'time', timestamp: 'time', timestamp_ms: 'time', created_at: 'time', date: 'time', ordered_at: 'time', converted_at: 'time',
  value: 'value', amount: 'value', total: 'value', revenue: 'value', order_value: 'value',
  currency: 'currency', currency_code: 'currency',
};

/** One order or lead of the backend. */
export interface BackendOrder {
  line: number;
  id: string;
  time: number;
  /** Major units as written (`129.99`), when the row has one. */
  value?: string;
  currency?: string;
}

/** A row that could not be read: reported, never dropped silently. */
export interface UnreadableRow {
  line: number;
  reason: string;
}

/** Parses `--map column=field` pairs; throws naming the bad pair. */
export function parseOrderMap(pairs: readonly string[]): Map<string, OrderField> {
  const map = new Map<string, OrderField>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const column = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim() as OrderField;
    if (at <= 0 || column === '') throw new Error(`--map "${pair}": expected column=field`);
    if (!FIELDS.includes(field)) throw new Error(`--map "${pair}": unknown field "${field}" (one of ${FIELDS.join(', ')})`);
    map.set(column, field);
  }
  return map;
}

/** Which column feeds each field: `--map` first, then the aliases; `id` and `time` are required. */
export function resolveOrderColumns(columns: readonly string[], overrides: ReadonlyMap<string, OrderField>): Map<OrderField, string> {
  const out = new Map<OrderField, string>();
  for (const [column, field] of overrides) {
    if (!columns.includes(column)) throw new Error(`--map: no column "${column}" in the file`);
    if (field !== 'ignore') out.set(field, column);
  }
  for (const column of columns) {
    if (overrides.has(column)) continue;
    const field = ALIASES[normalizeHeader(column)];
    if (field !== undefined && !out.has(field)) out.set(field, column);
  }
  for (const needed of ['id', 'time'] as const) {
    if (!out.has(needed)) throw new Error(`no column for "${needed}" (columns: ${columns.join(', ')}); map one with --map <column>=${needed}`);
  }
  return out;
}

const text = (v: unknown): string | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' ? undefined : s;
};

/** The orders of a table; rows without a readable id or time are listed apart, with their line. */
export function readOrders(table: SourceTable, columns: ReadonlyMap<OrderField, string>): { orders: BackendOrder[]; unreadable: UnreadableRow[] } {
  const orders: BackendOrder[] = [];
  const unreadable: UnreadableRow[] = [];
  const col = (field: OrderField) => columns.get(field);
  for (const record of table.records) {
    if (record.error !== undefined) {
      unreadable.push({ line: record.line, reason: record.error });
      continue;
    }
    const get = (field: OrderField) => {
      const c = col(field);
      return c === undefined ? undefined : record.fields[c];
    };
    const id = text(get('id'));
    const time = parseTimestamp(get('time'));
    if (id === undefined) {
      unreadable.push({ line: record.line, reason: 'no id' });
      continue;
    }
    if (time === undefined) {
      unreadable.push({ line: record.line, reason: 'no readable time' });
      continue;
    }
    const order: BackendOrder = { line: record.line, id, time };
    const value = text(get('value'));
    const currency = text(get('currency'));
    if (value !== undefined) order.value = value;
    if (currency !== undefined) order.currency = currency.toUpperCase();
    orders.push(order);
  }
  return { orders, unreadable };
}
