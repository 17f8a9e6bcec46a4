import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@x/openai-capi-core';
import { createClient, type CapiClient } from '@x/openai-capi-node';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createApp } from '../src/app.js';

let emulator: Emulator;
let client: CapiClient;
let server: Server;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKey: 'k', pixelIds: ['px-express'] });
  client = createClient({ pixelId: 'px-express', apiKey: 'k', endpoint: emulator.endpoint, logLevel: 'off' });
  server = createApp({ client, webhookSecret: 'hook-secret' }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await client.shutdown();
  await emulator.close();
});
beforeEach(() => emulator.reset());

const order = {
  id: 'ORD-7',
  total: '42.50',
  currency: 'EUR',
  email: ' Ana@Example.com ',
  oppref: 'click-7',
  checkout_url: 'https://shop.example/checkout?step=pay',
};

const webhook = (body: unknown, secret = 'hook-secret') =>
  fetch(`${base}/webhooks/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
    body: JSON.stringify(body),
  });

describe('express example', () => {
  it('relays a browser event through toNodeHandler with the request IP and user agent', async () => {
    // Relay format v2: the event as the page gave it (the id as the tracker would send it).
    const input = { type: 'items_added', sourceUrl: 'https://shop.example/p/1', data: { value: '5.00', currency: 'USD' } } as const;
    const event = { ...input, id: 'cart-1', timestamp: Date.now() };
    const res = await fetch(`${base}/api/openai-capi`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', 'user-agent': 'ExpressTest/1', cookie: '__oppref=click-from-cookie' },
      body: JSON.stringify({ v: 2, consent: 'granted', events: [event] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: [event.id] });
    await client.flush();
    expect(emulator.events).toHaveLength(1);
    expect(emulator.events[0]?.event).toMatchObject({
      id: event.id,
      action_source: 'web',
      oppref: 'click-from-cookie',
      user: { user_agent: 'ExpressTest/1' },
    });
    expect(emulator.events[0]?.event.user?.ip_address).toMatch(/127\.0\.0\.1/);
  });

  it('sends the order webhook as the server twin keyed by order id', async () => {
    const res = await webhook(order);
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    expect(eventId).toBe('ORD-7'); // the order id itself
    await client.flush();
    expect(emulator.events[0]?.event).toMatchObject({
      id: eventId,
      type: 'order_created',
      oppref: 'click-7',
      source_url: 'https://shop.example/checkout',
      data: { type: 'contents', amount: 4250, currency: 'EUR' },
      user: { emails_sha256: [sha256Hex('ana@example.com')] },
    });
  });

  it('answers 422 with the issues (no personal data) for an order the API would refuse', async () => {
    const res = await webhook({ ...order, id: 'ORD-8', total: '10.999', email: 'not-an-email' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['data.value']));
    expect(JSON.stringify(body)).not.toContain('not-an-email');
    expect((await webhook({ total: 1 })).status).toBe(422);
  });

  it('refuses a webhook without the right secret', async () => {
    expect((await webhook(order, 'wrong')).status).toBe(401);
    await client.flush();
    expect(emulator.requests).toHaveLength(0);
  });
});
