/**
 * Real Chromium against the demo stack on loopback (`pnpm test` builds the browser IIFE first).
 * The shop is served as http://www.shop.test:<port> (mapped to 127.0.0.1) so `__oppref` lands on
 * `.shop.test`. Nothing is routed or faked: the pixel script is the emulator's own, and every
 * request the browser makes is checked to stay on this machine.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { defaultBrowserScriptPath, startDemo, type Demo } from '../src/server.js';
import { PIXEL_EVENTS_PATH, PIXEL_SCRIPT_PATH } from '@x/openai-capi-testing';
import { SHOP_HOST, launchChromium, openShop } from './browser.js';

/** Hosts of this machine: the shop's name (mapped to 127.0.0.1 by Chromium's resolver rules) and loopback. */
const OWN_HOSTS = new Set([SHOP_HOST, '127.0.0.1', 'localhost', '[::1]']);
/** The requests (`METHOD url`) that left the machine: must stay empty. */
const offMachine = (requests: readonly string[]) =>
  requests.filter((r) => {
    const url = new URL(r.slice(r.indexOf(' ') + 1));
    return url.protocol !== 'data:' && !OWN_HOSTS.has(url.hostname);
  });

const DAY_S = 86_400;
let demo: Demo;
let browser: Browser;
let shop: string;
let pixelScriptUrl: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const script = defaultBrowserScriptPath();
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` (pnpm test does) first`);
  demo = await startDemo({ port: 0, emulatorPort: 0, host: '127.0.0.1', log: () => {} });
  shop = `http://${SHOP_HOST}:${new URL(demo.shopUrl).port}/`;
  pixelScriptUrl = `${demo.emulator?.url}${PIXEL_SCRIPT_PATH}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await demo?.close();
});

beforeEach(() => demo.emulator?.reset());

async function open(options: { gpc?: boolean } = {}) {
  const opened = await openShop(browser, options);
  contexts.push(opened.context);
  return opened;
}

/** Polls a condition on the Node side (the emulator), bounded. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const oppref = async (context: BrowserContext) => {
  const cookies = (await context.cookies()).filter((c) => c.name === '__oppref');
  expect(cookies.length).toBeLessThanOrEqual(1);
  return cookies[0];
};

async function buy(page: Page): Promise<string> {
  await page.click('#buy');
  await page.waitForFunction(() => document.body.dataset['lastOrder'] !== undefined, undefined, { timeout: 10_000 });
  return page.evaluate(() => document.body.dataset['lastOrder'] as string);
}

describe('demo shop in Chromium', () => {
  it('stores oppref only after consent, then the pixel, relay and server copies reach the emulator as one conversion, all on this machine', async () => {
    const { context, page, requests } = await open();
    const pixelPosts: { url: string; body: unknown }[] = [];
    context.on('request', (request) => {
      if (request.url().includes(PIXEL_EVENTS_PATH)) pixelPosts.push({ url: request.url(), body: JSON.parse(request.postData() ?? 'null') });
    });
    await page.goto(`${shop}?oppref=e2e-click-1`);
    await page.waitForSelector('#consent:not([hidden])');

    // Consent pending: no cookie, no pixel script.
    expect(await oppref(context)).toBeUndefined();
    expect(requests.some((r) => r.includes(PIXEL_SCRIPT_PATH))).toBe(false);

    await page.click('#accept');
    await page.waitForSelector('#consent', { state: 'hidden' });
    // The emulator's pixel script replaces the stub once granted.
    await page.waitForFunction(() => (window as unknown as { oaiq?: { __emulator?: boolean } }).oaiq?.__emulator === true);
    expect(requests).toContain(`GET ${pixelScriptUrl}`);
    const cookie = await oppref(context);
    expect(cookie).toMatchObject({ value: 'e2e-click-1', domain: '.shop.test', path: '/', sameSite: 'Lax', secure: false, httpOnly: false });
    const expectedExpiry = Date.now() / 1000 + 30 * DAY_S;
    expect(Math.abs((cookie?.expires ?? 0) - expectedExpiry)).toBeLessThan(3600);

    // The emulator's live page, opened before the purchase, shows it arrive without a reload.
    const live = await context.newPage();
    await live.goto(`${demo.emulator?.url}/`);
    expect(await live.textContent('#live')).toContain('No event yet');

    const orderId = await buy(page);
    const id = orderId; // the order id is the event id, in the browser and on the server
    await expect.poll(() => page.textContent('#twin'), { timeout: 10_000 }).toContain(id);
    // Three copies with one id: the pixel's, the relay's and the server twin. The first wins.
    await until(() => (demo.emulator?.duplicates.length ?? 0) >= 2, 'the two absorbed duplicates');

    await live.waitForFunction(
      (eventId) => (document.getElementById('live')?.textContent ?? '').split(eventId).length - 1 >= 3,
      id,
      { timeout: 10_000 },
    );
    // The two tables by their captions (the page also shows coverage and requests).
    const rows = await live.$$eval('#live section', (sections) =>
      ['Events received', 'Duplicates absorbed'].map((caption) => {
        const table = sections.find((s) => s.querySelector('h2')?.textContent?.startsWith(caption))?.querySelector('table');
        return Array.from(table?.querySelectorAll('tbody tr') ?? [], (row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent?.trim() ?? ''));
      }),
    );
    const [eventRows, duplicateRows] = rows;
    expect(eventRows).toHaveLength(1);
    // Received, pixel, event, id, source, oppref, obref, match keys, dupes.
    expect(eventRows?.[0]?.slice(1, 4)).toEqual(['demo-pixel', 'order_created', id]);
    expect(eventRows?.[0]?.[5]).toContain('e2e-click-1');
    expect(eventRows?.[0]?.[7]).toContain('oppref');
    expect(eventRows?.[0]?.[8]).toBe('2');
    expect(duplicateRows).toHaveLength(2);
    for (const row of duplicateRows ?? []) expect(row.slice(1, 4)).toEqual(['demo-pixel', 'order_created', id]);
    // The live page names where each copy came from: the browser's pixel, the relay, the server.
    const liveText = (await live.textContent('#live')) ?? '';
    for (const source of ['oaiq-web', 'x-openai-capi-relay', 'x-openai-capi-node']) expect(liveText).toContain(source);
    expect(live.url()).toBe(`${demo.emulator?.url}/`); // updated in place, never reloaded

    const orders = demo.emulator?.events.filter((e) => e.event.type === 'order_created') ?? [];
    expect(orders).toHaveLength(1);
    expect(demo.emulator?.duplicates).toHaveLength(2);
    for (const duplicate of demo.emulator?.duplicates ?? []) {
      expect(duplicate.key).toEqual({ pixelId: 'demo-pixel', name: 'order_created', id });
    }
    const copies = [
      { source: orders[0]?.integrationSource, event: orders[0]?.event },
      ...(demo.emulator?.duplicates ?? []).map((d) => ({ source: d.integrationSource, event: d.event })),
    ];
    expect(copies.map((c) => c.source).sort()).toEqual(['oaiq-web', 'x-openai-capi-node', 'x-openai-capi-relay']);
    const copy = (source: string) => copies.find((c) => c.source === source)?.event;
    const shopUrl = `http://${SHOP_HOST}:${new URL(shop).port}/`;
    // The server twin and the relay's copy: attribution and the customer's hashed e-mail added server-side.
    for (const source of ['x-openai-capi-node', 'x-openai-capi-relay']) {
      expect(copy(source)).toMatchObject({ id, oppref: 'e2e-click-1', action_source: 'web', data: { type: 'contents', amount: 2599, currency: 'USD' } });
      expect(copy(source)?.source_url).toBe(shopUrl);
      expect(copy(source)?.user?.emails_sha256).toHaveLength(1);
    }
    // The pixel's copy: what the script itself sets (full page URL, its __obref), the same id and data.
    expect(copy('oaiq-web')).toMatchObject({ id, oppref: 'e2e-click-1', action_source: 'web', data: { type: 'contents', amount: 2599, currency: 'USD' } });
    expect(copy('oaiq-web')?.source_url).toBe(`${shopUrl}?oppref=e2e-click-1`);
    expect(copy('oaiq-web')?.user?.obref).toMatch(/^ob\./);

    // The pixel posted spec §8's observed shape to the emulator, once.
    expect(pixelPosts).toHaveLength(1);
    expect(pixelPosts[0]?.url).toMatch(new RegExp(`^${demo.emulator?.url}${PIXEL_EVENTS_PATH}\\?pid=demo-pixel&st=oaiq-web&sv=[^&]+&t=\\d+&ec=1$`));
    expect(pixelPosts[0]?.body).toMatchObject({
      obref: expect.stringMatching(/^ob\./),
      events: [{ type: 'order_created', id, timestamp_ms: expect.any(Number), source_url: `${shopUrl}?oppref=e2e-click-1`, opt_out: false, data: { type: 'contents', amount: 2599, currency: 'USD' } }],
    });
    expect(requests.filter((r) => r.startsWith('POST') && r.includes('/api/openai-capi'))).toHaveLength(1);
    // The relay does not re-issue (host-only) a click id the browser already holds: one cookie, the tracker's.
    const cookies = (await context.cookies()).filter((c) => c.name === '__oppref');
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ value: 'e2e-click-1', domain: '.shop.test' });

    // The whole flow (shop, relay, pixel script and posts, live page) stayed on this machine.
    expect(requests.length).toBeGreaterThan(5);
    expect(offMachine(requests)).toEqual([]);
  });

  it('sends nothing and stores no cookie when consent is rejected', async () => {
    const { context, page, requests } = await open();
    await page.goto(`${shop}?oppref=e2e-click-2`);
    await page.click('#reject');
    await page.waitForSelector('#consent', { state: 'hidden' });
    await buy(page);
    expect(await page.textContent('#twin')).toBe('not sent (no consent)');
    expect(await page.textContent('#event-id')).toMatch(/not tracked/);

    await demo.flush();
    expect(await oppref(context)).toBeUndefined();
    expect(requests.filter((r) => r.includes('/api/openai-capi') || r.includes(PIXEL_SCRIPT_PATH) || r.includes(PIXEL_EVENTS_PATH))).toEqual([]);
    expect(demo.emulator?.requests).toHaveLength(0);
    expect(demo.emulator?.events).toHaveLength(0);
    expect(offMachine(requests)).toEqual([]);
    // The pixel's queue (the stub: its script never loaded) got consent(false) and no measure.
    const queued = await page.evaluate(() =>
      Array.from((window as unknown as { oaiq?: { q?: ArrayLike<unknown>[] } }).oaiq?.q ?? [], (args) => Array.from(args)[0]),
    );
    expect(queued).toContain('consent');
    expect(queued.filter((name) => String(name).startsWith('measure'))).toEqual([]);
  });

  it('treats Global Privacy Control as a denial: no banner, no cookie, nothing sent', async () => {
    const { context, page, requests } = await open({ gpc: true });
    await page.goto(`${shop}?oppref=e2e-click-3`);
    expect(await page.evaluate(() => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
    await page.waitForFunction(() => document.getElementById('consent-state')?.textContent?.includes('Global Privacy Control'));
    expect(await page.isHidden('#consent')).toBe(true);

    // Even an explicit grant cannot lift GPC.
    await page.evaluate(() => (window as unknown as { demoTracker: { setConsent(s: string): void } }).demoTracker.setConsent('granted'));
    await buy(page);
    expect(await page.textContent('#twin')).toBe('not sent (no consent)');

    await demo.flush();
    expect(await oppref(context)).toBeUndefined();
    expect(requests.filter((r) => r.includes('/api/openai-capi') || r.includes(PIXEL_SCRIPT_PATH) || r.includes(PIXEL_EVENTS_PATH))).toEqual([]);
    expect(demo.emulator?.requests).toHaveLength(0);
    expect(demo.emulator?.events).toHaveLength(0);
    expect(offMachine(requests)).toEqual([]);
  });
});
