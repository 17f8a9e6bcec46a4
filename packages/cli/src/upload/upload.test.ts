import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@x/openai-capi-core';
import { createClient } from '@x/openai-capi-node';
import { startEmulator } from '@x/openai-capi-testing';
import { resolveMapping } from './mapping.js';
import { readTable } from './records.js';
import { uploadTable, type UploadProgress } from './upload.js';

// The fixtures were exported on 2026-03-19: rows from 2026-03-18 are fresh, early March is stale.
const NOW = Date.parse('2026-03-19T12:00:00Z');
const fixture = (name: string) => readFile(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');

let emulator: Awaited<ReturnType<typeof startEmulator>>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', apiKey: 'test-key', pixelIds: ['px-offline'], now: NOW });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

async function upload(name: string, format: 'csv' | 'ndjson', batchSize = 3) {
  const client = createClient({ pixelId: 'px-offline', apiKey: 'test-key', endpoint: emulator.endpoint, now: () => NOW, logLevel: 'off' });
  const table = readTable(await fixture(name), format);
  const progress: UploadProgress[] = [];
  try {
    const summary = await uploadTable({
      table,
      mapping: resolveMapping(table.columns),
      send: (events) => client.send(events),
      batchSize,
      now: () => NOW,
      onProgress: (p) => progress.push(p),
    });
    return { summary, progress };
  } finally {
    await client.shutdown();
  }
}

describe('uploadTable without send (dry run)', () => {
  it('runs every local check, reports the same rows, and sends nothing', async () => {
    const table = readTable(await fixture('conversions.csv'), 'csv');
    const progress: UploadProgress[] = [];
    const summary = await uploadTable({ table, mapping: resolveMapping(table.columns), now: () => NOW, onProgress: (p) => progress.push(p) });

    expect(summary).toMatchObject({ total: 10, valid: 5, dryRun: true, delivered: 0, batches: 0 });
    expect(summary.stale.map((p) => p.line)).toEqual([4]);
    expect(summary.rejected.map((p) => p.line)).toEqual([5, 6, 9, 12]);
    expect(progress.at(-1)).toEqual({ processed: 10, total: 10, valid: 5, dryRun: true, delivered: 0, rejected: 4, stale: 1 });
    expect(emulator.events).toHaveLength(0);
  });
});

describe('uploadTable against the emulator', () => {
  it('delivers the valid CSV rows in batches and reports rejected and stale rows by line', async () => {
    const { summary, progress } = await upload('conversions.csv', 'csv');

    expect(summary.total).toBe(10);
    expect(summary.delivered).toBe(5);
    expect(summary.stale.map((p) => p.line)).toEqual([4]);
    expect(summary.rejected.map((p) => p.line)).toEqual([5, 6, 9, 12]);
    expect(summary.rejected[0]?.reason).toMatch(/email/i);
    expect(summary.rejected[0]?.reason).not.toContain('not-an-email');
    expect(summary.rejected[1]?.reason).toMatch(/amount|value|decimal|precision/i);
    expect(summary.rejected[2]?.reason).toMatch(/duplicate of line 2/);
    expect(summary.rejected[3]?.reason).toMatch(/timestamp: missing/);
    expect(summary.ignoredColumns).toEqual(['notes']);
    expect(summary.batches).toBe(2);
    expect(summary.valid).toBe(5);
    expect(progress.at(-1)).toEqual({ processed: 10, total: 10, valid: 5, dryRun: false, delivered: 5, rejected: 4, stale: 1 });

    expect(emulator.events).toHaveLength(5);
    const first = emulator.events.find((e) => e.event.id === 'A-1001')?.event;
    expect(first).toMatchObject({
      type: 'order_created',
      action_source: 'offline',
      oppref: 'oppref-abc-123',
      timestamp_ms: Date.parse('2026-03-18T09:15:00Z'),
      data: { type: 'contents', amount: 12999, currency: 'USD' },
      user: { emails_sha256: [sha256Hex('jane.doe@example.com')], phone_numbers_sha256: [sha256Hex('14155552671')], countries: ['US'] },
    });
    const yen = emulator.events.find((e) => e.event.id === 'A-1008')?.event;
    expect(yen?.data).toMatchObject({ amount: 8900, currency: 'JPY' });
  });

  it('reads NDJSON with typed values, seconds and ms timestamps, custom events and plans', async () => {
    const { summary } = await upload('conversions.ndjson', 'ndjson', 500);

    expect(summary).toMatchObject({ total: 6, delivered: 3, batches: 1 });
    expect(summary.stale.map((p) => p.line)).toEqual([3]);
    expect(summary.rejected.map((p) => [p.line, p.reason])).toEqual([
      [4, 'type: "not_an_event" is not an event type of the Conversions API'],
      [5, 'not valid JSON'],
    ]);
    const types = emulator.events.map((e) => e.event.type).sort();
    expect(types).toEqual(['custom', 'order_created', 'subscription_created']);
    const plan = emulator.events.find((e) => e.event.type === 'subscription_created')?.event;
    expect(plan).toMatchObject({
      timestamp_ms: 1773838800000,
      data: { type: 'plan_enrollment', amount: 999, currency: 'USD', plan_id: 'pro-monthly' },
      user: { external_ids_sha256: [sha256Hex('CRM-42')] },
    });
    const custom = emulator.events.find((e) => e.event.type === 'custom')?.event;
    expect(custom).toMatchObject({ custom_event_name: 'quote_requested', opt_out: true, id: 'N-6' });
  });
});
