import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type CapiClient } from '@x/openai-capi-node';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createApp } from '../src/app.js';

let emulator: Emulator;
let client: CapiClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKey: 'k', pixelIds: ['px-hono'] });
  client = createClient({ pixelId: 'px-hono', apiKey: 'k', endpoint: emulator.endpoint, logLevel: 'off' });
});
afterAll(async () => {
  await client.shutdown();
  await emulator.close();
});
beforeEach(() => emulator.reset());

/** The body the browser tracker posts (relay format v2): the event as the page gave it; the relay builds it. */
function relayBody(id: string, oppref?: string) {
  const input = { type: 'checkout_started', sourceUrl: 'https://shop.example/checkout', ...(oppref ? { oppref } : {}), data: { value: '19.90', currency: 'USD' } } as const;
  const event = { ...input, id, timestamp: Date.now() };
  return { id, body: JSON.stringify({ v: 2, consent: 'granted', events: [event] }) };
}

describe('hono example', () => {
  it('relays through app.fetch with a real Request (edge-style runtime)', async () => {
    const { id, body } = relayBody('cart-9', 'click-9');
    const app = createApp({ client });
    const res = await app.fetch(
      new Request('https://shop.example/api/openai-capi', {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', 'user-agent': 'EdgeTest/1' },
        body,
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: [id], rejected: [] });
    await client.flush();
    expect(emulator.events.map((e) => e.event)).toEqual([
      expect.objectContaining({ id, oppref: 'click-9', action_source: 'web', user: expect.objectContaining({ user_agent: 'EdgeTest/1' }) }),
    ]);
  });

  it('answers 400 for a body that is not the relay envelope, and sends nothing', async () => {
    const res = await createApp({ client }).request('/api/openai-capi', { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' }, body: '{"nope":true}' });
    expect(res.status).toBe(400);
    await client.flush();
    expect(emulator.requests).toHaveLength(0);
  });

  it('serves the same app over @hono/node-server on loopback', async () => {
    const server = serve({ fetch: createApp({ client }).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { id, body } = relayBody('cart-10');
      const res = await fetch(`${base}/api/openai-capi`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' } });
      expect(res.status).toBe(200);
      await client.flush();
      expect(emulator.events[0]?.event.id).toBe(id);
      // The socket address reached the relay: the event carries the visitor's IP.
      expect(emulator.events[0]?.event.user?.ip_address).toBe('127.0.0.1');
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, queued: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
