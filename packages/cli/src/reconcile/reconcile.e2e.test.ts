/**
 * The "done when": 1 000 orders through a site (relay + server twins, each side with its own
 * client and file store, some orders with no match key, some lost on purpose: the API refuses every
 * request holding one of them), then `reconcile` names exactly the lost ones, `--replay` delivers
 * them to the emulator, and a second `reconcile` reports a 0 % gap.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createFileStore, createRelayHandler, type CapiClient } from '@x/openai-capi-node';
import { coverageOf, startEmulator, type Emulator } from '@x/openai-capi-testing';
import { runCli } from '../main.js';

const ORDERS = 1000;
const isLost = (i: number) => i % 37 === 5; // 27 orders
const hasNoKey = (i: number) => i % 4 === 0; // 250 orders: no oppref, no e-mail, no IP + user agent
const idOf = (i: number) => `ord-${String(i).padStart(4, '0')}`;
const valueOf = (i: number) => `${10 + (i % 90)}.${String(i % 100).padStart(2, '0')}`;

let dir: string;
let emulator: Emulator;
const warnings: string[] = [];

function io() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, io: { stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t), isTTY: false }, env: {} } };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-reconcile-'));
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', apiKey: 'test-key', pixelIds: ['px'] });
  const lostIds = new Set(Array.from({ length: ORDERS }, (_, i) => i).filter(isLost).map(idOf));
  // The API refuses (400) every request holding a lost order: the client bisects down to it and rejects it.
  const failing: typeof fetch = async (url, init) => {
    const body = String(init?.body ?? '');
    const events = (JSON.parse(body) as { events: { id: string }[] }).events;
    if (events.some((e) => lostIds.has(e.id))) {
      return new Response(JSON.stringify({ error: { message: 'refused for this test', type: 'invalid_request_error' } }), { status: 400, headers: { 'content-type': 'application/json' } });
    }
    return fetch(url, init);
  };
  const logger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} };
  const common = { pixelId: 'px', apiKey: 'test-key', endpoint: emulator.endpoint, fetch: failing, maxRetries: 0, flushAt: 200, logger } as const;
  const server: CapiClient = createClient({ ...common, store: createFileStore({ directory: join(dir, 'server') }) });
  const relayClient: CapiClient = createClient({ ...common, integrationSource: 'x-openai-capi-relay', store: createFileStore({ directory: join(dir, 'relay') }) });
  const relay = createRelayHandler(relayClient, { rateLimit: false });
  const now = Date.now();

  let csv = 'order_no,created_at,total,currency\n';
  for (let i = 0; i < ORDERS; i++) {
    const id = idOf(i);
    const time = now - (ORDERS - i) * 5 * 60_000; // the last 3.5 days
    csv += `${id},${new Date(time).toISOString()},${valueOf(i)},USD\n`;
    // The browser's copy through the relay…
    const headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin' };
    if (!hasNoKey(i)) Object.assign(headers, { 'user-agent': 'Mozilla/5.0 Test', cookie: `__oppref=click-${i}` });
    const response = await relay(
      new Request('https://shop.example/api/openai-capi', {
        method: 'POST',
        headers,
        body: JSON.stringify({ v: 2, consent: 'granted', events: [{ type: 'order_created', id, timestamp: time, sourceUrl: 'https://shop.example/thanks', data: { value: valueOf(i), currency: 'USD' } }] }),
      }),
      hasNoKey(i) ? {} : { remoteAddress: '203.0.113.7' },
    );
    expect(response.status).toBe(200);
    // …and the server's twin, same id.
    server.track({
      type: 'order_created',
      id,
      timestamp: time,
      sourceUrl: 'https://shop.example/thanks',
      data: { value: valueOf(i), currency: 'USD' },
      ...(hasNoKey(i) ? {} : { user: { email: `buyer${i}@example.com` } }),
    });
  }
  writeFileSync(join(dir, 'orders.csv'), csv);
  await Promise.all([server.flush(), relayClient.flush()]);
  const serverStats = server.stats().coverage['order_created'];
  const relayStats = relayClient.stats().coverage['order_created'];
  expect(serverStats?.delivered).toEqual({ server: ORDERS - lostIds.size, relay: 0 });
  expect(relayStats?.delivered).toEqual({ server: 0, relay: ORDERS - lostIds.size });
  // 250 of 1 000 orders carry no key (a quarter of the lost ones too): ~25 % > the 20 % default.
  expect(serverStats?.matchKeys.none).toBeCloseTo(hasNoKeyShare(lostIds), 5);
  expect(serverStats?.matchKeys.email).toBeCloseTo(1 - hasNoKeyShare(lostIds), 5);
  expect(relayStats?.matchKeys.oppref).toBeCloseTo(1 - hasNoKeyShare(lostIds), 5);
  expect(relayStats?.matchKeys.ip_user_agent).toBeCloseTo(1 - hasNoKeyShare(lostIds), 5);
  await Promise.all([server.shutdown(), relayClient.shutdown()]);
  // The emulator (and its live page) shows the same figures: every delivered id came from both sides.
  const seen = coverageOf(emulator)['order_created'];
  expect(seen?.delivered).toEqual({ server: ORDERS - lostIds.size, relay: ORDERS - lostIds.size });
  expect(seen?.dedupeRate).toBe(1);
  expect(seen?.matchKeys.none).toBeCloseTo(hasNoKeyShare(lostIds), 5);
  expect(seen?.matchKeys.email).toBeCloseTo((1 - hasNoKeyShare(lostIds)) / 2, 5);
  const live = await (await fetch(`${emulator.url}/__emulator/view`)).text();
  expect(live).toContain('Coverage by event type');
  expect(live).toMatch(/<td>order_created<\/td><td class="num">973<\/td><td class="num">973<\/td>\s*<td class="num">100\.0 %<\/td>/);
}, 120_000);

function hasNoKeyShare(lost: Set<string>): number {
  let delivered = 0;
  let none = 0;
  for (let i = 0; i < ORDERS; i++) {
    if (lost.has(idOf(i))) continue;
    delivered++;
    if (hasNoKey(i)) none++;
  }
  return none / delivered;
}

afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('reconcile: 1 000 orders through relay + server twins', () => {
  const args = () => ['reconcile', join(dir, 'orders.csv'), '--ledger', join(dir, 'server'), '--ledger', join(dir, 'relay'), '--map', 'order_no=id', '--max-gap', '1'];
  const lost = Array.from({ length: ORDERS }, (_, i) => i).filter(isLost).map(idOf);

  it('warned once per type about events with no match key, in one line without personal data', () => {
    const lines = warnings.filter((w) => w.includes('carry no match key'));
    expect(lines).toHaveLength(2); // one per client (server, relay), each once for order_created
    for (const line of lines) {
      expect(line).toMatch(/^\[openai-capi\] order_created: 2\d\.\d % of \d+ delivered events carry no match key \(threshold 20 %\)/);
      expect(line).not.toMatch(/@|buyer/);
    }
  });

  it('names exactly the lost orders, and exits 1 above --max-gap', async () => {
    const t = io();
    const code = await runCli(args(), t.io);
    const out = t.stdout.join('');
    expect(code).toBe(1);
    expect(out).toContain(`${ORDERS} backend orders · ${ORDERS - lost.length} delivered · ${lost.length} never delivered · 0 deliveries with no order · 0 value/currency mismatches`);
    expect(out).toContain(`Gap: ${((lost.length / ORDERS) * 100).toFixed(2)} % of orders`);
    const named = [...out.matchAll(/^ {2}(ord-\d{4}) {2}line/gm)].map((m) => m[1]);
    expect(named).toEqual(lost);
    // The progress of a large file went to stderr, a line per 10 % (not a TTY).
    expect(t.stderr.join('')).toMatch(/\[#{28}\] 1000\/1000 orders compared/);
  });

  it('--replay with an endpoint the client refuses: a usage error naming it (exit 2), nothing sent', async () => {
    const before = emulator.events.length;
    const t = io();
    const code = await runCli([...args(), '--replay', '--endpoint', 'ftp://x.test/v1/events', '--pixel-id', 'px', '--api-key', 'test-key'], t.io);
    expect(code).toBe(2);
    expect(t.stderr.join('')).toContain('endpoint');
    expect(emulator.events.length).toBe(before);
  });

  it('--replay sends the lost ones to the emulator with their ids; a second reconcile reports 0 % gap', async () => {
    const before = emulator.events.length;
    const t = io();
    const code = await runCli([...args(), '--replay', '--endpoint', emulator.endpoint, '--pixel-id', 'px', '--api-key', 'test-key'], t.io);
    expect(t.stdout.join('')).toContain(`Replay: ${lost.length} delivered, 0 not sent`);
    expect(t.stdout.join('')).toContain('Gap after replay: 0.00 %');
    expect(code).toBe(0);
    const replayed = emulator.events.slice(before).map((r) => r.event.id).sort();
    expect(replayed).toEqual(lost);

    const again = io();
    expect(await runCli(args(), again.io)).toBe(0);
    expect(again.stdout.join('')).toContain(`${ORDERS} backend orders · ${ORDERS} delivered · 0 never delivered`);
    expect(again.stdout.join('')).toContain('Gap: 0.00 % of orders');
  });
});
