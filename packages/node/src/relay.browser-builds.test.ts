// @vitest-environment node
/**
 * The browser package's real script-tag builds (dist/openai-capi.dev.iife.js: full checks;
 * dist/openai-capi.iife.js: production) posting to this relay, in front of a client that delivers
 * to the emulator. `pnpm test` builds first; without a build this file fails and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CapiValidationError } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { createRelayHandler } from './relay.js';

/** What these tests use of `window.OpenAICapi` (the node package does not depend on the browser one). */
interface BrowserApi {
  createTracker(options: { endpoint: string; consent: 'granted'; now: () => number; onError: (error: unknown) => void }): {
    track(name: string, data?: unknown, options?: { eventId?: string }): string | undefined;
    flush(): Promise<void>;
  };
}

const dist = (name: string) => fileURLToPath(new URL(`../../browser/dist/${name}`, import.meta.url));
const BUILDS = { development: dist('openai-capi.dev.iife.js'), production: dist('openai-capi.iife.js') };
const PIXEL = 'px_builds';
const KEY = 'sk_builds_secret';
/** One clock for both builds: the same input, to the millisecond. */
const NOW = Date.now();

let emulator: Emulator | undefined;
const windows: Window[] = [];
afterEach(async () => {
  await emulator?.close();
  await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
});

/** Runs one build in a fresh page; returns its API, the bodies it posted and the errors it reported. */
function loadBuild(build: keyof typeof BUILDS) {
  if (!existsSync(BUILDS[build])) throw new Error(`${BUILDS[build]} is missing: run pnpm build first`);
  const happy = new Window({ url: 'https://shop.example/checkout?oppref=click_1' });
  windows.push(happy);
  const posted: string[] = [];
  Object.defineProperty(happy.navigator, 'sendBeacon', { value: (_url: string, body: string) => posted.push(body) > 0 });
  Object.defineProperty(happy, 'fetch', {
    value: async (_url: string, init: RequestInit) => (posted.push(String(init.body)), new happy.Response('{"accepted":[],"rejected":[]}', { status: 200 })),
  });
  const code = readFileSync(BUILDS[build], 'utf8');
  // A classic script whose globals are the page's (no `process` in a browser).
  const api = new Function('window', 'document', 'navigator', 'process', `${code}\nreturn OpenAICapi;`)(happy, happy.document, happy.navigator, undefined) as BrowserApi;
  const errors: unknown[] = [];
  const tracker = api.createTracker({ endpoint: '/api/openai-capi', consent: 'granted', now: () => NOW, onError: (e) => errors.push(e) });
  return { tracker, posted, errors };
}

/** Posts one browser body through the relay and the client to the emulator; returns what the relay reported. */
async function relay(emu: Emulator, body: string) {
  const reported: unknown[] = [];
  const client = createClient({ pixelId: PIXEL, apiKey: KEY, endpoint: emu.endpoint, logLevel: 'off' });
  const handler = createRelayHandler(client, { rateLimit: false, onError: (error) => reported.push(error) });
  const request = new Request('https://shop.example/api/openai-capi', {
    method: 'POST',
    // What a browser sends from the shop's own page (the relay's same-origin guard).
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', 'user-agent': 'Chromium/1' },
    body,
  });
  const response = await handler(request, { remoteAddress: '203.0.113.5' });
  await client.shutdown();
  return { response, reported };
}

describe('development and production builds through the relay', () => {
  it('send byte-identical wire events for the same input', async () => {
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
    const wire: string[] = [];
    for (const build of ['development', 'production'] as const) {
      const { tracker, posted, errors } = loadBuild(build);
      const data = { value: '129.99', currency: 'eur', contents: [{ id: 'sku_1', quantity: 2, value: '10.5', groupId: 'g' }] };
      expect(tracker.track('order_created', data, { eventId: 'order_1' })).toBe('order_1');
      await tracker.flush();
      expect(errors).toEqual([]);
      expect(posted).toHaveLength(1);
      const { response } = await relay(emulator, posted[0]!);
      expect(response.status).toBe(200);
      const requests = emulator.requests.filter((r) => r.status === 200);
      expect(requests).toHaveLength(1);
      wire.push(JSON.stringify((requests[0]!.body as { events: unknown[] }).events));
      emulator.reset();
    }
    expect(wire[1]).toBe(wire[0]);
    expect(JSON.parse(wire[0]!)).toEqual([
      expect.objectContaining({ id: 'order_1', oppref: 'click_1', source_url: 'https://shop.example/checkout', data: expect.objectContaining({ amount: 12999, currency: 'EUR' }) }),
    ]);
  });

  it('a malformed production event is refused whole by the relay and reported there; development refuses it at the call site', async () => {
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
    const data = { currency: 'USD', value: '5', contents: [{ id: 'sku_1', quantity: -1 }] };

    const production = loadBuild('production');
    expect(production.tracker.track('order_created', data, { eventId: 'bad_1' })).toBe('bad_1');
    await production.tracker.flush();
    expect(production.errors).toEqual([]); // no validation in the production bundle
    const { response, reported } = await relay(emulator, production.posted[0]!);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ accepted: [], rejected: [{ index: 0, id: 'bad_1', issues: [{ path: 'data.contents[0].quantity' }] }] });
    expect(reported).toHaveLength(1);
    expect(CapiValidationError.isInstance(reported[0])).toBe(true);
    expect((reported[0] as CapiValidationError).issues.map((i) => i.path)).toEqual(['data.contents[0].quantity']);
    expect(emulator.requests).toEqual([]); // never half-sent

    const development = loadBuild('development');
    expect(development.tracker.track('order_created', data, { eventId: 'bad_1' })).toBeUndefined();
    await development.tracker.flush();
    expect(development.posted).toEqual([]);
    expect((development.errors[0] as CapiValidationError).issues.map((i) => i.path)).toEqual(['data.contents[0].quantity']);
  });

  it('the relay refuses relay body v1 with a clear 400', async () => {
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
    const v1 = JSON.stringify({ v: 1, events: [{ id: 'a', type: 'page_viewed', timestamp_ms: Date.now(), data: { type: 'contents' } }] });
    const { response } = await relay(emulator, v1);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; issues: { path: string; code: string; message: string }[] };
    expect(answer.error).toBe('invalid_envelope');
    expect(answer.issues[0]).toMatchObject({ path: 'v', code: 'unsupported_version' });
    expect(answer.issues[0]!.message).toMatch(/no longer accepted.*update @x\/openai-capi-browser/);
  });
});
