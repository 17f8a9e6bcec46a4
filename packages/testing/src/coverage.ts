import { matchKeysOf, type MatchKey, type WireEvent } from '@x/openai-capi-core';
import { dedupeKeyOf, dedupeKeyString } from './dedupe.js';
import { sourceOf } from './sources.js';
import type { AbsorbedDuplicate, ReceivedEvent } from './types.js';

/**
 * What the emulator saw of one event type (custom events by name), in the shape of the node
 * client's `stats().coverage`: copies received per source (kept and absorbed duplicates alike,
 * the source inferred from `integration_source`), the share of ids received from both sources,
 * and the share of copies carrying each match key.
 */
export interface EmulatorTypeCoverage {
  /** Copies received, by source. */
  delivered: {
    /** From a request whose `integration_source` is not the relay's. */
    server: number;
    /** From a request whose `integration_source` is `x-openai-capi-relay`. */
    relay: number;
  };
  /** Distinct (pixel, name, id) received. */
  ids: number;
  /** Of those, received from both sources. */
  idsFromBoth: number;
  /** `idsFromBoth / ids`. */
  dedupeRate: number;
  /** Share (0…1) of copies carrying each match key; `none`: carrying none. */
  matchKeys: Record<MatchKey | 'none', number>;
}

const KEYS: readonly MatchKey[] = ['oppref', 'obref', 'email', 'external_id', 'phone', 'ip_user_agent'];

/**
 * Per-type coverage of everything the emulator received through the Conversions API endpoint
 * (validate-only requests store nothing; the pixel stand-in's posts are left out):
 * `coverageOf(emulator)`. The live page shows the same figures.
 */
export function coverageOf(state: { readonly events: readonly ReceivedEvent[]; readonly duplicates: readonly AbsorbedDuplicate[] }): Record<string, EmulatorTypeCoverage> {
  const types = new Map<string, { server: number; relay: number; keys: Record<MatchKey | 'none', number>; sources: Map<string, number> }>();
  const note = (pixelId: string, event: WireEvent, integrationSource: string | undefined) => {
    // The pixel stand-in's own posts (`oaiq-web`) never pass through a client: not counted here.
    if (sourceOf(integrationSource) === 'pixel') return;
    const key = dedupeKeyOf(pixelId, event);
    let t = types.get(key.name);
    if (t === undefined) {
      t = { server: 0, relay: 0, keys: { oppref: 0, obref: 0, email: 0, external_id: 0, phone: 0, ip_user_agent: 0, none: 0 }, sources: new Map() };
      types.set(key.name, t);
    }
    const relay = sourceOf(integrationSource) === 'pixel relay';
    if (relay) t.relay++;
    else t.server++;
    const present = matchKeysOf(event).present;
    if (present.length === 0) t.keys.none++;
    for (const k of present) t.keys[k]++;
    const id = dedupeKeyString(key);
    t.sources.set(id, (t.sources.get(id) ?? 0) | (relay ? 2 : 1));
  };
  for (const r of state.events) note(r.pixelId, r.event, r.integrationSource);
  for (const d of state.duplicates) note(d.key.pixelId, d.event, d.integrationSource);
  const out: Record<string, EmulatorTypeCoverage> = {};
  for (const [name, t] of types) {
    const total = t.server + t.relay;
    const matchKeys = { none: t.keys.none / total } as Record<MatchKey | 'none', number>;
    for (const k of KEYS) matchKeys[k] = t.keys[k] / total;
    let both = 0;
    for (const bits of t.sources.values()) if (bits === 3) both++;
    out[name] = { delivered: { server: t.server, relay: t.relay }, ids: t.sources.size, idsFromBoth: both, dedupeRate: both / t.sources.size, matchKeys };
  }
  return out;
}
