import { createCoverageTally, dedupeNameOf, type TypeCoverage, type WireEvent } from '@x/openai-capi-core';
import type { DeliverySource } from './ledger-format.js';
import { RecentIds } from './recent-ids.js';

export type { TypeCoverage };

/** Options of the no-match-key warning. */
export interface CoverageOptions {
  /** Share (0…1) of a type's delivered events with no match key above which a warning is logged. */
  threshold: number;
  /** Fewest delivered events of a type before the share is judged. */
  minEvents: number;
  /** At most one warning per type per this many ms. */
  windowMs: number;
  now: () => number;
}

/** Per-type delivery and match-key counts behind `stats().coverage`, and the no-match-key warning. */
export interface Coverage {
  /** An event was tracked from `src` (queued or a duplicate of a queued one). */
  seen(event: WireEvent, src: DeliverySource): void;
  /** Events the API accepted; logs one line per type whose no-key share passes the threshold. */
  delivered(events: readonly WireEvent[], sourceOf: (event: WireEvent) => DeliverySource, warn: (message: string) => void): void;
  snapshot(): Record<string, TypeCoverage>;
}

/** The coverage counters of one client (since it was created). */
export function createCoverage(o: CoverageOptions): Coverage {
  // Between the last 50 000 and 100 000 ids, as 64-bit fingerprints: see RecentIds.
  const tally = createCoverageTally(new RecentIds());
  const warnedAt = new Map<string, number>();
  return {
    seen(event, src) {
      tally.id(dedupeNameOf(event), event.id, src);
    },
    delivered(events, sourceOf, warn) {
      const touched = new Set<string>();
      // A batch is mostly runs of one name: the set is asked once per run, not once per event.
      let last: string | undefined;
      for (const event of events) {
        const name = dedupeNameOf(event);
        tally.delivered(name, event, sourceOf(event));
        if (name !== last) touched.add((last = name));
      }
      const now = o.now();
      for (const name of touched) {
        const c = tally.of(name);
        if (c === undefined) continue;
        const total = c.delivered.server + c.delivered.relay;
        const none = c.matchKeys.none;
        if (total < o.minEvents || none <= o.threshold) continue;
        const last = warnedAt.get(name);
        if (last !== undefined && now - last < o.windowMs) continue;
        warnedAt.set(name, now);
        warn(`${name}: ${percent(none)} of ${total} delivered events carry no match key (threshold ${percent(o.threshold)}): OpenAI is unlikely to attribute them; pass oppref, obref, email or external id`);
      }
    },
    snapshot: () => tally.snapshot(),
  };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
