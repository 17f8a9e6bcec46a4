import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildEvent, type WireEvent } from '@x/openai-capi-core';
import { createClient } from './client.js';
import { createFileStore } from './file-store.js';
import { createLedger, LEDGER_FOLDER, readLedger } from './ledger.js';
import { parseLedgerLine } from './ledger-format.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'capi-ledger-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ok = async () => new Response('{}', { status: 200 });
const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const ledgerText = (dir: string) =>
  readdirSync(join(dir, LEDGER_FOLDER)).map((n) => readFileSync(join(dir, LEDGER_FOLDER, n), 'utf8')).join('');

describe('delivery ledger', () => {
  it('records every delivered event with id, type, times, money, source and match-key names, and no personal data', async () => {
    // The ledger's times (ts, at) are Date.now() digits, which could hold the postal code 94107
    // (about one run in 10 000): a fixed clock whose digits do not.
    vi.setSystemTime(Date.UTC(2026, 2, 19, 4, 1));
    const dir = tempDir();
    const client = createClient({ pixelId: 'px', apiKey: 'k', fetch: ok, logger: silent, store: createFileStore({ directory: dir }) });
    const raw = { email: 'Jane.Doe@Example.com', phone: '+1 415 555 0100', externalId: 'crm-778899', firstName: 'Jane', lastName: 'Doe', city: 'Springfield', postalCode: '94107', ip: '203.0.113.9', userAgent: 'Mozilla/5.0 Secret-UA' };
    const hashedEmail = buildEvent({ type: 'order_created', sourceUrl: 'https://shop.example/', user: { email: raw.email } }).user?.emails_sha256?.[0] as string;
    for (let i = 0; i < 50; i++) {
      client.track({
        type: 'order_created',
        id: `o-${i}`,
        sourceUrl: 'https://shop.example/thanks',
        oppref: `click-secret-${i}`,
        user: { email: raw.email, phone: raw.phone, externalId: raw.externalId, firstName: raw.firstName, lastName: raw.lastName, city: raw.city, postalCode: raw.postalCode, ipAddress: raw.ip, userAgent: raw.userAgent, obref: 'obref-secret' },
        data: { value: '12.34', currency: 'EUR' },
      }, i % 2 === 0 ? { source: 'relay' } : undefined);
    }
    client.track({ type: 'page_viewed', id: 'p-1', sourceUrl: 'https://shop.example/' });
    await client.shutdown();

    const text = ledgerText(dir);
    for (const value of [...Object.values(raw), hashedEmail, 'click-secret', 'obref-secret', 'jane', 'doe', '94107']) {
      expect(text.toLowerCase()).not.toContain(value.toLowerCase());
    }
    expect(text).not.toMatch(/[0-9a-f]{64}/); // no hash of anything
    const { entries, skipped } = await readLedger(dir);
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(51);
    expect(entries[0]).toMatchObject({ v: 1, id: 'o-0', type: 'order_created', amount: 1234, currency: 'EUR', src: 'relay', keys: ['oppref', 'obref', 'email', 'external_id', 'phone', 'ip_user_agent'] });
    expect(entries[1]).toMatchObject({ id: 'o-1', src: 'server' });
    expect(entries[50]).toMatchObject({ id: 'p-1', type: 'page_viewed', keys: [] });
    expect(Object.keys(entries[50] as object).sort()).toEqual(['at', 'id', 'keys', 'src', 'ts', 'type', 'v']);
  });

  it('stays within maxBytes: the oldest segments go, and one warning says so when that cuts into the 7 days', async () => {
    const dir = tempDir();
    const maxBytes = 64 * 1024;
    const ledger = createLedger(dir, { maxBytes });
    const warnings: string[] = [];
    const event = (i: number): WireEvent => buildEvent({ type: 'order_created', id: `order-${String(i).padStart(6, '0')}`, sourceUrl: 'https://shop.example/', data: { value: '1.00', currency: 'USD' } });
    let total = 0;
    for (let batch = 0; batch < 40; batch++) {
      // Batches of 50, and two of 1 000 (≈ 150 KB each: more than maxBytes on their own).
      const size = batch === 10 || batch === 30 ? 1000 : 50;
      const events = Array.from({ length: size }, (_, j) => event(total + j));
      total += events.length;
      ledger.record(events, () => 'server', (m) => warnings.push(m));
      await ledger.flush();
      const bytes = readdirSync(join(dir, LEDGER_FOLDER)).reduce((sum, n) => sum + statSync(join(dir, LEDGER_FOLDER, n)).size, 0);
      expect(bytes).toBeLessThanOrEqual(maxBytes);
    }
    const { entries } = await readLedger(dir);
    expect(entries.length).toBeGreaterThan(200);
    expect(entries.length).toBeLessThan(total); // the oldest were dropped…
    expect(entries.at(-1)?.id).toBe(`order-${String(total - 1).padStart(6, '0')}`); // …never the newest
    expect(warnings).toEqual([expect.stringMatching(/^delivery ledger: maxBytes 65536 reached, deliveries younger than 7 days dropped/)]);
  });

  it('drops segments wholly older than retentionDays, keeps the rest, and reads back in order', async () => {
    const dir = tempDir();
    let now = Date.UTC(2026, 0, 1);
    const ledger = createLedger(dir, { maxBytes: 64 * 1024, retentionDays: 7 }, () => now);
    const event = (id: string) => buildEvent({ type: 'lead_created', id, timestamp: now, actionSource: 'offline' }, { now });
    for (let day = 0; day < 10; day++) {
      // Enough per day to fill a segment (maxBytes / 16 = 4 KiB), so each day starts a new one.
      ledger.record(Array.from({ length: 40 }, (_, j) => event(`d${day}-${j}`)), () => 'server', () => {});
      await ledger.flush();
      now += 86_400_000;
    }
    const { entries } = await readLedger(join(dir, LEDGER_FOLDER));
    const days = new Set(entries.map((e) => e.id.split('-')[0]));
    expect([...days]).toEqual(['d2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9']);
  });

  it('skips a torn last line (a crash mid-write) and counts it', async () => {
    expect(parseLedgerLine('{"v":1,"id":"a","type":"order_created","ts":1,"at":2,"src":"server","keys":[]}')).toBeDefined();
    expect(parseLedgerLine('{"v":1,"id":"a","type":"order_created","ts":1,"at":2,"src":"serv')).toBeUndefined();
    expect(parseLedgerLine('{"v":2,"id":"a","type":"order_created","ts":1,"at":2,"src":"server","keys":[]}')).toBeUndefined();
    // readLedger counts it (the title's claim), rather than only skipping it.
    const dir = tempDir();
    const ledger = createLedger(dir);
    ledger.record([buildEvent({ type: 'page_viewed', id: 'p-1', sourceUrl: 'https://shop.example/' })], () => 'server', () => {});
    await ledger.flush();
    const [segment] = readdirSync(join(dir, LEDGER_FOLDER));
    appendFileSync(join(dir, LEDGER_FOLDER, segment as string), '{"v":1,"id":"p-2","type":"page_vi');
    const { entries, skipped } = await readLedger(dir);
    expect(entries.map((e) => e.id)).toEqual(['p-1']);
    expect(skipped).toBe(1);
  });

  it('is off with ledger: false', async () => {
    const dir = tempDir();
    const store = createFileStore({ directory: dir, ledger: false });
    expect(store.ledger).toBeUndefined();
    await store.open();
    await store.close();
    expect(readdirSync(dir)).not.toContain(LEDGER_FOLDER);
  });
});
