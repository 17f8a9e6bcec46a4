/**
 * Real Chromium against the demo stack on loopback (`pnpm test` builds the browser IIFE first).
 * The shop is served as http://www.shop.test:<port> so `__oppref` lands on `.shop.test`.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { defaultBrowserScriptPath, startDemo, type Demo } from '../src/server.js';
import { PIXEL_SCRIPT_URL, SHOP_HOST, launchChromium, openShop } from './browser.js';

const DAY_S = 86_400;
let demo: Demo;
let browser: Browser;
let shop: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const script = defaultBrowserScriptPath();
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` (pnpm test does) first`);
  demo = await startDemo({ port: 0, emulatorPort: 0, host: '127.0.0.1', log: () => {} });
  shop = `http://${SHOP_HOST}:${new URL(demo.shopUrl).port}/`;
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
  it('stores oppref only after consent, then one deduplicated conversion reaches the emulator', async () => {
    const { context, page, requests } = await open();
    await page.goto(`${shop}?oppref=e2e-click-1`);
    await page.waitForSelector('#consent:not([hidden])');

    // Consent pending: no cookie, no pixel script.
    expect(await oppref(context)).toBeUndefined();
    expect(requests.some((r) => r.includes(PIXEL_SCRIPT_URL))).toBe(false);

    await page.click('#accept');
    await page.waitForSelector('#consent', { state: 'hidden' });
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
    await until(() => (demo.emulator?.duplicates.length ?? 0) >= 1, 'the absorbed duplicate');

    await live.waitForFunction(
      (eventId) => (document.getElementById('live')?.textContent ?? '').split(eventId).length - 1 >= 2,
      id,
      { timeout: 10_000 },
    );
    const rows = await live.$$eval('#live table', (tables) =>
      tables.slice(0, 2).map((table) =>
        Array.from(table.querySelectorAll('tbody tr'), (row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')),
      ),
    );
    const [eventRows, duplicateRows] = rows;
    expect(eventRows).toHaveLength(1);
    // Received, pixel, event, id, source, oppref, obref, match keys, dupes.
    expect(eventRows?.[0]?.slice(1, 4)).toEqual(['demo-pixel', 'order_created', id]);
    expect(eventRows?.[0]?.[5]).toContain('e2e-click-1');
    expect(eventRows?.[0]?.[7]).toContain('oppref');
    expect(eventRows?.[0]?.[8]).toBe('1');
    expect(duplicateRows).toHaveLength(1);
    expect(duplicateRows?.[0]?.slice(1, 4)).toEqual(['demo-pixel', 'order_created', id]);
    expect(live.url()).toBe(`${demo.emulator?.url}/`); // updated in place, never reloaded

    const orders = demo.emulator?.events.filter((e) => e.event.type === 'order_created') ?? [];
    expect(orders).toHaveLength(1);
    expect(orders[0]?.event).toMatchObject({
      id,
      oppref: 'e2e-click-1',
      action_source: 'web',
      data: { type: 'contents', amount: 2599, currency: 'USD' },
    });
    expect(orders[0]?.event.source_url).toBe(`http://${SHOP_HOST}:${new URL(shop).port}/`);
    expect(orders[0]?.event.user?.emails_sha256).toHaveLength(1);
    expect(demo.emulator?.duplicates).toHaveLength(1);
    expect(demo.emulator?.duplicates[0]?.key).toEqual({ pixelId: 'demo-pixel', name: 'order_created', id });
    // One copy came through the relay, the other from the server twin.
    const sources = [orders[0]?.integrationSource, demo.emulator?.duplicates[0]?.integrationSource].sort();
    expect(sources).toEqual(['x-openai-capi-node', 'x-openai-capi-relay']);
    expect(requests.filter((r) => r.startsWith('POST') && r.includes('/api/openai-capi'))).toHaveLength(1);
    // The relay does not re-issue (host-only) a click id the browser already holds: one cookie, the tracker's.
    const copies = (await context.cookies()).filter((c) => c.name === '__oppref');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ value: 'e2e-click-1', domain: '.shop.test' });

    // The pixel bridge: consent before init, and a measure carrying the same event id.
    const calls = (await page.evaluate(() => (window as unknown as { __pixelCalls?: unknown[][] }).__pixelCalls)) ?? [];
    const names = calls.map((c) => c[0]);
    expect(names.indexOf('consent')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('consent')).toBeLessThan(names.indexOf('init'));
    expect(calls[names.indexOf('init')]?.[1]).toMatchObject({ pixelId: 'demo-pixel' });
    const measure = calls.find((c) => c[0] === 'measure');
    expect(measure?.[1]).toBe('order_created');
    expect(measure?.[2]).toMatchObject({ type: 'contents', amount: 2599, currency: 'USD' });
    expect(measure?.[3]).toEqual({ event_id: id });
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
    expect(requests.filter((r) => r.includes('/api/openai-capi') || r.includes(PIXEL_SCRIPT_URL))).toEqual([]);
    expect(demo.emulator?.requests).toHaveLength(0);
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
    expect(requests.filter((r) => r.includes('/api/openai-capi') || r.includes(PIXEL_SCRIPT_URL))).toEqual([]);
    expect(demo.emulator?.requests).toHaveLength(0);
  });
});
