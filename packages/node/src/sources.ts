import type { WireEvent } from '@x/openai-capi-core';
import type { DeliverySource } from './ledger-format.js';

/** Which source handed each built event to the client (`track(input, { source })`). */
export interface SourceMarks {
  /** The source of events handed over without one. */
  readonly fallback: DeliverySource;
  mark(event: WireEvent, source: DeliverySource): void;
  /** The event's source; unmarked events (`send()`, or replayed from a store after a restart) get the client's default. */
  of(event: WireEvent): DeliverySource;
}

/**
 * Marks kept beside the events (a `WeakMap`, nothing added to the wire event). The default source
 * is `relay` for a client whose `integrationSource` is the relay's (`x-openai-capi-relay`).
 */
export function createSourceMarks(integrationSource: string | undefined): SourceMarks {
  const fallback: DeliverySource = integrationSource === 'x-openai-capi-relay' ? 'relay' : 'server';
  const marks = new WeakMap<WireEvent, DeliverySource>();
  // Most clients never mark an event (one source only): no WeakMap lookup per delivered event then.
  let marked = false;
  return {
    fallback,
    mark(event, source) {
      if (source === fallback) return;
      marks.set(event, source);
      marked = true;
    },
    of: (event) => (marked ? (marks.get(event) ?? fallback) : fallback),
  };
}
