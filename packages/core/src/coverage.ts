/**
 * Match-key coverage per event type: deliveries by source, the ids seen from both sources (twins
 * OpenAI deduplicates) and the share of deliveries carrying each match key. One tally behind the
 * Node client's `stats().coverage` and the emulator's `coverageOf`.
 */
import { MATCH_KEYS, matchKeyBits, type MatchKey } from './match-keys.js';
import type { WireEvent } from './types.js';

/** Where a copy of an event came from: your server code, or the relay (browser events). */
export type CoverageSource = 'server' | 'relay';

/** Match-key coverage of one event type (a custom event counts under its name). */
export interface TypeCoverage {
  /** Events delivered, by where they came from. */
  delivered: {
    /** Handed over by your code (`track`, `enqueue`, `send`). */
    server: number;
    /** Handed over by the relay (browser events). */
    relay: number;
  };
  /**
   * Distinct ids counted for this type, both sources. The Node client remembers between its last
   * 50 000 and 100 000 ids: one it forgot counts again when it comes back.
   */
  ids: number;
  /** Of those, ids counted from the server and from the relay (twins, deduplicated by OpenAI). */
  idsFromBoth: number;
  /** `idsFromBoth / ids` (0 with no id): the dedupe rate to compare with Events Manager's. */
  dedupeRate: number;
  /** Share (0…1) of delivered events carrying each match key; `none`: carrying none at all. */
  matchKeys: Record<MatchKey | 'none', number>;
}

/**
 * Which sources each id came from, as bits (1 server, 2 relay), per type: the same id string under
 * two types is two ids. The default remembers every id; a bounded store may forget the oldest (an
 * id it forgot counts as new when seen again).
 */
export interface IdSources {
  /**
   * Adds the source bits `bits` to id `id` of type `name`; returns the bits the id had before, 0 for
   * an id not (or no longer) remembered.
   */
  add(name: string, id: string, bits: number): number;
}

/** Every id, in one `Map` of ids per type (no key string is built). */
function everyId(): IdSources {
  const byName = new Map<string, Map<string, number>>();
  return {
    add(name, id, bits) {
      let ids = byName.get(name);
      if (ids === undefined) byName.set(name, (ids = new Map()));
      const before = ids.get(id) ?? 0;
      if ((before | bits) !== before) ids.set(id, before | bits);
      return before;
    },
  };
}

/** The counters of {@link createCoverageTally}. */
export interface CoverageTally {
  /**
   * An id of type `name` arrived from `source` (`id` needs to be unique within the type only).
   * Counts a new id once, and once more in `idsFromBoth` when the other source sends it too.
   */
  id(name: string, id: string, source: CoverageSource): void;
  /** One event of type `name` delivered from `source`: counts it and the match keys it carries. */
  delivered(name: string, event: WireEvent, source: CoverageSource): void;
  /** The figures of one type, `undefined` when nothing of it was counted. */
  of(name: string): TypeCoverage | undefined;
  /** The figures of every type counted, in the order each was first counted. */
  snapshot(): Record<string, TypeCoverage>;
}

interface Counts {
  server: number;
  relay: number;
  ids: number;
  both: number;
  keys: Record<MatchKey | 'none', number>;
}

/** Per-type coverage counters; `ids` remembers which sources sent each id (default: every id, in `Map`s). */
export function createCoverageTally(ids: IdSources = everyId()): CoverageTally {
  const byType = new Map<string, Counts>();
  const counts = (name: string): Counts => {
    let c = byType.get(name);
    if (c === undefined) {
      c = { server: 0, relay: 0, ids: 0, both: 0, keys: { oppref: 0, obref: 0, email: 0, external_id: 0, phone: 0, ip_user_agent: 0, none: 0 } };
      byType.set(name, c);
    }
    return c;
  };
  const figures = (c: Counts): TypeCoverage => {
    const total = c.server + c.relay;
    const share = (n: number) => (total === 0 ? 0 : n / total);
    const matchKeys = { none: share(c.keys.none) } as Record<MatchKey | 'none', number>;
    for (const k of MATCH_KEYS) matchKeys[k] = share(c.keys[k]);
    return { delivered: { server: c.server, relay: c.relay }, ids: c.ids, idsFromBoth: c.both, dedupeRate: c.ids === 0 ? 0 : c.both / c.ids, matchKeys };
  };
  return {
    id(name, id, source) {
      const bit = source === 'server' ? 1 : 2;
      const before = ids.add(name, id, bit);
      const c = counts(name);
      if (before === 0) c.ids++;
      else if ((before | bit) !== before) c.both++;
    },
    delivered(name, event, source) {
      const c = counts(name);
      c[source]++;
      const bits = matchKeyBits(event);
      if (bits === 0) c.keys.none++;
      else for (let i = 0; i < MATCH_KEYS.length; i++) if ((bits & (1 << i)) !== 0) c.keys[MATCH_KEYS[i]!]++;
    },
    of(name) {
      const c = byType.get(name);
      return c === undefined ? undefined : figures(c);
    },
    snapshot() {
      const out: Record<string, TypeCoverage> = {};
      for (const [name, c] of byType) out[name] = figures(c);
      return out;
    },
  };
}
