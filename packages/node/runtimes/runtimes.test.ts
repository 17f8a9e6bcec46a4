/**
 * The node package in the runtimes the docs name, each started here from its npm package: Cloudflare
 * workerd (miniflare), Vercel edge-runtime, Bun and Deno. workerd and edge-runtime run a bundle of
 * the built package (as wrangler or Next.js would make it), Bun and Deno import dist/ directly. The
 * emulator runs in Node on 127.0.0.1. Needs `pnpm build` (dist/); `pnpm test` builds first.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { DIST_ENTRY, startBun, startDeno, startEdgeRuntime, startWorkerd, type RuntimeHost } from './hosts.js';

const PIXEL_ID = 'px_runtime';
const API_KEY = 'runtime-key';
const EMAIL = 'buyer@example.com';

let emulator: Emulator;
let config: string;

beforeAll(async () => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing: run \`pnpm build\` (pnpm test does) first`);
  // Slow answers: a flush handed to waitUntil is still running when the handler has answered.
  emulator = await startEmulator({ apiKey: API_KEY, pixelIds: [PIXEL_ID], faults: { latencyMs: 300 } });
  config = JSON.stringify({ endpoint: emulator.endpoint, pixelId: PIXEL_ID, apiKey: API_KEY });
});
afterAll(() => emulator?.close());

/** A relay body (wire format v2: the tracker's friendly input). */
function relayBody(id: string): unknown {
  return { v: 2, consent: 'granted', events: [{ id, type: 'order_created', sourceUrl: 'https://shop.example/checkout', data: { value: '25.99', currency: 'USD' } }] };
}

async function poll<T>(read: () => Promise<T | null | undefined> | T | null | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// `proxied`: the platform has no socket address for the app (the client IP comes from
// X-Forwarded-For, `trustProxy: 1`); `hasher`: what docs/README.md's runtime table says;
// `fetchHeader`: a header the runtime's own fetch adds to the client's request (the node:http
// transport, Node's default, sends only the client's headers): proof the client sent with fetch.
const runtimes: [string, () => Promise<RuntimeHost>, { proxied: boolean; hasher: string; fetchHeader: string }][] = [
  ['Cloudflare workerd (miniflare)', startWorkerd, { proxied: true, hasher: 'pure-js', fetchHeader: 'cf-worker' }],
  ['Vercel edge-runtime', startEdgeRuntime, { proxied: true, hasher: 'pure-js', fetchHeader: 'sec-fetch-mode' }],
  ['Bun', startBun, { proxied: false, hasher: 'node:crypto', fetchHeader: 'accept-encoding' }],
  ['Deno', startDeno, { proxied: false, hasher: 'node:crypto', fetchHeader: 'accept-encoding' }],
];

describe.each(runtimes)('%s', (name, start, { proxied, hasher, fetchHeader }) => {
  let host: RuntimeHost;
  let origin: string;
  let whoami: { url: string; hasher: string };
  let n = 0;
  const nextId = () => `${name.split(' ')[0]!.toLowerCase()}-${process.pid}-${++n}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(host.url + path, { ...init, headers: { 'x-test-config': config, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    host = await start();
    whoami = (await (await call('/whoami')).json()) as typeof whoami;
    origin = new URL(whoami.url).origin;
  }, 60_000);
  afterAll(() => host?.close());
  beforeEach(() => emulator.reset());

  it(`hashes with ${hasher === 'pure-js' ? "core's pure-JS SHA-256 (no node:crypto)" : 'node:crypto'}`, () => {
    expect(whoami.hasher).toBe(hasher);
  });

  it(`createClient delivers to the emulator through the runtime's fetch; flush({ timeoutMs }) ${proxied ? 'runs under waitUntil' : 'is awaited (no waitUntil)'}`, async () => {
    const id = nextId();
    const response = await call('/client', { method: 'POST', body: JSON.stringify({ id, email: EMAIL }) });
    const answer = (await response.json()) as { eventId: string; flush: string; reportAtAnswer: unknown; error?: string };
    expect(response.status, answer.error).toBe(200);
    expect(answer.eventId).toBe(id);
    if (host.waitUntil) {
      // Answered before the emulator did: the flush went on under waitUntil.
      expect(answer).toMatchObject({ flush: 'waitUntil', reportAtAnswer: null });
    } else {
      expect(answer).toMatchObject({ flush: 'awaited', reportAtAnswer: { delivered: [id], rejected: [] } });
    }
    const report = await poll(async () => ((await (await call(`/report?id=${id}`)).json()) as { report: unknown }).report, 'the flush report');
    expect(report).toEqual({ delivered: [id], rejected: [] });
    expect(emulator.events).toHaveLength(1);
    const received = emulator.events[0]!;
    expect(received.pixelId).toBe(PIXEL_ID);
    expect(emulator.requests.at(-1)?.headers[fetchHeader], `${fetchHeader}: sent with the runtime's fetch`).toBeDefined();
    expect(received.integrationSource).toBe('x-openai-capi-node');
    expect(received.event).toMatchObject({ id, type: 'order_created', data: { amount: 2599, currency: 'USD' } });
    // Hashed in the runtime (node:crypto where it exists, else core's pure-JS SHA-256): same digest.
    expect(received.event.user?.emails_sha256).toEqual([sha256Hex(EMAIL)]);
  });

  it('flush({ timeoutMs }) stops at its deadline and reports what it could not deliver (reason timeout)', async () => {
    const id = nextId();
    // The emulator takes the event but answers after the flush's 200 ms deadline.
    emulator.setFaults({ latencyMs: 3000 });
    const response = await call('/client', { method: 'POST', body: JSON.stringify({ id, email: EMAIL, flushTimeoutMs: 200 }) });
    expect(response.status).toBe(200);
    // The report itself proves the deadline: without it the flush would wait for the emulator's
    // answer and report the event delivered. How soon it comes is the runtime's (and the machine's).
    const report = await poll(async () => ((await (await call(`/report?id=${id}`)).json()) as { report: unknown }).report, 'the flush report');
    expect(report).toEqual({ delivered: [], rejected: [{ id, reason: 'timeout' }] });
  });

  /** Posts one event to the relay as a same-origin page would, and waits for the flush that follows. */
  async function relayPost(id: string) {
    const response = await call(`/api/openai-capi?flush=${id}`, {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'text/plain;charset=UTF-8',
        cookie: '__oppref=CLICK-R; __obref=OB-R',
        'user-agent': 'RuntimeTest/1',
        ...(proxied ? { 'x-forwarded-for': '203.0.113.7' } : {}),
      },
      body: JSON.stringify(relayBody(id)),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({ accepted: [id], rejected: [] });
    return poll(async () => ((await (await call(`/report?id=relay:${id}`)).json()) as { report: unknown }).report, 'the relay flush');
  }

  it('createRelayHandler answers same-origin Fetch Requests; its client, reused across requests, delivers', async () => {
    const first = nextId();
    const second = nextId();
    expect(await relayPost(first)).toEqual({ delivered: [first], rejected: [] });
    // The same relay and client in a later request (a module-scope client on Workers).
    expect(await relayPost(second)).toEqual({ delivered: [second], rejected: [] });
    // Concurrent requests on the same client: each one's flush delivers its event (maybe together).
    const [third, fourth] = [nextId(), nextId()];
    const reports = (await Promise.all([relayPost(third), relayPost(fourth)])) as { delivered: string[] }[];
    expect(reports[0]?.delivered).toContain(third);
    expect(reports[1]?.delivered).toContain(fourth);
    // Arrival order of the concurrent two is the runtime's.
    const byId = [...emulator.events].sort((a, b) => [first, second, third, fourth].indexOf(a.event.id) - [first, second, third, fourth].indexOf(b.event.id));
    expect(byId.map((e) => e.event)).toEqual(
      [first, second, third, fourth].map((id) =>
        expect.objectContaining({
          id,
          oppref: 'CLICK-R',
          user: expect.objectContaining({ obref: 'OB-R', user_agent: 'RuntimeTest/1', ip_address: proxied ? '203.0.113.7' : '127.0.0.1' }),
        }),
      ),
    );
  });

  it('createRelayHandler refuses a cross-origin request (403) and says so through onError', async () => {
    const id = nextId();
    const response = await call(`/api/openai-capi?flush=${id}`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(relayBody(id)),
    });
    const text = await response.text();
    expect(response.status, text).toBe(403);
    expect(text).toContain('origin_not_allowed');
    const { report, errors } = await poll(async () => {
      const answer = (await (await call(`/report?id=relay:${id}`)).json()) as { report: unknown; errors: string[] };
      return answer.report === null ? null : answer;
    }, 'the relay flush');
    expect(report).toEqual({ delivered: [], rejected: [] });
    expect(errors).toContainEqual(expect.stringContaining('relay refused a request from https://evil.example (403)'));
    expect(emulator.events).toEqual([]);
  });

  it('readAttribution reads a Fetch Request', async () => {
    const response = await call('/attribution?oppref=CLICK-A', {
      headers: { cookie: '__obref=OB-A', 'user-agent': 'RuntimeTest/1', 'sec-gpc': '1', ...(proxied ? { 'x-forwarded-for': '198.51.100.4' } : {}) },
    });
    const attribution = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(attribution)).toBe(200);
    expect(attribution).toMatchObject({
      oppref: 'CLICK-A',
      opprefSource: 'url',
      obref: 'OB-A',
      userAgent: 'RuntimeTest/1',
      gpc: true,
      ipAddress: proxied ? '198.51.100.4' : '127.0.0.1',
    });
    expect(attribution['setCookies']).toEqual([expect.stringMatching(/^__oppref=CLICK-A; /)]);
  });
});
