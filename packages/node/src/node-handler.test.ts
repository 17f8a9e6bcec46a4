import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@x/openai-capi-core';
import { createRelayHandler } from './relay.js';
import { toNodeHandler } from './node-handler.js';
import { NOW } from './__tests__/helpers.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A relay on a real node:http server on loopback; `tracked` collects what reached `client.track`. */
async function start(options: Parameters<typeof createRelayHandler>[1] = {}) {
  const tracked: EventInput[] = [];
  const client = { track: (input: EventInput) => (tracked.push(input), input.id ?? '') };
  server = createServer(toNodeHandler(createRelayHandler(client, { rateLimit: false, now: () => NOW, ...options })));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { tracked, url: `http://127.0.0.1:${port}/api/openai-capi` };
}

const body = (id: string) =>
  JSON.stringify({
    v: 2,
    consent: 'granted',
    events: [{ id, type: 'page_viewed', timestamp: Date.now(), sourceUrl: 'https://shop.example/', data: { type: 'contents' } }],
  });

describe('toNodeHandler on a real node:http server', () => {
  it('relays a sendBeacon-style text/plain POST with the socket IP, UA and cookies', async () => {
    const { tracked, url } = await start();
    const response = await fetch(`${url}?oppref=URLCLICK`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain;charset=UTF-8', 'user-agent': 'UA/9', cookie: '__obref=OB1' },
      body: body('n1'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: ['n1'], rejected: [] });
    expect(response.headers.getSetCookie()).toEqual(['__oppref=URLCLICK; Max-Age=2592000; Path=/; SameSite=Lax']);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(tracked[0]).toMatchObject({
      id: 'n1',
      oppref: 'URLCLICK',
      actionSource: 'web',
      user: { obref: 'OB1', ipAddress: '127.0.0.1', userAgent: 'UA/9' },
    });
  });

  it('answers 413 for a chunked body over the limit without reading it all', async () => {
    const { tracked, url } = await start({ maxBodyBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('x'.repeat(800));
      req.write('y'.repeat(800));
      req.end();
    });
    expect(status).toBe(413);
    expect(tracked).toEqual([]);
  });

  it('answers 405 to GET and 400 to bad JSON', async () => {
    const { url } = await start();
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' }, body: '{' })).status).toBe(400);
  });

  it('reuses a body already parsed by Express-style middleware', async () => {
    const tracked: EventInput[] = [];
    const handler = toNodeHandler(
      createRelayHandler({ track: (i: EventInput) => (tracked.push(i), i.id ?? '') }, { rateLimit: false }),
    );
    server = createServer((req, res) => {
      // What express.json() leaves behind: the stream consumed, the object on req.body.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        void handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: body('e1') });
    expect(r.status).toBe(200);
    expect(tracked.map((t) => t.id)).toEqual(['e1']);
  });

  it('answers a parsed empty {} or [] with the envelope error, not invalid_json (the stream is gone)', async () => {
    const handler = toNodeHandler(createRelayHandler({ track: () => '' }, { rateLimit: false }));
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        Object.assign(req, { body: req.headers['x-test-body'] === 'array' ? [] : {} });
        void handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    for (const [kind, text] of [['object', '{}'], ['array', '[]']] as const) {
      const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', 'x-test-body': kind }, body: text });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_envelope');
    }
  });
});
