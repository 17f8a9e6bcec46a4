import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createCapiServer } from '../src/lib/capi-server';

let emulator: Emulator;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKey: 'next-key', pixelIds: ['px-next'] });
  Object.assign(process.env, { OPENAI_CAPI_PIXEL_ID: 'px-next', OPENAI_CAPI_API_KEY: 'next-key', OPENAI_CAPI_ENDPOINT: emulator.endpoint });
});
afterAll(async () => {
  const { getCapiServer } = await import('../src/lib/capi-server');
  await getCapiServer().client.shutdown();
  process.env = saved;
  await emulator.close();
});

function relayRequest(id: string) {
  // Relay format v2: the event as the page gave it (the id as the tracker would send it).
  const input = { type: 'order_created', oppref: 'click-next', sourceUrl: 'https://shop.example/checkout', data: { value: '25.99', currency: 'USD' } } as const;
  const event = { ...input, id, timestamp: Date.now() };
  const request = new Request('https://shop.example/api/openai-capi', {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', 'user-agent': 'NextTest/1', 'x-forwarded-for': '198.51.100.7, 10.0.0.2' },
    body: JSON.stringify({ v: 2, consent: 'granted', events: [event] }),
  });
  return { id: event.id, request };
}

describe('Next.js route handler', () => {
  it('POST relays the event and has delivered it when it answers', async () => {
    const { POST } = await import('../src/app/api/openai-capi/route');
    const { id, request } = relayRequest('ORD-N1');
    const response = await POST(request);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: [id] });
    // No flush here: the route flushed before answering (serverless-safe).
    expect(emulator.events.map((e) => e.event)).toEqual([
      expect.objectContaining({ id, oppref: 'click-next', action_source: 'web', user: expect.objectContaining({ user_agent: 'NextTest/1' }) }),
    ]);
  });

  it('reads the client IP from the proxy hop (trustProxy 1 by default; OPENAI_CAPI_TRUST_PROXY=0 turns it off)', async () => {
    const env = { OPENAI_CAPI_PIXEL_ID: 'px-next', OPENAI_CAPI_API_KEY: 'next-key', OPENAI_CAPI_ENDPOINT: emulator.endpoint };
    for (const [trust, ip] of [[undefined, '10.0.0.2'], ['2', '198.51.100.7'], ['0', undefined]] as const) {
      emulator.reset();
      const { client, relay } = createCapiServer(trust === undefined ? env : { ...env, OPENAI_CAPI_TRUST_PROXY: trust });
      const { request } = relayRequest(`ORD-IP-${trust}`);
      expect((await relay(request)).status).toBe(200);
      await client.shutdown();
      expect(emulator.events[0]?.event.user?.ip_address).toBe(ip);
    }
  });

  it('needs the server secrets and says which', () => {
    expect(() => createCapiServer({ OPENAI_CAPI_PIXEL_ID: 'px' })).toThrow(/OPENAI_CAPI_API_KEY must be set/);
    const { client } = createCapiServer({ OPENAI_CAPI_PIXEL_ID: 'px', OPENAI_CAPI_API_KEY: 'k', OPENAI_CAPI_VALIDATE_ONLY: 'true' });
    expect(JSON.stringify(client)).not.toContain('"k"');
    void client.shutdown();
  });
});
