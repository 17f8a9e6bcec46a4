import { createCoverageTally, type TypeCoverage, type WireEvent } from '@x/openai-capi-core';
import { dedupeKeyOf, dedupeKeyString } from './dedupe.js';
import { sourceOf } from './sources.js';
import type { AbsorbedDuplicate, ReceivedEvent } from './types.js';

/**
 * What the emulator saw of one event type (custom events by name), in the shape of the node
 * client's `stats().coverage`: copies received per source (kept and absorbed duplicates alike;
 * `relay` from a request whose `integration_source` is `x-openai-capi-relay`, `server` from any
 * other), the distinct (pixel, name, id) received and the share of them received from both
 * sources, and the share of copies carrying each match key.
 */
export type EmulatorTypeCoverage = TypeCoverage;

/**
 * Per-type coverage of everything the emulator received through the Conversions API endpoint
 * (validate-only requests store nothing; the pixel stand-in's posts are left out):
 * `coverageOf(emulator)`. The live page shows the same figures.
 */
export function coverageOf(state: { readonly events: readonly ReceivedEvent[]; readonly duplicates: readonly AbsorbedDuplicate[] }): Record<string, EmulatorTypeCoverage> {
  const tally = createCoverageTally();
  const note = (pixelId: string, event: WireEvent, integrationSource: string | undefined) => {
    // The pixel stand-in's own posts (`oaiq-web`) never pass through a client: not counted here.
    if (sourceOf(integrationSource) === 'pixel') return;
    const key = dedupeKeyOf(pixelId, event);
    const source = sourceOf(integrationSource) === 'pixel relay' ? 'relay' : 'server';
    tally.delivered(key.name, event, source);
    tally.id(key.name, dedupeKeyString(key), source); // the id within its type: the key string carries the pixel id
  };
  for (const r of state.events) note(r.pixelId, r.event, r.integrationSource);
  for (const d of state.duplicates) note(d.key.pixelId, d.event, d.integrationSource);
  return tally.snapshot();
}
