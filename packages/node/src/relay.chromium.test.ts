/**
 * The default relay (`createRelayHandler(client)`, no options, as the README mounts it) against a
 * real Chromium. Pages on other origins (http://localhost:<random port>) try the three requests a
 * page can send to another site without CORS — `sendBeacon`, a `no-cors` fetch and a `text/plain`
 * form POST — with a forged order and an attacker's click id: none reaches the Conversions API
 * (the emulator), no cookie is set, and each attempt is refused and reported. The shop's own page
 * (http://127.0.0.1:<port>) still works with no options. The same again with plain-http host
 * names (www.shop.test, evil.test), where Chromium sends no Sec-Fetch-Site. Chromium: Debian's, via playwright-core
 * (`pnpm test` runs scripts/ensure-chromium.mjs first); the tracker: the browser package's
 * script-tag build (`pnpm test` builds it first). Neither missing is skipped: the test fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createClient, type CapiClient } from './client.js';
import { toNodeHandler } from './node-handler.js';
import { createRelayHandler } from './relay.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const IIFE = fileURLToPath(new URL('../../browser/dist/openai-capi.iife.js', import.meta.url));
const PIXEL = 'px_e2e';

let emulator: Emulator;
let client: CapiClient;
let browser: Browser;
const servers: Server[] = [];
/** Every request that reached the relay: its Origin, Sec-Fetch-Site, status and Set-Cookie headers. */
const hits: { origin: string | undefined; site: string | undefined; status: number; setCookie: unknown }[] = [];
let shopPort = 0;
let shop = '';

/**
 * Two ways a browser says where a request comes from: on a potentially trustworthy origin
 * (127.0.0.1, localhost) Chromium sends `Sec-Fetch-Site`; on plain-http host names it does not,
 * and the relay goes by `Origin`.
 */
const SETUPS = [
  { name: 'loopback (Sec-Fetch-Site sent)', shopHost: '127.0.0.1', evilHost: 'localhost', site: 'cross-site' },
  { name: 'plain http host names (no Sec-Fetch-Site: Origin decides)', shopHost: 'www.shop.test', evilHost: 'evil.test', site: undefined },
] as const;
/** Only loopback and the two mapped test names: nothing leaves the machine (the pixel script URL included). */
const OFF_MACHINE = /^https?:\/\/(?!127\.0\.0\.1|localhost|www\.shop\.test|evil\.test)/;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  if (!existsSync(IIFE)) throw new Error(`${IIFE} is missing: run \`pnpm build\` (pnpm test does) first`);
  emulator = await startEmulator({ apiKey: 'test-key', pixelIds: [PIXEL] });
  client = createClient({ pixelId: PIXEL, apiKey: 'test-key', endpoint: emulator.endpoint, flushAt: 1, logLevel: 'off' });
  const relay = toNodeHandler(createRelayHandler(client));
  const script = readFileSync(IIFE);
  const port = await listen(
    createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/openai-capi.iife.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end(script);
      }
      if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<!doctype html><title>shop</title><script src="/openai-capi.iife.js"></script><script>
          const tracker = OpenAICapi.createTracker({ endpoint: '/api/openai-capi', pixelId: '${PIXEL}' });
          tracker.setConsent('granted');
          window.tracked = tracker.track('page_viewed');
          tracker.flush();
        </script>`);
      }
      if (req.url?.startsWith('/api/openai-capi')) {
        const { origin, 'sec-fetch-site': site } = req.headers as Record<string, string | undefined>;
        return void relay(req, res).then(() => hits.push({ origin, site, status: res.statusCode, setCookie: res.getHeader('set-cookie') }));
      }
      res.writeHead(404).end();
    }),
  );
  shopPort = port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--host-resolver-rules=MAP www.shop.test 127.0.0.1, MAP evil.test 127.0.0.1',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await client?.shutdown();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await emulator?.close();
  consoleError.mockRestore();
});

/** A forged order with the attacker's click id, as a body the relay would accept from the shop. */
const forged = (id: string) => ({
  v: 2,
  consent: 'granted',
  events: [{ id, type: 'order_created', timestamp: Date.now(), sourceUrl: `${shop}/checkout`, oppref: 'ATTACKER', data: { type: 'contents', amount: 999_900, currency: 'USD' } }],
});

/** The attacker's page for one kind of request. */
function attackPage(kind: 'beacon' | 'fetch' | 'form'): string {
  const target = `${shop}/api/openai-capi?oppref=ATTACKER`;
  const body = JSON.stringify(forged(`forged-${kind}`));
  if (kind === 'form') {
    // text/plain form encoding sends `name=value`: the `=` lands inside sourceUrl, the JSON stays valid.
    const [name, value] = body.split(/(?<=\/checkout)/) as [string, string];
    const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return `<!doctype html><form method="POST" enctype="text/plain" action="${target}"><input name="${attr(`${name}?a`)}" value="${attr(`b${value}`)}"></form><script>document.forms[0].submit()</script>`;
  }
  const send = kind === 'beacon'
    ? `navigator.sendBeacon(${JSON.stringify(target)}, ${JSON.stringify(body)})`
    : `fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(body)} })`;
  return `<!doctype html><title>evil</title><script>${send}</script>`;
}

describe.each(SETUPS)('default relay in Chromium, $name', ({ shopHost, evilHost, site }) => {
  beforeAll(() => {
    shop = `http://${shopHost}:${shopPort}`;
    hits.length = 0;
    emulator.reset();
    consoleError.mockClear();
  });

  it('refuses beacon, no-cors fetch and text/plain form from another origin: 0 events, 0 cookies, each attempt reported', async () => {
    const context = await browser.newContext();
    // Nothing leaves loopback (the tracker's pixel script URL included).
    await context.route(OFF_MACHINE, (route) => route.abort());
    const kinds = ['beacon', 'fetch', 'form'] as const;
    const origins: string[] = [];
    for (const kind of kinds) {
      const port = await listen(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(kind))));
      origins.push(`http://${evilHost}:${port}`);
      const page = await context.newPage();
      const before = hits.length;
      await page.goto(`http://${evilHost}:${port}/`);
      await until(() => hits.length > before, `the ${kind} attempt to reach the relay`);
      await page.close();
    }
    expect(hits.map((h) => [h.origin, h.site, h.status, h.setCookie])).toEqual(origins.map((o) => [o, site, 403, undefined]));
    await client.flush();
    expect(emulator.events).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    const reports = consoleError.mock.calls.map((args) => String(args[0]));
    for (const origin of origins) expect(reports).toContainEqual(expect.stringContaining(`relay refused a request from ${origin} (403)`));
    await context.close();
  }, 60_000);

  it("still takes the shop's own events, with no options, and keeps the consenting visitor's __oppref", async () => {
    hits.length = 0;
    const context = await browser.newContext();
    await context.route(OFF_MACHINE, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${shop}/?oppref=shop-click`);
    await until(() => emulator.events.length === 1, 'the shop page_viewed to reach the emulator');
    const id = await page.evaluate('window.tracked');
    expect(emulator.events[0]!.event).toMatchObject({ id, type: 'page_viewed', oppref: 'shop-click' });
    // The tracker wrote the cookie after consent; the relay does not add a second, host-only copy.
    expect(hits).toEqual([{ origin: shop, site: site === undefined ? undefined : 'same-origin', status: 200, setCookie: undefined }]);
    expect((await context.cookies()).find((c) => c.name === '__oppref')?.value).toBe('shop-click');
    await context.close();
  }, 60_000);
});
