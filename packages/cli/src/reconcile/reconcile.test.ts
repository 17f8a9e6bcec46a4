import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '@x/openai-capi-core';
import { createLedger, type LedgerEntry } from '@x/openai-capi-node';
import { runCli } from '../main.js';
import { reconcile } from './compare.js';
import { parseOrderMap, readOrders, resolveOrderColumns } from './orders.js';
import { csvTable } from '../upload/records.js';

const entry = (id: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ v: 1, id, type: 'order_created', ts: 1000, at: 2000, src: 'server', keys: [], amount: 1000, currency: 'USD', ...extra });
const order = (id: string, extra: Record<string, unknown> = {}) => ({ line: 2, id, time: 1000, value: '10.00', currency: 'USD', ...extra });

describe('reconcile (comparison)', () => {
  it('names missing orders, deliveries with no order and value/currency mismatches, with the gap', () => {
    const r = reconcile(
      [order('a'), order('b', { value: '12.00' }), order('c', { currency: 'EUR' }), order('d'), order('e', { time: 1500 })],
      [entry('a'), entry('a', { src: 'relay' }), entry('b'), entry('c'), entry('x'), entry('y', { ts: 99_999 }), entry('e', { type: 'page_viewed' })],
      { types: ['order_created'] },
    );
    expect(r.orders).toBe(5);
    expect(r.missing.map((o) => o.id)).toEqual(['d', 'e']); // e was delivered as another type only
    expect(r.unmatched.map((e) => e.id)).toEqual(['x']); // y is outside the orders' window
    expect(r.mismatches).toEqual([
      { id: 'b', line: 2, field: 'value', backend: '12.00 USD', delivered: '10.00 USD' },
      { id: 'c', line: 2, field: 'currency', backend: 'EUR', delivered: 'USD' },
    ]);
    expect(r.gapPercent).toBe(40);
    expect(r.missingValue).toEqual({ USD: 2000 });
  });

  it('maps columns by alias or --map, and lists rows it cannot read instead of dropping them', () => {
    const table = csvTable('No.,When,Total,Cur\nA-1,2026-01-01T00:00:00Z,5,usd\n,2026-01-01T00:00:00Z,5,USD\nA-3,yesterday,5,USD\n');
    expect(() => resolveOrderColumns(table.columns, new Map())).toThrow(/no column for "id".*--map <column>=id/);
    const columns = resolveOrderColumns(table.columns, parseOrderMap(['No.=id', 'When=time', 'Total=value', 'Cur=currency']));
    const { orders, unreadable } = readOrders(table, columns);
    expect(orders).toEqual([{ line: 2, id: 'A-1', time: Date.UTC(2026, 0, 1), value: '5', currency: 'USD' }]);
    expect(unreadable).toEqual([{ line: 3, reason: 'no id' }, { line: 4, reason: 'no readable time' }]);
    expect(() => parseOrderMap(['a=email'])).toThrow(/unknown field "email"/);
  });
});

describe('openai-capi reconcile (command line)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const run = async (argv: string[], files: Record<string, string>) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(['reconcile', ...argv], {
      stdout: { write: (t: string) => stdout.push(t) },
      stderr: { write: (t: string) => stderr.push(t), isTTY: false },
      env: {},
      readFile: async (p: string) => {
        const text = files[p];
        if (text === undefined) throw new Error('ENOENT: no such file');
        return text;
      },
    });
    return { code, out: stdout.join(''), err: stderr.join('') };
  };

  it('exits 0 at or under --max-gap, 1 above, 2 on usage errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capi-rec-'));
    dirs.push(dir);
    const now = Date.now();
    const ledger = createLedger(dir);
    const ev = (id: string) => buildEvent({ type: 'order_created', id, timestamp: now - 1000, sourceUrl: 'https://s.example/', data: { value: '1.00', currency: 'USD' } });
    ledger.record([ev('a'), ev('b'), ev('c')], () => 'server', () => {});
    await ledger.flush();
    const t = new Date(now - 1000).toISOString();
    const files = { 'o.csv': `id,time,value,currency\na,${t},1.00,USD\nb,${t},1.00,USD\nc,${t},1.00,USD\nd,${t},1.00,USD\n` };
    expect((await run(['o.csv', '--ledger', dir, '--max-gap', '25'], files)).code).toBe(0);
    const above = await run(['o.csv', '--ledger', dir, '--max-gap', '24.9'], files);
    expect(above.code).toBe(1);
    expect(above.out).toContain('Gap: 25.00 % of orders (threshold 24.9 %); value not delivered: 1.00 USD');
    expect(above.out).toMatch(/Never delivered \(id, line, time\):\n {2}d {2}line 5 /);
    expect((await run(['o.csv'], files)).err).toMatch(/--ledger: the file store directory is needed/);
    expect((await run(['o.csv', '--ledger', dir, '--max-gap', 'x'], files)).code).toBe(2);
    expect((await run(['o.csv', '--ledger', dir, '--replay'], files)).err).toMatch(/--replay needs a pixel id and an API key/);
    expect((await run(['o.csv', '--ledger', join(dir, 'nope')], files)).err).toMatch(/cannot read the ledger/);
  });

  it('--replay sends none older than the 7-day window and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capi-rec-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'ledger')); // an empty ledger
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const files = { 'o.ndjson': `{"id":"old-1","time":"${old}","value":"3.50","currency":"USD"}\n` };
    const r = await run(['o.ndjson', '--ledger', dir, '--replay', '--emulator'], files);
    expect(r.out).toContain('Replay: 0 delivered, 1 not sent');
    expect(r.out).toMatch(/old-1 {2}line 1 {2}older than the API’s 7-day window/);
    expect(r.out).toContain('Gap after replay: 100.00 %');
    expect(r.code).toBe(1);
  });
});
