import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';
import type { DedupeKey } from './types.js';
import type { EmulatorState } from './state.js';

/** The §7 key of an event sent to `pixelId`: custom events are keyed by their custom name (core's `dedupeNameOf`). */
export function dedupeKeyOf(pixelId: string, event: WireEvent): DedupeKey {
  return { pixelId, name: dedupeNameOf(event), id: event.id };
}

/** One string per key: JSON, so no pixel id, name or id can make two keys collide. */
export function dedupeKeyString(key: DedupeKey): string {
  return JSON.stringify([key.pixelId, key.name, key.id]);
}

/** Context of one accepted batch. */
export interface BatchContext {
  pixelId: string;
  integrationSource: string | undefined;
  receivedAt: number;
  requestId: string;
}

/**
 * Stores a valid batch, first copy wins: a later copy (in an earlier request or earlier in this
 * batch) is recorded as an absorbed duplicate and not stored. Returns how many were absorbed.
 */
export function storeBatch(state: EmulatorState, events: readonly WireEvent[], context: BatchContext): number {
  let absorbed = 0;
  for (const event of events) {
    const key = dedupeKeyOf(context.pixelId, event);
    const k = dedupeKeyString(key);
    const firstRequestId = state.firstSeen.get(k);
    if (firstRequestId === undefined) {
      state.firstSeen.set(k, context.requestId);
      state.events.push({
        event,
        pixelId: context.pixelId,
        integrationSource: context.integrationSource,
        receivedAt: context.receivedAt,
        requestId: context.requestId,
      });
    } else {
      absorbed += 1;
      state.duplicates.push({
        key,
        event,
        integrationSource: context.integrationSource,
        receivedAt: context.receivedAt,
        requestId: context.requestId,
        firstRequestId,
      });
    }
  }
  return absorbed;
}

/** How many events of a batch `storeBatch` would absorb, without storing anything (validate_only). */
export function countDuplicates(state: EmulatorState, pixelId: string, events: readonly WireEvent[]): number {
  const seen = new Set<string>();
  let count = 0;
  for (const event of events) {
    const k = dedupeKeyString(dedupeKeyOf(pixelId, event));
    if (state.firstSeen.has(k) || seen.has(k)) count += 1;
    seen.add(k);
  }
  return count;
}
