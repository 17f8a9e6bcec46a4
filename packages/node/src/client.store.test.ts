/** createClient with a file store on the real file system, against the real emulator on loopback. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEvent, MAX_PAST_MS } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createClient, type CapiClient } from './client.js';
import { createFileStore } from './file-store.js';
import type { ErrorContext } from './report.js';
import { appendLine } from './journal.js';

const PIXEL = 'px_store';
const KEY = 'sk_store_secret';
const DAY = 86_400_000;

let dir: string;
let emulator: Emulator;
const clients: CapiClient[] = [];
const errors: ErrorContext[] = [];
const warnings: string[] = [];
const logger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} };

function client(extra: Partial<Parameters<typeof createClient>[0]> = {}): CapiClient {
  const c = createClient({
    pixelId: PIXEL,
    apiKey: KEY,
    endpoint: emulator.endpoint,
    flushIntervalMs: 3_600_000,
    flushAt: 1000,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 2,
    logger,
    onError: (_error, context) => errors.push(context),
    ...extra,
    store: extra.store ?? createFileStore({ directory: dir }),
  });
  clients.push(c);
  return c;
}
const lead = (id: string, timestamp?: number) => ({ type: 'lead_created' as const, id, sourceUrl: 'https://shop.example/', ...(timestamp === undefined ? {} : { timestamp }) });
const ids = () => emulator.events.map((e) => e.event.id).sort();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capi-client-store-'));
  emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
  errors.length = 0;
  warnings.length = 0;
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown({ timeoutMs: 1000 });
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createClient({ store: createFileStore(…) })', () => {
  it('delivers tracked events through the journal and forgets them once delivered', async () => {
    const c = client();
    for (let i = 0; i < 50; i++) c.track(lead(`f${i}`));
    const report = await c.flush();
    expect(report.delivered).toHaveLength(50);
    expect(ids()).toHaveLength(50);
    expect(c.stats().queued).toBe(0);
    await c.shutdown();
    expect(await c.flush()).toMatchObject({ delivered: [], rejected: [] }); // after shutdown: nothing, no error
    // Reopened: nothing left to replay.
    const again = client();
    expect((await again.flush()).delivered).toEqual([]);
  });

  it('replays on start what a previous process left, and reports stale events with the event', async () => {
    const now = Date.now();
    const first = createFileStore({ directory: dir });
    await first.open();
    const fresh = buildEvent(lead('left-1', now - DAY), { now });
    // Built while it was fresh, 8 days ago: it waited in the store past the API's window.
    const old = buildEvent(lead('left-old', now - MAX_PAST_MS - DAY), { now: now - MAX_PAST_MS - DAY });
    await first.append([old, fresh]);
    await first.close();
    const c = client();
    const report = await c.flush();
    expect(report.delivered).toEqual(['left-1']);
    expect(report.rejected).toEqual([expect.objectContaining({ id: 'left-old', reason: 'stale', event: old })]);
    expect(errors).toEqual([expect.objectContaining({ reason: 'stale', eventIds: ['left-old'] })]);
    expect(errors[0]?.events[0]?.event).toEqual(old);
    expect(ids()).toEqual(['left-1']);
  });

  it('skips a torn last line, reports it through the logger, and delivers the rest', async () => {
    writeFileSync(join(dir, 'journal.ndjson'), appendLine(0, buildEvent(lead('whole'))) + '{"s":1,"e":{"ty');
    const c = client();
    const report = await c.flush();
    expect(report.delivered).toEqual(['whole']);
    expect(warnings.some((w) => /cut short by a crash/.test(w))).toBe(true);
  });

  it('keeps events a transient failure left undelivered (kept), and delivers them on a later flush', async () => {
    const c = client({ maxRetries: 0 });
    emulator.setFaults({ status5xxRate: 1 });
    c.track(lead('k1'));
    const failed = await c.flush();
    expect(failed.rejected).toEqual([expect.objectContaining({ id: 'k1', reason: 'api', status: 503, kept: true })]);
    expect(errors[0]?.events[0]).toMatchObject({ kept: true, event: { id: 'k1' } });
    expect(c.stats()).toMatchObject({ queued: 1, maxQueueSize: 10_000 + 100_000 });
    emulator.setFaults({});
    expect((await c.flush()).delivered).toEqual(['k1']);
    expect(c.stats().queued).toBe(0);
  });

  it('settles for good what the API refuses for the event itself (not kept)', async () => {
    const c = client();
    // Valid for the client, refused by an emulator whose clock is 8 days ahead: too_old there.
    await emulator.close();
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: () => Date.now() + 8 * DAY });
    const c2 = client({ endpoint: emulator.endpoint, store: createFileStore({ directory: `${dir}-2` }) });
    await c.shutdown();
    c2.track(lead('refused'));
    const report = await c2.flush();
    expect(report.rejected).toEqual([expect.objectContaining({ id: 'refused', reason: 'api', status: 422 })]);
    expect(report.rejected[0]?.kept).toBeUndefined();
    expect(c2.stats().queued).toBe(0);
    await c2.shutdown();
    rmSync(`${dir}-2`, { recursive: true, force: true });
  });

  it('enqueue resolves once the event is in the journal', async () => {
    const c = client();
    const id = await c.enqueue(lead('q1'));
    expect(id).toBe('q1');
    // Another store instance reading the directory after a crash would see it: read the file.
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'journal.ndjson'), 'utf8')).toContain('"id":"q1"');
  });

  it('with durability always, delivers the same', async () => {
    const c = client({ store: createFileStore({ directory: dir, durability: 'always' }) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.enqueue(lead(`a${i}`))));
    expect((await c.flush()).delivered).toHaveLength(20);
  });
});

describe('enqueue (backpressure)', () => {
  it('never drops: 100 000 events through maxQueueSize 1000, memory bounded', async () => {
    const c = createClient({ pixelId: PIXEL, apiKey: KEY, endpoint: emulator.endpoint, maxQueueSize: 1000, flushAt: 1000, onError: (_e, ctx) => errors.push(ctx) });
    clients.push(c);
    const N = 100_000;
    let peakQueued = 0;
    let peakHeld = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    for (let i = 0; i < N; i++) {
      await c.enqueue({ type: 'lead_created', id: `bulk-${i}`, sourceUrl: 'https://shop.example/' });
      const s = c.stats();
      if (s.queued > peakQueued) peakQueued = s.queued;
      if (s.queued + s.inFlight > peakHeld) peakHeld = s.queued + s.inFlight;
      if (i % 10_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    const report = await c.flush();
    expect(report.rejected).toEqual([]);
    const s = c.stats();
    expect(s.dropped).toBe(0);
    expect(s.tracked).toBe(N);
    expect(errors).toEqual([]);
    expect(new Set(emulator.events.map((e) => e.event.id)).size).toBe(N);
    expect(peakQueued).toBeLessThanOrEqual(1000);
    // Events held by the client at once: the queue plus one flush's batch.
    expect(peakHeld).toBeLessThanOrEqual(2000);
    // The emulator (same process) keeps all 100k received events: the client's part is the rest.
    expect(peakHeap - heapBefore).toBeLessThan(200 * 1_048_576);
  }, 120_000);

  it('track still drops with queue_full (fire and forget), with the event in the report', async () => {
    const c = createClient({ pixelId: PIXEL, apiKey: KEY, endpoint: emulator.endpoint, maxQueueSize: 2, flushAt: 2, flushIntervalMs: 3_600_000, onError: (_e, ctx) => errors.push(ctx) });
    clients.push(c);
    c.track(lead('d1'));
    c.track(lead('d2')); // flushAt: a flush starts, and takes the queue on the next tick
    c.track(lead('d3')); // full
    expect(errors).toEqual([expect.objectContaining({ reason: 'queue_full', eventIds: ['d3'] })]);
    expect(errors[0]?.events[0]?.event).toMatchObject({ id: 'd3', type: 'lead_created' });
  });

  it('rejects after shutdown and for bad input', async () => {
    const c = createClient({ pixelId: PIXEL, apiKey: KEY, endpoint: emulator.endpoint });
    await expect(c.enqueue({ type: 'nope' } as never)).rejects.toThrow(/type/);
    await c.shutdown();
    await expect(c.enqueue(lead('late'))).rejects.toThrow(/after shutdown/);
  });
});
