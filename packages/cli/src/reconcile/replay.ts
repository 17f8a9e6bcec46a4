import type { EventType, WireEvent } from '@x/openai-capi-core';
import { buildEvent, timestampIssueCode } from '@x/openai-capi-core';
import type { CapiClient, DeliveryLedger } from '@x/openai-capi-node';
import type { BackendOrder } from './orders.js';

/** Why a missing order was not replayed, or was refused. */
export interface NotReplayed {
  id: string;
  line: number;
  reason: string;
}

/** What `--replay` did. */
export interface ReplayOutcome {
  delivered: string[];
  notSent: NotReplayed[];
}

/** An order is checked against core's 7-day window as of this much later: the request itself takes time. */
const REQUEST_MARGIN_MS = 60_000;

/**
 * Sends the missing orders still inside the 7-day window with `client.send()` under their own ids
 * (a late copy of an event OpenAI did get is absorbed by its dedupe), and records what the API
 * accepted in `ledger` so the next `reconcile` counts it. Orders are sent as `action_source:
 * offline` without match keys: the ledger holds none, and the orders file gives only id, time,
 * value and currency (the page URL a `web` event needs is not known here).
 */
export async function replayMissing(
  missing: readonly BackendOrder[],
  type: EventType,
  client: CapiClient,
  ledger: DeliveryLedger | undefined,
  now: number,
  warn: (message: string) => void,
): Promise<ReplayOutcome> {
  const notSent: NotReplayed[] = [];
  const events: WireEvent[] = [];
  const lineOf = new Map<string, number>();
  for (const order of missing) {
    // Core's window rule (as `upload` applies it); an order it finds too old is reported apart.
    if (timestampIssueCode(order.time, now + REQUEST_MARGIN_MS) === 'too_old') {
      notSent.push({ id: order.id, line: order.line, reason: 'older than the API’s 7-day window: upload it as an offline conversion instead' });
      continue;
    }
    try {
      const data = order.value !== undefined && order.currency !== undefined ? { value: order.value, currency: order.currency } : undefined;
      events.push(buildEvent({ type, id: order.id, timestamp: order.time, actionSource: 'offline', ...(data ? { data } : {}) }, { now }));
      lineOf.set(order.id, order.line);
    } catch (error) {
      notSent.push({ id: order.id, line: order.line, reason: (error as Error).message });
    }
  }
  let delivered: string[] = [];
  if (events.length > 0) {
    const report = await client.send(events);
    for (const r of report.rejected) notSent.push({ id: r.id, line: lineOf.get(r.id) ?? 0, reason: `${r.reason}: ${r.error.message}` });
    const accepted = new Set(report.delivered);
    ledger?.record(events.filter((e) => accepted.has(e.id)), () => 'server', warn);
    delivered = [...report.delivered];
  }
  // On every path: the ledger's own start (creating its folder) is pending until flushed, and a
  // caller that removes the folder next would race it.
  await ledger?.flush();
  return { delivered, notSent };
}
