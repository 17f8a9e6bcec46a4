import { afterEach, describe, expect, it } from 'vitest';
import { coverageOf } from './coverage.js';
import { startEmulator, type Emulator } from './server.js';
import { KEY, NOW, PIXEL, order } from './__fixtures__/events.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const post = (emu: Emulator, events: unknown[], integrationSource: string) =>
  fetch(`${emu.endpoint}?pid=${PIXEL}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events, integration_source: integrationSource }),
  });

describe('coverageOf (and the live page)', () => {
  it('counts copies per source from integration_source, ids from both, and match-key shares', async () => {
    const emu = (emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: NOW }));
    const keyed = (id: string) => ({ ...order(id), oppref: 'click' });
    const { oppref: _dropped, ...bare } = order('c'); // no match key at all
    expect((await post(emu, [keyed('a'), keyed('b'), bare], 'x-openai-capi-node')).status).toBe(200);
    expect((await post(emu, [keyed('a')], 'x-openai-capi-relay')).status).toBe(200); // twin of a: absorbed
    const c = coverageOf(emu)['order_created'];
    expect(c?.delivered).toEqual({ server: 3, relay: 1 });
    expect(c?.ids).toBe(3);
    expect(c?.idsFromBoth).toBe(1);
    expect(c?.dedupeRate).toBeCloseTo(1 / 3, 10);
    expect(c?.matchKeys.oppref).toBe(0.75);
    expect(c?.matchKeys.none).toBe(0.25);
    const page = await (await fetch(`${emu.url}/__emulator/view`)).text();
    expect(page).toMatch(/<td>order_created<\/td><td class="num">3<\/td><td class="num">1<\/td>\s*<td class="num">33\.3 %<\/td><td class="num">75\.0 %<\/td>/);
    expect(page).toMatch(/<td class="num warn">25\.0 %<\/td><\/tr>/);
  });
});
