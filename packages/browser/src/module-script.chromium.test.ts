// @vitest-environment node
/**
 * The npm build (dist/index.js) loaded as it is, without a bundler, by a `<script type="module">`
 * in real Chromium (Debian's, through playwright-core): the page has no `process`, so the tracker
 * runs its production path. The browser guarantees, end to end: consent pending then granted
 * through Google Consent Mode (events replayed, same id to the relay and the pixel), the pixel
 * script loaded only after consent, the `__oppref` cookie's attributes on the registrable domain
 * found by write-probe, Global Privacy Control, `identify` refusing to hash outside a secure
 * context, and nothing thrown into the page. `pnpm test` builds first; without a build (or
 * Chromium) this file fails and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_SCRIPT_URL } from './pixel.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HOST = 'www.shop.test';
const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ROUTES: Record<string, string> = {
  '/browser/': root('../dist/'),
  '/core/': root('../../core/dist/'),
  '/noble/': root('../../core/node_modules/@noble/hashes/'),
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>shop</title>
<script type="importmap">{"imports":{"@x/openai-capi-browser":"/browser/index.js","@x/openai-capi-core":"/core/index.js","@noble/hashes/":"/noble/"}}</script>
<script>window.dataLayer = []; function gtag() { dataLayer.push(arguments); }</script>
<script type="module">
  import { createTracker, identify, connectGoogleConsentMode } from '@x/openai-capi-browser';
  window.__errors = [];
  window.__hasProcess = typeof process !== 'undefined';
  const tracker = createTracker({ endpoint: '/api/openai-capi', pixelId: 'px_1', consent: 'pending', onError: (e) => __errors.push(e.message) });
  window.__api = { tracker, identify, connectGoogleConsentMode };
  window.__ready = true;
</script>`;

// The same stand-in for OpenAI's script as the demo's e2e test: drains the stub's queue, records calls.
const FAKE_PIXEL = `(function () {
  var calls = (window.__pixelCalls = []);
  var queued = (window.oaiq && window.oaiq.q) || [];
  function oaiq() { calls.push(JSON.parse(JSON.stringify(Array.prototype.slice.call(arguments)))); }
  for (var i = 0; i < queued.length; i++) oaiq.apply(null, Array.prototype.slice.call(queued[i]));
  window.oaiq = oaiq;
})();`;

let server: Server;
let browser: Browser;
let origin = '';
const posts: string[] = [];

beforeAll(async () => {
  for (const dir of Object.values(ROUTES)) if (!existsSync(dir)) throw new Error(`${dir} is missing: run pnpm build first`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/openai-capi') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        posts.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":[],"rejected":[]}');
      });
      return;
    }
    if (url.pathname === '/landing') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const prefix = Object.keys(ROUTES).find((p) => url.pathname.startsWith(p));
    const file = prefix ? normalize(join(ROUTES[prefix]!, url.pathname.slice(prefix.length))) : '';
    if (!prefix || !file.startsWith(ROUTES[prefix]!) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** A fresh context on the landing page; the pixel script routed to the stand-in and counted. */
async function open(options: { gpc?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; pixelLoads: () => number; pageErrors: string[] }> {
  posts.length = 0;
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  if (options.gpc) {
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
  }
  let loads = 0;
  await context.route(PIXEL_SCRIPT_URL, (route) => {
    loads++;
    return route.fulfill({ status: 200, contentType: 'text/javascript', body: FAKE_PIXEL });
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/landing?oppref=click_1&utm_source=chatgpt`);
  await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
  return { context, page, pixelLoads: () => loads, pageErrors };
}

describe('dist/index.js in a <script type="module"> (no bundler, no process) in Chromium', () => {
  it('consent pending → granted by Consent Mode: replayed once, same id to relay and pixel, pixel loaded only then, __oppref on the registrable domain', async () => {
    const { context, page, pixelLoads, pageErrors } = await open();
    expect(await page.evaluate(() => (window as unknown as { __hasProcess: boolean }).__hasProcess)).toBe(false);
    const id = await page.evaluate(() => {
      const { tracker } = (window as unknown as { __api: { tracker: import('./tracker.js').Tracker } }).__api;
      return tracker.track('order_created', { value: '12.50', currency: 'EUR', contents: [{ id: 'sku_1', quantity: 1, value: '12.50' }] }, { eventId: 'order_1' });
    });
    expect(id).toBe('order_1');
    await page.evaluate(() => (window as unknown as { __api: { tracker: import('./tracker.js').Tracker } }).__api.tracker.flush());
    expect(posts).toEqual([]);
    expect(pixelLoads()).toBe(0);
    expect((await context.cookies()).filter((c) => c.name === '__oppref')).toEqual([]);

    // Consent Mode connected while pending: the banner's update grants.
    await page.evaluate(async () => {
      const { tracker, connectGoogleConsentMode } = (window as unknown as { __api: { tracker: import('./tracker.js').Tracker; connectGoogleConsentMode: (t: unknown) => void } }).__api;
      connectGoogleConsentMode(tracker);
      (window as unknown as { gtag: (...a: unknown[]) => void }).gtag('consent', 'update', { ad_storage: 'granted' });
      await tracker.flush();
    });
    // sendBeacon: flush() resolves once the browser has queued the POST, not once it arrived.
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBe(1);
    const body = JSON.parse(posts[0]!) as { v: number; consent: string; events: Record<string, unknown>[] };
    expect(body).toMatchObject({ v: 2, consent: 'granted', events: [{ type: 'order_created', id: 'order_1', oppref: 'click_1', sourceUrl: `${origin}/landing` }] });
    await page.waitForFunction(() => Array.isArray((window as unknown as { __pixelCalls?: unknown[] }).__pixelCalls));
    expect(pixelLoads()).toBe(1);
    const calls = await page.evaluate(() => (window as unknown as { __pixelCalls: unknown[][] }).__pixelCalls);
    expect(calls).toContainEqual(['measure', 'order_created', { type: 'contents', amount: 1250, currency: 'EUR', contents: [{ id: 'sku_1', quantity: 1, amount: 1250 }] }, { event_id: 'order_1' }]);
    expect(calls.findIndex((c) => c[0] === 'consent' && c[1] === true)).toBeLessThan(calls.findIndex((c) => c[0] === 'measure'));

    const [cookie] = (await context.cookies()).filter((c) => c.name === '__oppref');
    expect(cookie).toMatchObject({ value: 'click_1', domain: '.shop.test', path: '/', sameSite: 'Lax', httpOnly: false, secure: false });
    const days = (cookie!.expires - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    // http://www.shop.test is not a secure context: no WebCrypto, so identify reports and sends nothing.
    const errors = await page.evaluate(async () => {
      const w = window as unknown as { __api: { tracker: unknown; identify: (t: unknown, u: unknown) => Promise<void> }; __errors: string[] };
      await w.__api.identify(w.__api.tracker, { email: 'ada@example.com' });
      return w.__errors;
    });
    expect(errors).toEqual([expect.stringContaining('cannot hash without WebCrypto')]);
    const inits = (await page.evaluate(() => (window as unknown as { __pixelCalls: unknown[][] }).__pixelCalls)).filter((c) => c[0] === 'init');
    expect(JSON.stringify(inits)).not.toMatch(/user|ada/);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('Global Privacy Control: denied, nothing sent, no cookie, no pixel script; nothing thrown', async () => {
    const { context, page, pixelLoads, pageErrors } = await open({ gpc: true });
    const result = await page.evaluate(async () => {
      const { tracker } = (window as unknown as { __api: { tracker: import('./tracker.js').Tracker } }).__api;
      tracker.setConsent('granted');
      const id = tracker.track('page_viewed');
      await tracker.flush();
      return { consent: tracker.consent, id };
    });
    expect(result).toEqual({ consent: 'denied', id: undefined });
    expect(posts).toEqual([]);
    expect(pixelLoads()).toBe(0);
    expect((await context.cookies()).filter((c) => c.name.startsWith('__oppref'))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
