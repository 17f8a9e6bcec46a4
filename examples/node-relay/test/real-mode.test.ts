/**
 * The demo with OPENAI_CAPI_PIXEL_ID and OPENAI_CAPI_API_KEY set: no emulator, the real Conversions
 * API, always with `validate_only: true`. The real endpoint is intercepted in-process (msw, the
 * testing package's handlers), so nothing leaves the machine.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { capiHandlers, OPENAI_CAPI_ENDPOINT } from '@x/openai-capi-testing/msw';
import { startDemo, type Demo } from '../src/server.js';

const PIXEL = 'px-real-demo';
const KEY = 'real-key-for-test';
const capi = capiHandlers({ apiKey: KEY, pixelIds: [PIXEL] });
const api = setupServer(...capi.handlers);
let demo: Demo;
let base: string;
const lines: string[] = [];

beforeAll(async () => {
  // Before the demo's clients exist: they take the global fetch that msw patches.
  api.listen({ onUnhandledRequest: 'bypass' });
  const dir = await mkdtemp(join(tmpdir(), 'demo-real-'));
  const script = join(dir, 'tracker.js');
  await writeFile(script, 'window.OpenAICapi = {};');
  demo = await startDemo({ port: 0, host: '127.0.0.1', real: { pixelId: PIXEL, apiKey: KEY }, browserScriptPath: script, log: (l) => lines.push(l) });
  base = demo.shopUrl.replace('localhost', '127.0.0.1');
});
afterAll(async () => {
  await demo?.close();
  api.close();
});

describe('pnpm demo against the real API (validate_only)', () => {
  it('starts no emulator and says so on the page', async () => {
    expect(demo.emulator).toBeUndefined();
    const html = await (await fetch(base)).text();
    expect(html).toContain('<code>validate_only: true</code> (validated, not saved)');
    expect(html).toContain(`"pixelId":"${PIXEL}"`);
    // The real pixel id goes with OpenAI's own script (the tracker's default).
    expect(html).not.toContain('"pixelScriptUrl":');
  });

  it('sends the relayed event and the server twin to the real endpoint with validate_only: true, and logs it', async () => {
    // Relay format v2: the event as the page gave it (the id as the tracker would send it).
    const input = { type: 'order_created', sourceUrl: 'http://localhost/', data: { value: '25.99', currency: 'USD' } } as const;
    const event = { ...input, id: 'ORD-REAL-1', timestamp: Date.now() };
    const relay = await fetch(new URL('/api/openai-capi', base), {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ v: 2, consent: 'granted', events: [event] }),
    });
    expect(relay.status).toBe(200);
    const confirm = await fetch(new URL('/orders/confirm', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'ORD-REAL-1', consent: 'granted' }),
    });
    expect(await confirm.json()).toMatchObject({ eventId: 'ORD-REAL-1' });
    await demo.flush();

    expect(capi.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of capi.requests) {
      expect(request.url).toBe(`${new URL(OPENAI_CAPI_ENDPOINT).pathname}?pid=${PIXEL}`);
      expect(request.status).toBe(200);
      expect(request.validateOnly).toBe(true);
    }
    expect(capi.requests.map((r) => r.integrationSource).sort()).toEqual(['x-openai-capi-node', 'x-openai-capi-relay']);
    expect(capi.events).toEqual([]); // validated, never saved
    expect(lines.filter((l) => l.includes('OpenAI (validate_only) accepted'))).toHaveLength(2);
  });
});
