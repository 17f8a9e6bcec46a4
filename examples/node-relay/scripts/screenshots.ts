/**
 * Takes the README screenshots: `pnpm -F @x/example-node-relay screenshots` (after `pnpm build`).
 * Runs the demo on free ports, buys once in Chromium, and saves the shop and the emulator page
 * to docs/img/. Not part of the tests.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../src/server.js';
import { SHOP_HOST, launchChromium, openShop } from '../test/browser.js';

const outDir = fileURLToPath(new URL('../../../docs/img/', import.meta.url));
await mkdir(outDir, { recursive: true });

const demo = await startDemo({ port: 0, emulatorPort: 0, log: () => {} });
const browser = await launchChromium();
try {
  const shop = `http://${SHOP_HOST}:${new URL(demo.shopUrl).port}/?oppref=demo-click-1`;
  const { page } = await openShop(browser, { viewport: { width: 1100, height: 640 } });
  await page.goto(shop);
  await page.click('#accept');
  await page.click('#buy');
  await page.waitForFunction(() => document.body.dataset['lastOrder'] !== undefined);
  await page.waitForFunction(() => document.getElementById('twin')?.textContent?.startsWith('sent'));
  // Three copies (pixel, relay, server twin): one conversion, two absorbed duplicates.
  for (let i = 0; i < 200 && (demo.emulator?.duplicates.length ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 25));
  await page.screenshot({ path: `${outDir}demo-shop.png` });

  const emulatorPage = await page.context().newPage();
  await emulatorPage.setViewportSize({ width: 1100, height: 720 });
  await emulatorPage.goto(`${demo.emulator?.url}/`);
  await emulatorPage.waitForTimeout(1500); // let the live page poll once
  await emulatorPage.screenshot({ path: `${outDir}emulator.png`, fullPage: true });
  console.log(`Saved ${outDir}demo-shop.png and ${outDir}emulator.png`);
} finally {
  await browser.close();
  await demo.close();
}
