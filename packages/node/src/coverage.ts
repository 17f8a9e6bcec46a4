import { dedupeNameOf, matchKeysOf, type MatchKey, type WireEvent } from '@x/openai-capi-core';
import type { DeliverySource } from './ledger-format.js';

/** Match-key coverage of one event type (a custom event counts under its name). */
export interface TypeCoverage {
  /** Events the API accepted, by where the client got them. */
  delivered: {
    /** Handed over by your code (`track`, `enqueue`, `send`). */
    server: number;
    /** Handed over by the relay (browser events). */
    relay: number;
  };
  /** Distinct ids tracked for this type (both sources; the last 100 000 ids are remembered). */
  ids: number;
  /** Of those, ids tracked from the server and from the relay (twins, deduplicated by OpenAI). */
  idsFromBoth: number;
  /** `idsFromBoth / ids` (0 with no id): the dedupe rate to compare with Events Manager's. */
  dedupeRate: number;
  /** Share (0…1) of delivered events carrying each match key; `none`: carrying none at all. */
  matchKeys: Record<MatchKey | 'none', number>;
}

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

const KEYS: readonly MatchKey[] = ['oppref', 'obref', 'email', 'external_id', 'phone', 'ip_user_agent'];
const MAX_IDS = 100_000;

interface Counts {
  server: number;
  relay: number;
  ids: number;
  both: number;
  keys: Record<MatchKey | 'none', number>;
  warnedAt: number | undefined;
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
  const byType = new Map<string, Counts>();
  // dedupe name + id → 1 server, 2 relay (bits); insertion order evicts the oldest.
  const idSources = new Map<string, number>();
  const counts = (name: string): Counts => {
    let c = byType.get(name);
    if (c === undefined) {
      c = { server: 0, relay: 0, ids: 0, both: 0, keys: { oppref: 0, obref: 0, email: 0, external_id: 0, phone: 0, ip_user_agent: 0, none: 0 }, warnedAt: undefined };
      byType.set(name, c);
    }
    return c;
  };
  return {
    seen(event, src) {
      const name = dedupeNameOf(event);
      const key = `${name}\n${event.id}`;
      const bit = src === 'server' ? 1 : 2;
      const before = idSources.get(key);
      const c = counts(name);
      if (before === undefined) {
        c.ids++;
        if (idSources.size >= MAX_IDS) idSources.delete(idSources.keys().next().value as string);
        idSources.set(key, bit);
      } else if ((before | bit) !== before) {
        idSources.set(key, before | bit);
        c.both++;
      }
    },
    delivered(events, sourceOf, warn) {
      const touched = new Set<string>();
      for (const event of events) {
        const name = dedupeNameOf(event);
        const c = counts(name);
        c[sourceOf(event)]++;
        const present = matchKeysOf(event).present;
        if (present.length === 0) c.keys.none++;
        for (const k of present) c.keys[k]++;
        touched.add(name);
      }
      const now = o.now();
      for (const name of touched) {
        const c = counts(name);
        const total = c.server + c.relay;
        if (total < o.minEvents || c.keys.none / total <= o.threshold) continue;
        if (c.warnedAt !== undefined && now - c.warnedAt < o.windowMs) continue;
        c.warnedAt = now;
        warn(`${name}: ${percent(c.keys.none / total)} of ${total} delivered events carry no match key (threshold ${percent(o.threshold)}): OpenAI is unlikely to attribute them; pass oppref, obref, email or external id`);
      }
    },
    snapshot() {
      const out: Record<string, TypeCoverage> = {};
      for (const [name, c] of byType) {
        const total = c.server + c.relay;
        const share = (n: number) => (total === 0 ? 0 : n / total);
        const matchKeys = { none: share(c.keys.none) } as Record<MatchKey | 'none', number>;
        for (const k of KEYS) matchKeys[k] = share(c.keys[k]);
        out[name] = { delivered: { server: c.server, relay: c.relay }, ids: c.ids, idsFromBoth: c.both, dedupeRate: c.ids === 0 ? 0 : c.both / c.ids, matchKeys };
      }
      return out;
    },
  };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
