import { fromMinorUnits, toMinorUnits } from '@x/openai-capi-core';
import type { LedgerEntry } from '@x/openai-capi-node';
import type { BackendOrder } from './orders.js';

/** An order delivered with another amount or currency than the backend's. */
export interface Mismatch {
  id: string;
  line: number;
  field: 'value' | 'currency';
  /** The backend's value (major units) or currency. */
  backend: string;
  /** What was delivered, in the same form (`129.99 USD`, `EUR`). */
  delivered: string;
}

/** What `reconcile` found. */
export interface Reconciliation {
  /** Orders in the compared window. */
  orders: number;
  /** Of those, delivered (by id, from either source). */
  matched: number;
  /** Orders never delivered, oldest first. */
  missing: BackendOrder[];
  /** Deliveries (of the compared types, in the window) with no backend order. */
  unmatched: LedgerEntry[];
  mismatches: Mismatch[];
  /** `missing / orders` in percent (0 with no order). */
  gapPercent: number;
  /** Sum of the backend values of the missing orders, per currency, in minor units. */
  missingValue: Record<string, number>;
  /** Window compared (ms): the orders' earliest and latest time unless given. */
  window: { since: number; until: number };
}

/** Progress of a comparison, for the bar: rows compared so far. */
export type OnProgress = (done: number, total: number) => void;

/**
 * Compares backend orders with ledger entries by id (the id the site sent: the order id). Only
 * entries of `types` count, and only inside the window. The same id delivered twice (server and
 * relay twins) is one delivery.
 */
export function reconcile(
  allOrders: readonly BackendOrder[],
  entries: readonly LedgerEntry[],
  options: { types: readonly string[]; since?: number | undefined; until?: number | undefined; onProgress?: OnProgress | undefined },
): Reconciliation {
  const times = allOrders.map((o) => o.time);
  const since = options.since ?? (times.length > 0 ? Math.min(...times) : 0);
  const until = options.until ?? (times.length > 0 ? Math.max(...times) : 0);
  const orders = allOrders.filter((o) => o.time >= since && o.time <= until);
  const types = new Set(options.types);
  const delivered = new Map<string, LedgerEntry>();
  for (const e of entries) if (types.has(e.name ?? e.type) && !delivered.has(e.id)) delivered.set(e.id, e);

  const missing: BackendOrder[] = [];
  const mismatches: Mismatch[] = [];
  const missingValue: Record<string, number> = {};
  const orderIds = new Set<string>();
  const step = Math.max(1, Math.floor(orders.length / 100));
  orders.forEach((order, i) => {
    orderIds.add(order.id);
    const entry = delivered.get(order.id);
    if (entry === undefined) {
      missing.push(order);
      if (order.value !== undefined && order.currency !== undefined) {
        const minor = minorOrUndefined(order.value, order.currency);
        if (minor !== undefined) missingValue[order.currency] = (missingValue[order.currency] ?? 0) + minor;
      }
    } else {
      if (order.currency !== undefined && entry.currency !== undefined && order.currency !== entry.currency) {
        mismatches.push({ id: order.id, line: order.line, field: 'currency', backend: order.currency, delivered: entry.currency });
      } else if (order.value !== undefined && order.currency !== undefined && entry.amount !== undefined) {
        const minor = minorOrUndefined(order.value, order.currency);
        if (minor !== entry.amount) {
          mismatches.push({ id: order.id, line: order.line, field: 'value', backend: `${order.value} ${order.currency}`, delivered: `${fromMinorUnits(entry.amount, order.currency)} ${order.currency}` });
        }
      }
    }
    if (options.onProgress !== undefined && (i % step === 0 || i === orders.length - 1)) options.onProgress(i + 1, orders.length);
  });
  const unmatched: LedgerEntry[] = [];
  for (const entry of delivered.values()) {
    if (!orderIds.has(entry.id) && entry.ts >= since && entry.ts <= until) unmatched.push(entry);
  }
  missing.sort((a, b) => a.time - b.time);
  return {
    orders: orders.length,
    matched: orders.length - missing.length,
    missing,
    unmatched,
    mismatches,
    gapPercent: gapPercent(missing.length, orders.length),
    missingValue,
    window: { since, until },
  };
}

/** `missing / orders` in percent, 0 with no order: the figure `--max-gap` is checked against. */
export function gapPercent(missing: number, orders: number): number {
  return orders === 0 ? 0 : (missing / orders) * 100;
}

function minorOrUndefined(value: string, currency: string): number | undefined {
  try {
    return toMinorUnits(value, currency);
  } catch {
    return undefined;
  }
}
