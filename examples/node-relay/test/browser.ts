/**
 * Shared by the e2e test and the screenshot script: Debian's Chromium through playwright-core,
 * with `www.shop.test` resolved to loopback so the shop gets a real registrable domain for cookies.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SHOP_HOST = 'www.shop.test';
export const PIXEL_SCRIPT_URL = 'https://bzrcdn.openai.com/sdk/oaiq.min.js';

/** Launches headless Chromium with the shop's host mapped to 127.0.0.1. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--host-resolver-rules=MAP ${SHOP_HOST} 127.0.0.1`,
    ],
  });
}

/**
 * A stand-in for OpenAI's pixel script: drains the official stub's queue like the real script
 * does, then records every later command. Recorded calls land in `window.__pixelCalls`.
 */
export const FAKE_PIXEL_SCRIPT = `(function () {
  var calls = (window.__pixelCalls = []);
  var stub = window.oaiq;
  var queued = (stub && stub.q) || [];
  function oaiq() { calls.push(JSON.parse(JSON.stringify(Array.prototype.slice.call(arguments)))); }
  for (var i = 0; i < queued.length; i++) oaiq.apply(null, Array.prototype.slice.call(queued[i]));
  window.oaiq = oaiq;
})();`;

/** Options of {@link openShop}. */
export interface ShopContextOptions {
  /** Turns Global Privacy Control on (`navigator.globalPrivacyControl === true`). */
  gpc?: boolean;
  viewport?: { width: number; height: number };
}

/** A fresh context (no cookies) with the pixel script routed to the fake, and its page. */
export async function openShop(browser: Browser, options: ShopContextOptions = {}): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 720 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  if (options.gpc) {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
    });
  }
  await context.route(PIXEL_SCRIPT_URL, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: FAKE_PIXEL_SCRIPT }),
  );
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  return { context, page, requests };
}
