/**
 * Shared by the e2e test and the screenshot script: Debian's Chromium through playwright-core,
 * with `www.shop.test` resolved to loopback so the shop gets a real registrable domain for cookies.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SHOP_HOST = 'www.shop.test';

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

/** Options of {@link openShop}. */
export interface ShopContextOptions {
  /** Turns Global Privacy Control on (`navigator.globalPrivacyControl === true`). */
  gpc?: boolean;
  viewport?: { width: number; height: number };
}

/**
 * A fresh context (no cookies) and its page. Nothing is routed or faked: the demo's pixel script is
 * the emulator's, so `requests` (every request of the context) shows all the demo sends.
 */
export async function openShop(browser: Browser, options: ShopContextOptions = {}): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 720 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  if (options.gpc) {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
    });
  }
  const requests: string[] = [];
  // Every request of the context (the shop, the emulator's live page, the pixel's posts, workers).
  context.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  const page = await context.newPage();
  return { context, page, requests };
}
