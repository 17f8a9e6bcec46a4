import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@x/openai-capi-core';
import { startDemo, type Demo } from '../src/server.js';

let demo: Demo;
let base: string;
const lines: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'demo-'));
  const script = join(dir, 'tracker.js');
  await writeFile(script, 'window.OpenAICapi = {};');
  demo = await startDemo({ port: 0, emulatorPort: 0, browserScriptPath: script, log: (l) => lines.push(l) });
  base = demo.shopUrl.replace('localhost', '127.0.0.1');
});
afterAll(() => demo?.close());
beforeEach(() => demo.emulator?.reset());

const orderData = { value: '25.99', currency: 'USD', contents: [{ id: 'sku-trail-mug', name: 'Trail mug', quantity: 1, value: '25.99' }] };

/** What the browser tracker posts to the relay (format v2): the event as the page gave it. */
function relayBody(orderId: string, oppref: string) {
  const input = { type: 'order_created', oppref, sourceUrl: 'http://www.shop.test/', data: orderData } as const;
  const event = { ...input, id: orderId, timestamp: Date.now() };
  return JSON.stringify({ v: 2, consent: 'granted', events: [event] });
}

const confirm = (orderId: unknown, consent: string, headers: Record<string, string> = {}) =>
  fetch(new URL('/orders/confirm', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ orderId, consent }),
  });

/** Polls `check` against a deadline (not a count of short sleeps, which a loaded machine outlasts). */
async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('demo shop server', () => {
  it('serves the shop page with the tracker configuration and the browser script', async () => {
    const page = await fetch(base);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script src="/openai-capi.iife.js"></script>');
    expect(html).toContain('"pixelId":"demo-pixel"');
    expect(html).toContain('"endpoint":"/api/openai-capi"');
    expect(html).toContain(demo.emulator?.url);
    // The tracker loads the emulator's pixel script, not OpenAI's: the demo never leaves the machine.
    expect(html).toContain(`"pixelScriptUrl":"${demo.emulator?.url}/sdk/oaiq.min.js"`);
    expect(html).not.toContain('openai.com');

    const script = await fetch(new URL('/openai-capi.iife.js', base));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe('window.OpenAICapi = {};');
    expect((await fetch(new URL('/nope', base))).status).toBe(404);
  });

  it('relays the browser event and sends the server twin: one conversion, one absorbed duplicate', async () => {
    const relay = await fetch(new URL('/api/openai-capi', base), {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', 'user-agent': 'DemoTest/1.0' },
      body: relayBody('ORD-T1', 'click-42'),
    });
    expect(relay.status).toBe(200);
    const answer = await confirm('ORD-T1', 'granted', { cookie: '__oppref=click-42', 'user-agent': 'DemoTest/1.0' });
    expect(await answer.json()).toMatchObject({ orderId: 'ORD-T1', eventId: 'ORD-T1' });

    await until(() => (demo.emulator?.duplicates.length ?? 0) === 1, 'the duplicate');
    const events = demo.emulator?.events ?? [];
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toMatchObject({
      id: 'ORD-T1',
      type: 'order_created',
      oppref: 'click-42',
      action_source: 'web',
      data: { type: 'contents', amount: 2599, currency: 'USD' },
      user: { emails_sha256: [sha256Hex('demo.buyer@example.com')], user_agent: 'DemoTest/1.0' },
    });
    expect(demo.emulator?.duplicates[0]?.key.id).toBe('ORD-T1');
  }, 20_000);

  it('does not send the server twin without consent, nor with Sec-GPC', async () => {
    expect(await (await confirm('ORD-T2', 'denied')).json()).toEqual({ orderId: 'ORD-T2', serverTwin: 'not sent (no consent)' });
    expect(await (await confirm('ORD-T3', 'granted', { 'sec-gpc': '1' })).json()).toMatchObject({ serverTwin: 'not sent (no consent)' });
    await demo.flush();
    expect(demo.emulator?.requests).toHaveLength(0);
  });

  it('rejects a bad order id or body with 400', async () => {
    expect((await confirm('<script>', 'granted')).status).toBe(400);
    expect((await confirm(42, 'granted')).status).toBe(400);
    const notJson = await fetch(new URL('/orders/confirm', base), { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
  });
});
