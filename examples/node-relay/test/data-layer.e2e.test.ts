/**
 * `connectDataLayer` in real Chromium (Debian's, through playwright-core): a shop theme's GA4
 * dataLayer, a stand-in for GTM that wraps `push` the way gtm.js does (google/data-layer-helper),
 * the browser package's script-tag build, the relay (`createRelayHandler`) and the emulator, all
 * on loopback with random ports. `pnpm test` builds the script first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createClient, createRelayHandler, toNodeHandler, type CapiClient } from '@x/openai-capi-node';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HOST = 'www.shop.test';
const PIXEL = 'px_datalayer_e2e';
const API_KEY = 'e2e-key';
const require = createRequire(import.meta.url);
const SCRIPT = join(dirname(require.resolve('@x/openai-capi-browser/package.json')), 'dist', 'openai-capi.iife.js');

/** What gtm.js does with an existing dataLayer: processes what is there, then wraps `push` (chaining to the old one). */
const FAKE_GTM = `(function () {
  var dl = (window.dataLayer = window.dataLayer || []);
  var seen = (window.__gtmSeen = []);
  for (var i = 0; i < dl.length; i++) seen.push(dl[i]);
  var oldPush = dl.push;
  dl.push = function () {
    var result = oldPush.apply(dl, arguments);
    for (var j = 0; j < arguments.length; j++) seen.push(arguments[j]);
    return result;
  };
})();`;

const OUR_SCRIPT = `<script src="/openai-capi.iife.js"></script>
<script>
  window.__errors = [];
  var tracker = OpenAICapi.createTracker({ endpoint: '/api/openai-capi', consent: 'granted', batchDelayMs: 0,
    onError: function (e) { window.__errors.push(e.message); } });
  OpenAICapi.connectDataLayer(tracker);
</script>`;

const ITEMS = `[{ item_id: 'SKU_TEE', item_name: 'Blue tee', item_category: 'Apparel', item_variant: 'M', price: 24.5, quantity: 2, item_brand: 'Acme' },
  { item_id: 'SKU_CAP', item_name: 'Cap', price: '80.99', quantity: 1 }]`;

/** Pages the way shop themes emit GA4 ecommerce events: each event preceded by `ecommerce: null`. */
function pageHtml(path: string, search: URLSearchParams): string {
  const head = (body: string, gtmFirst: boolean) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script>window.dataLayer = window.dataLayer || [];</script>
${body}
${gtmFirst ? `<script>${FAKE_GTM}</script>${OUR_SCRIPT}` : `${OUR_SCRIPT}<script>${FAKE_GTM}</script>`}
</head><body>
<button id="add" onclick="dataLayer.push({ ecommerce: null }); dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: 'EUR', value: 129.99, items: ${ITEMS.replace(/"/g, '&quot;')} } })">Add</button>
<button id="checkout" onclick="dataLayer.push({ ecommerce: null }); dataLayer.push({ event: 'begin_checkout', ecommerce: { currency: 'EUR', items: ${ITEMS.replace(/"/g, '&quot;')} } })">Checkout</button>
<button id="bad" onclick="dataLayer.push({ ecommerce: null }); dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T_BAD', value: 5 } })">Bad</button>
</body></html>`;
  if (path === '/product') {
    // The theme pushes view_item inline, before GTM (and this SDK) load: both read it from the array.
    return head(`<script>dataLayer.push({ ecommerce: null }); dataLayer.push({ event: 'view_item', ecommerce: { currency: 'EUR', value: 24.5, items: ${ITEMS} } });</script>`, true);
  }
  // Thank-you page: this SDK loads first and GTM wraps push after it; the purchase is pushed later.
  const order = JSON.stringify(search.get('order') ?? '');
  return head('', false).replace(
    '</body>',
    `<script>dataLayer.push({ ecommerce: null }); dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: ${order}, value: '129.99', currency: 'EUR', tax: 9.1, shipping: 0, items: ${ITEMS} } });</script></body>`,
  );
}

let emulator: Emulator;
let relayClient: CapiClient;
let serverClient: CapiClient;
let server: Server;
let browser: Browser;
let shop: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`pnpm build\` (pnpm test does) first`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  emulator = await startEmulator({ port: 0, apiKey: API_KEY, pixelIds: [PIXEL] });
  const options = { pixelId: PIXEL, apiKey: API_KEY, endpoint: emulator.endpoint, flushAt: 1 };
  relayClient = createClient(options);
  serverClient = createClient(options);
  const relay = toNodeHandler(createRelayHandler(relayClient));
  const script = readFileSync(SCRIPT, 'utf8');
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/openai-capi') return void relay(req, res);
    if (url.pathname === '/openai-capi.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return void res.end(script);
    }
    if (url.pathname === '/product' || url.pathname === '/thank-you') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(pageHtml(url.pathname, url.searchParams));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
  });
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await Promise.allSettled([relayClient?.shutdown(), serverClient?.shutdown()]);
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await emulator?.close();
});

beforeEach(() => emulator.reset());

async function open(): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  return context.newPage();
}

/** Polls the emulator (Node side), bounded. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; emulator has ${JSON.stringify(emulator.events.map((e) => [e.event.type, e.event.id]))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const CONTENTS = [
  { id: 'SKU_TEE', name: 'Blue tee', content_type: 'Apparel', quantity: 2, amount: 2450, variant_dict: { variant: 'M' } },
  { id: 'SKU_CAP', name: 'Cap', content_type: 'product', quantity: 1, amount: 8099 },
];

describe('connectDataLayer in Chromium: GTM-shaped dataLayer → relay → emulator', () => {
  it('view_item → add_to_cart → begin_checkout → purchase arrive with the right events, money and ids', async () => {
    const page = await open();
    await page.goto(`${shop}/product?oppref=e2e-ga4-click`);
    await page.click('#add');
    await page.click('#checkout');
    await page.goto(`${shop}/thank-you?order=T_1001`);
    await until(() => emulator.events.length >= 4, 'four events');

    const events = emulator.events.map((e) => e.event);
    expect(events.map((e) => e.type)).toEqual(['contents_viewed', 'items_added', 'checkout_started', 'order_created']);
    const [viewed, added, checkout, order] = events;
    expect(viewed?.data).toEqual({ type: 'contents', amount: 2450, currency: 'EUR', contents: CONTENTS });
    expect(added?.data).toEqual({ type: 'contents', amount: 12999, currency: 'EUR', contents: CONTENTS });
    // No value in the push: the exact sum of price × quantity (24.5 × 2 + 80.99).
    expect(checkout?.data).toEqual({ type: 'contents', amount: 12999, currency: 'EUR', contents: CONTENTS });
    // transaction_id is the event id, verbatim; the GA4-only params (tax, shipping, item_brand) are not sent.
    expect(order).toMatchObject({ id: 'T_1001', action_source: 'web', oppref: 'e2e-ga4-click', data: { type: 'contents', amount: 12999, currency: 'EUR', contents: CONTENTS } });
    expect(order?.source_url).toBe(`${shop}/thank-you`);
    // The other three got random ids, all distinct.
    expect(new Set(events.map((e) => e.id)).size).toBe(4);

    // GTM kept seeing every push (both when it wrapped push first and when it wrapped it after this SDK).
    expect(await page.evaluate(() => (window as unknown as { __gtmSeen: { event?: string }[] }).__gtmSeen.map((e) => e.event ?? null))).toEqual([null, 'purchase']);
    expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
  });

  it('a reloaded thank-you page and the server\'s own order event share one id: OpenAI keeps one', async () => {
    const page = await open();
    await page.goto(`${shop}/thank-you?order=T_2002`);
    await until(() => emulator.events.length === 1, 'the purchase');
    await page.reload();
    await until(() => emulator.duplicates.length === 1, 'the reload\'s copy, absorbed as a duplicate');
    // The shop's backend confirms the same order with the same id.
    serverClient.track({ type: 'order_created', id: 'T_2002', data: { amount: 12999, currency: 'EUR' }, sourceUrl: `${shop}/thank-you` });
    await serverClient.flush();
    await until(() => emulator.duplicates.length === 2, 'the server copy, absorbed as a duplicate');
    expect(emulator.events.map((e) => [e.event.type, e.event.id])).toEqual([['order_created', 'T_2002']]);
  });

  it('a bad push (no currency) goes to onError; GTM and later pushes are unaffected', async () => {
    const page = await open();
    await page.goto(`${shop}/product`);
    await until(() => emulator.events.length === 1, 'view_item');
    await page.click('#bad');
    await page.click('#add');
    await until(() => emulator.events.length === 2, 'add_to_cart');
    const errors = await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
    expect(errors).toEqual([expect.stringContaining('dataLayer.purchase.ecommerce.currency: is required with a value or item prices')]);
    const gtmSeen = await page.evaluate(() => (window as unknown as { __gtmSeen: { event?: string }[] }).__gtmSeen.map((e) => e.event ?? null));
    expect(gtmSeen).toEqual([null, 'view_item', null, 'purchase', null, 'add_to_cart']);
    expect(emulator.events.map((e) => e.event.type)).toEqual(['contents_viewed', 'items_added']);
  });
});
