import { dedupeNameOf, matchKeysOf, type MatchKey, type WireEvent } from '@x/openai-capi-core';
import { parseJsonObjectLine } from './json-line.js';

/** Who handed an event to the client: your server code, or the relay (browser events). */
export type DeliverySource = 'server' | 'relay';

/**
 * One line of the delivery ledger (NDJSON, one entry per delivered event; see docs/verify.md).
 * It holds no personal data: no user field, not even hashed, only which match keys were present.
 */
export interface LedgerEntry {
  /** Format version: 1. */
  v: 1;
  /** The event id, as sent. */
  id: string;
  /** The event type (`order_created`…). */
  type: string;
  /** The custom event name, for `custom` events. */
  name?: string;
  /** `timestamp_ms` of the event (when it happened). */
  ts: number;
  /** When the API accepted it (ms since the epoch). */
  at: number;
  /** `data.amount` in integer minor units of `currency`, when the event has one. */
  amount?: number;
  /** `data.currency`, when the event has one. */
  currency?: string;
  /** Where the client got it from. */
  src: DeliverySource;
  /** Match keys present (core's `matchKeysOf`): names only, never values. */
  keys: MatchKey[];
}

/** The ledger entry of a delivered wire event: only ids, type, time, money and match-key names. */
export function ledgerEntryOf(event: WireEvent, src: DeliverySource, at: number): LedgerEntry {
  const entry: LedgerEntry = { v: 1, id: event.id, type: event.type, ts: event.timestamp_ms, at, src, keys: matchKeysOf(event).present };
  if (event.type === 'custom') entry.name = dedupeNameOf(event);
  const data = event.data as { amount?: unknown; currency?: unknown } | undefined;
  if (typeof data?.amount === 'number') entry.amount = data.amount;
  if (typeof data?.currency === 'string') entry.currency = data.currency;
  return entry;
}

/** True for a {@link DeliverySource}: `track`'s `source` option and a ledger line's `src` both pass it. */
export function isDeliverySource(value: unknown): value is DeliverySource {
  return value === 'server' || value === 'relay';
}

/** Parses one ledger line; `undefined` for a line that is not a version-1 entry (a torn last line). */
export function parseLedgerLine(line: string): LedgerEntry | undefined {
  const e = parseJsonObjectLine(line) as Partial<LedgerEntry> | undefined;
  if (e === undefined) return undefined;
  if (e.v !== 1 || typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.ts !== 'number' || typeof e.at !== 'number') return undefined;
  if (!isDeliverySource(e.src) || !Array.isArray(e.keys)) return undefined;
  return e as LedgerEntry;
}
