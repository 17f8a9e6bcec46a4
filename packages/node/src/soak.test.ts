/**
 * Soak: SOAK_EVENTS events (default 3 000, `pnpm test:soak`: 100 000) through `createClient` to the
 * real emulator on loopback, with seeded faults: 10 % 5xx, 5 % 429 with Retry-After, 5 % connection
 * resets, 1 % latency spikes past the client's timeout (the request landed, the retry is a duplicate),
 * 1 % poisoned events and 0.5 % stale ones. Then a full queue, overflowed and shut down under load.
 *
 * Poisoned events pass the client's validation but not the server's: the emulator's clock runs one
 * day ahead of the client's (clock skew), and their timestamp is 7 days − 6 h old for the client,
 * so 7 days + 18 h old for the server. The client must isolate them by bisection and report each
 * one (`api`, HTTP 422 as the live API answers, issue `too_old`) while delivering the rest of its batch.
 * Stale events are 7 days − 1 min old when tracked; the client clock then jumps 2 minutes before
 * the queue is drained, so they must be reported as `stale` and never sent. (A clock jump also
 * eats into the per-batch retry deadline, so `retryDeadlineMs` is set well above the jumps.)
 * The stream runs once more through a file store (journal on the real file system), which must end
 * empty and compacted.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PAST_MS, type EventInput } from '@x/openai-capi-core';
import { startEmulator, type Emulator, type RecordedRequest } from '@x/openai-capi-testing';
import { createClient, type CapiClient } from './client.js';
import { createFileStore } from './file-store.js';
import { readLedger } from './ledger.js';
import { countingFetch, Ledger, scaledSleep, waitFor, withTimeout } from './__tests__/soak-helpers.js';

const EVENTS = Math.max(500, Number(process.env['SOAK_EVENTS'] ?? 3000) || 3000);
const BIG = EVENTS >= 50_000;
const PIXEL = 'px_soak';
const KEY = 'sk_soak_secret_key';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The emulator's clock runs this far ahead of the client's. */
const SKEW_MS = DAY;
/** Events tracked between two clock jumps (and backpressure checks). */
const ROUND = 250;
/** The client clock jumps this far after each round. */
const CLOCK_STEP_MS = 2 * MINUTE;
const MAX_QUEUE = Math.min(10_000, Math.max(1_000, Math.floor(EVENTS / 10)));
const OVERFLOW = Math.floor(MAX_QUEUE / 2);
const TIMEOUT_MS = 150;
const SHUTDOWN_MS = BIG ? 60_000 : 20_000;
/** Real time runs 1/SLEEP_SCALE of every requested retry wait (Retry-After 1 s → 10 ms). */
const SLEEP_SCALE = 100;
const FAULTS = {
  status5xxRate: 0.1,
  rateLimitRate: 0.05,
  retryAfterS: 1,
  resetRate: 0.05,
  latencySpikeRate: 0.01,
  latencySpikeMs: 2 * TIMEOUT_MS,
  seed: 20_261_101,
};

type Kind = 'valid' | 'poison' | 'stale';
const kindOf = (i: number): Kind => (i % 100 === 37 ? 'poison' : i % 200 === 11 ? 'stale' : 'valid');
const mb = (bytes: number) => Math.round(bytes / 1_048_576);

/** The client's clock: real time plus jumps made by the test. */
const clock = { offset: 0, now: () => Date.now() + clock.offset };

function input(id: string, kind: Kind, i: number): EventInput {
  const now = clock.now();
  const timestamp = kind === 'poison' ? now - MAX_PAST_MS + 6 * HOUR : kind === 'stale' ? now - MAX_PAST_MS + MINUTE : now - (i % 1000);
  const base: EventInput = {
    type: 'order_created',
    id,
    timestamp,
    sourceUrl: 'https://shop.example/thanks?order=secret',
    oppref: 'clk_soak',
    data: { value: `${(i % 500) + 1}.99`, currency: 'USD' },
  };
  return i % 10 === 0 ? { ...base, user: { email: `Buyer${i}@Example.com` } } : base;
}

/** Tallies the faults of the requests logged so far, then drops the log (it keeps every body). */
function drainRequestLog(emulator: Emulator, tally: Record<string, number>): void {
  const log = emulator.requests as RecordedRequest[];
  for (const r of log) {
    const key = r.fault ?? String(r.status);
    tally[key] = (tally[key] ?? 0) + 1;
  }
  log.length = 0;
}


/** The delivery settings of every soak run: the same retries, batches and queue, with or without a store. */
const SOAK_DELIVERY = {
  timeoutMs: TIMEOUT_MS,
  maxRetries: 20,
  retryMaxDelayMs: 2_000,
  retryDeadlineMs: HOUR,
  flushAt: 100,
  maxBatchEvents: 100,
  flushIntervalMs: 20,
  maxQueueSize: MAX_QUEUE,
  logLevel: 'off',
} as const;

describe(`soak: ${EVENTS} events through the client to the faulty emulator`, () => {
  let emulator: Emulator | undefined;
  let slowEmulator: Emulator | undefined;
  afterAll(async () => {
    await emulator?.close();
    await slowEmulator?.close();
  });

  it('delivers every valid event exactly once, reports every poisoned, stale or overflowing one, loses nothing', async () => {
    const started = Date.now();
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: () => clock.now() + SKEW_MS, faults: FAULTS });
    const emu = emulator;
    const ledger = new Ledger();
    const sleeps: number[] = [];
    const counting = countingFetch();
    const tally: Record<string, number> = {};
    const client: CapiClient = createClient({
      pixelId: PIXEL,
      apiKey: KEY,
      endpoint: emu.endpoint,
      fetch: counting.fetch,
      now: clock.now,
      sleep: scaledSleep(SLEEP_SCALE, sleeps),
      ...SOAK_DELIVERY,
      onDelivered: ledger.onDelivered,
      onError: ledger.onError,
    });

    // Phase 1: the stream, ROUND events at a time, never overflowing the queue.
    const kinds = new Map<string, Kind>();
    for (let start = 0; start < EVENTS; start += ROUND) {
      for (let i = start; i < Math.min(EVENTS, start + ROUND); i++) {
        const id = `soak-${i}`;
        const kind = kindOf(i);
        kinds.set(id, kind);
        expect(client.track(input(id, kind, i))).toBe(id);
      }
      // Synchronous with the loop above, so before any drain: this round's stale events expire.
      clock.offset += CLOCK_STEP_MS;
      await waitFor(() => client.stats().queued < ROUND, 60_000, 'the queue to drain below one round');
      drainRequestLog(emu, tally);
    }
    await withTimeout(client.flush(), 120_000, 'the final flush of the stream');
    await waitFor(() => client.stats().queued === 0 && client.stats().inFlight === 0, 30_000, 'the client to be idle');
    drainRequestLog(emu, tally);
    const streamMs = Date.now() - started;
    const streamStats = client.stats();

    // Phase 2: fill the queue to maxQueueSize and past it in one synchronous burst (no drain can
    // run meanwhile), measure RSS, then shut down under that load.
    const rssBefore = process.memoryUsage().rss;
    const burst: string[] = [];
    let rssFull = 0;
    for (let i = EVENTS; i < EVENTS + MAX_QUEUE + OVERFLOW; i++) {
      const id = `soak-${i}`;
      burst.push(id);
      client.track(input(id, 'valid', i));
      if (i === EVENTS + MAX_QUEUE - 1) {
        expect(client.stats().queued).toBe(MAX_QUEUE);
        rssFull = process.memoryUsage().rss;
      }
    }
    expect(client.stats().queued).toBe(MAX_QUEUE);
    const rssOverflow = process.memoryUsage().rss;
    const shutdownStarted = Date.now();
    const final = await withTimeout(client.shutdown({ timeoutMs: SHUTDOWN_MS }), SHUTDOWN_MS + 15_000, 'shutdown to resolve');
    const shutdownMs = Date.now() - shutdownStarted;
    drainRequestLog(emu, tally);
    const stats = client.stats();

    // Every event of the stream: valid ones in the emulator exactly once, the others reported with their reason.
    const inEmulator = new Map<string, number>();
    for (const r of emu.events) inEmulator.set(r.event.id, (inEmulator.get(r.event.id) ?? 0) + 1);
    expect([...inEmulator.values()].filter((n) => n !== 1)).toEqual([]);
    expect(ledger.settledTwice()).toEqual([]);
    const wrong: string[] = [];
    const count = { valid: 0, poison: 0, stale: 0 };
    for (const [id, kind] of kinds) {
      count[kind]++;
      const reports = ledger.reported.get(id);
      const ok =
        kind === 'valid'
          ? inEmulator.get(id) === 1 && ledger.delivered.get(id) === 1 && reports === undefined
          : kind === 'poison'
            ? !inEmulator.has(id) && reports?.[0]?.reason === 'api' && reports[0].status === 422 && reports[0].codes.includes('too_old')
            : !inEmulator.has(id) && reports?.[0]?.reason === 'stale' && reports[0].codes.includes('too_old');
      if (!ok) wrong.push(`${id} (${kind}: emulator ${inEmulator.get(id) ?? 0}, delivered ${ledger.delivered.get(id) ?? 0}, reported ${JSON.stringify(reports?.map((r) => [r.reason, r.status, r.codes.join('+')]) ?? [])})`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(count.poison).toBeGreaterThan(0);
    expect(count.stale).toBeGreaterThan(0);

    // The burst: accepted up to maxQueueSize, the overflow reported as queue_full; shutdown then
    // delivered or reported every queued one (undelivered at the deadline: `shutdown`).
    const overflowIds = burst.slice(MAX_QUEUE);
    expect(overflowIds.every((id) => ledger.reported.get(id)?.[0]?.reason === 'queue_full')).toBe(true);
    for (const id of burst.slice(0, MAX_QUEUE)) {
      const reason = ledger.reported.get(id)?.[0]?.reason;
      if (ledger.delivered.get(id) === 1) expect(inEmulator.get(id)).toBe(1);
      else if (reason !== 'shutdown') wrong.push(`${id} (burst: ${reason ?? 'missing'})`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    // Nothing reached the emulator that the client did not send as a tracked event.
    for (const id of inEmulator.keys()) expect(kinds.has(id) || burst.includes(id)).toBe(true);

    const sent = kinds.size + burst.length;
    const delivered = ledger.delivered.size;
    const reported = ledger.reported.size;
    const missing = sent - delivered - reported;
    expect(missing).toBe(0);
    expect(stats).toMatchObject({ delivered, rejected: reported, queued: 0, inFlight: 0, closed: true });
    expect(final.delivered.length + final.rejected.length).toBe(MAX_QUEUE);
    // Faults did happen, and were survived: retries, Retry-After honoured, duplicates absorbed.
    expect(tally['status5xx']).toBeGreaterThan(0);
    expect(tally['rateLimit']).toBeGreaterThan(0);
    expect(tally['reset']).toBeGreaterThan(0);
    expect(sleeps.filter((ms) => ms === FAULTS.retryAfterS * 1000).length).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThan(0);
    for (const d of emu.duplicates) expect(ledger.delivered.get(d.event.id)).toBe(1);
    if (BIG) expect(rssOverflow - rssBefore).toBeLessThan(512 * 1_048_576);

    const figures = {
      events: EVENTS,
      sent,
      delivered,
      reported,
      missing,
      poisoned: ledger.count('api'),
      stale: ledger.count('stale'),
      queueFull: ledger.count('queue_full'),
      shutdownUndelivered: ledger.count('shutdown'),
      duplicatesAbsorbed: emu.duplicates.length,
      requests: stats.requests,
      retries: stats.retries,
      timedOutAttempts: counting.aborted(),
      failedAttempts: counting.failed(),
      faults: `5xx ${tally['status5xx'] ?? 0}, 429 ${tally['rateLimit'] ?? 0}, reset ${tally['reset'] ?? 0}`,
      streamMs,
      streamDelivered: streamStats.delivered,
      shutdownMs,
      shutdownDeadlineMs: SHUTDOWN_MS,
      rssMB: `${mb(rssBefore)} → ${mb(rssFull)} (queue full, ${MAX_QUEUE}) → ${mb(rssOverflow)} (+${OVERFLOW} refused)`,
      durationMs: Date.now() - started,
    };
    console.log(`[soak] ${JSON.stringify(figures)}`);
  }, 60_000 + EVENTS * 4);

  it('shutdown with a full queue and a deadline too short for it: delivers what it can, reports the rest as shutdown', async () => {
    const queued = Math.min(MAX_QUEUE, 2_000);
    const deadlineMs = 400;
    slowEmulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: () => clock.now(), faults: { latencyMs: 60, status5xxRate: 0.1, seed: 7 } });
    const emu = slowEmulator;
    const ledger = new Ledger();
    const client = createClient({
      pixelId: PIXEL,
      apiKey: KEY,
      endpoint: emu.endpoint,
      now: clock.now,
      sleep: scaledSleep(SLEEP_SCALE, []),
      timeoutMs: 1_000,
      maxBatchEvents: 100,
      flushAt: 100,
      maxQueueSize: queued,
      logLevel: 'off',
      onDelivered: ledger.onDelivered,
      onError: ledger.onError,
    });
    for (let i = 0; i < queued; i++) client.track(input(`cut-${i}`, 'valid', i));
    expect(client.stats().queued).toBe(queued);
    const startedAt = Date.now();
    const report = await withTimeout(client.shutdown({ timeoutMs: deadlineMs }), deadlineMs + 15_000, 'shutdown to resolve');
    const elapsedMs = Date.now() - startedAt;

    const inEmulator = new Set(emu.events.map((r) => r.event.id));
    expect(ledger.settledTwice()).toEqual([]);
    expect(ledger.delivered.size + ledger.reported.size).toBe(queued);
    expect(report.delivered.length + report.rejected.length).toBe(queued);
    expect(report.rejected.length).toBeGreaterThan(0);
    expect(report.rejected.every((r) => r.reason === 'shutdown')).toBe(true);
    for (const id of ledger.delivered.keys()) expect(inEmulator.has(id)).toBe(true);
    // Only the request cut by the deadline may have landed without an answer: at most one batch.
    const landedAnyway = report.rejected.filter((r) => inEmulator.has(r.id)).length;
    expect(landedAnyway).toBeLessThanOrEqual(100);
    console.log(
      `[soak:shutdown-deadline] ${JSON.stringify({ queued, delivered: report.delivered.length, reportedShutdown: report.rejected.length, landedAnyway, deadlineMs, elapsedMs })}`,
    );
  }, 30_000);
});

describe(`soak with the file store: ${EVENTS} events through the journal to the faulty emulator`, () => {
  it('delivers every valid event exactly once, reports every poisoned or stale one, and leaves the store empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capi-soak-store-'));
    const emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: () => clock.now() + SKEW_MS, faults: FAULTS });
    try {
      const started = Date.now();
      const ledger = new Ledger();
      const tally: Record<string, number> = {};
      let kept = 0;
      const client = createClient({
        pixelId: PIXEL,
        apiKey: KEY,
        endpoint: emulator.endpoint,
        store: createFileStore({ directory: dir }),
        now: clock.now,
        sleep: scaledSleep(SLEEP_SCALE, []),
        ...SOAK_DELIVERY,
        onDelivered: ledger.onDelivered,
        // A `kept` entry is not a settlement: the event stays in the store and goes out again (a
        // batch whose every attempt timed out under load, say). Only the others go to the ledger.
        onError: (error, context) => {
          const settled = context.events.filter((r) => r.kept !== true);
          kept += context.events.length - settled.length;
          if (settled.length > 0) ledger.onError(error, { ...context, eventIds: settled.map((r) => r.id), events: settled });
        },
      });
      const kinds = new Map<string, Kind>();
      for (let start = 0; start < EVENTS; start += ROUND) {
        const round: Promise<string>[] = [];
        for (let i = start; i < Math.min(EVENTS, start + ROUND); i++) {
          const id = `fsoak-${i}`;
          kinds.set(id, kindOf(i));
          round.push(client.enqueue(input(id, kindOf(i), i)));
        }
        // Built (timestamps fixed) before the clock jumps: this round's stale events expire.
        clock.offset += CLOCK_STEP_MS;
        expect(await Promise.all(round)).toHaveLength(Math.min(ROUND, EVENTS - start));
        // As in the stream above: the fake clock runs 2 min per round, so the store must keep up.
        await waitFor(() => client.stats().queued < ROUND, 60_000, 'the store to drain below one round');
        drainRequestLog(emulator, tally);
      }
      await withTimeout(client.flush(), 120_000, 'the final flush');
      await waitFor(() => client.stats().queued === 0 && client.stats().inFlight === 0, 60_000, 'the store to empty');
      await client.shutdown({ timeoutMs: SHUTDOWN_MS });
      drainRequestLog(emulator, tally);

      const inEmulator = new Map<string, number>();
      for (const r of emulator.events) inEmulator.set(r.event.id, (inEmulator.get(r.event.id) ?? 0) + 1);
      expect(ledger.settledTwice()).toEqual([]);
      const wrong: string[] = [];
      for (const [id, kind] of kinds) {
        const reports = ledger.reported.get(id);
        const ok = kind === 'valid'
          ? inEmulator.get(id) === 1 && ledger.delivered.get(id) === 1 && reports === undefined
          : kind === 'poison'
            ? !inEmulator.has(id) && reports?.[0]?.reason === 'api' && reports[0].status === 422 && reports[0].codes.includes('too_old')
            : !inEmulator.has(id) && reports?.[0]?.reason === 'stale';
        if (!ok) wrong.push(`${id} (${kind}: emulator ${inEmulator.get(id) ?? 0}, delivered ${ledger.delivered.get(id) ?? 0}, reported ${JSON.stringify(reports?.map((r) => [r.reason, r.status, r.codes.join('+')]) ?? [])})`);
      }
      expect(wrong.slice(0, 20)).toEqual([]);
      expect(ledger.delivered.size + ledger.reported.size).toBe(kinds.size);
      expect(tally['status5xx']).toBeGreaterThan(0);
      // Settled events are compacted away: the journal is empty, the lock released.
      expect(statSync(join(dir, 'journal.ndjson')).size).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['journal.ndjson', 'ledger']);
      // The delivery ledger lists every delivered event once, and nothing else.
      const recorded = (await readLedger(dir)).entries.map((e) => e.id).sort();
      expect(recorded).toEqual([...ledger.delivered.keys()].sort());
      console.log(`[soak:file-store] ${JSON.stringify({ events: EVENTS, delivered: ledger.delivered.size, reported: ledger.reported.size, keptThenRetried: kept, duplicatesAbsorbed: emulator.duplicates.length, durationMs: Date.now() - started })}`);
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000 + EVENTS * 4);
});
