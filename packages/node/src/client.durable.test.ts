/** shutdownOnSignals, the store option's checks, a full store and a failing one (real emulator, real files). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CapiValidationError, type WireEvent } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createClient } from './client.js';
import { createFileStore } from './file-store.js';
import type { ErrorContext } from './report.js';
import type { EventStore } from './store.js';
import { waitFor } from './__tests__/soak-helpers.js';

const PIXEL = 'px_durable_unit';
const KEY = 'sk_durable_unit';
let emulator: Emulator;
let dir: string;
beforeEach(async () => {
  emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
  dir = mkdtempSync(join(tmpdir(), 'capi-durable-unit-'));
});
afterEach(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});
const base = () => ({ pixelId: PIXEL, apiKey: KEY, endpoint: emulator.endpoint, flushIntervalMs: 3_600_000, logLevel: 'off' as const });
const lead = (id: string) => ({ type: 'lead_created' as const, id, sourceUrl: 'https://shop.example/' });

describe('shutdownOnSignals', () => {
  it('on the signal: shuts down (delivering the queue), then calls exit with the signal', async () => {
    const c = createClient(base());
    c.track(lead('sig-1'));
    c.track(lead('sig-2'));
    const exited: string[] = [];
    const before = process.listenerCount('SIGUSR2');
    c.shutdownOnSignals({ signals: ['SIGUSR2'], exit: (signal) => exited.push(signal) });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    process.kill(process.pid, 'SIGUSR2');
    await waitFor(() => exited.length > 0, 10_000, 'exit to be called');
    expect(exited).toEqual(['SIGUSR2']);
    expect(c.stats()).toMatchObject({ closed: true, delivered: 2 });
    expect(emulator.events.map((e) => e.event.id).sort()).toEqual(['sig-1', 'sig-2']);
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('returns a function that removes its handlers', async () => {
    const c = createClient(base());
    const term = process.listenerCount('SIGTERM');
    const int = process.listenerCount('SIGINT');
    const remove = c.shutdownOnSignals({ exit: () => {} });
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual([term + 1, int + 1]);
    remove();
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual([term, int]);
    await c.shutdown();
  });
});

describe('the store option', () => {
  it('refuses something that is not an EventStore, naming the option', () => {
    expect(() => createClient({ ...base(), store: {} as EventStore })).toThrow(CapiValidationError);
    let caught: unknown;
    try {
      createClient({ ...base(), store: { open() {} } as unknown as EventStore });
    } catch (error) {
      caught = error;
    }
    expect(CapiValidationError.isInstance(caught)).toBe(true);
    expect((caught as CapiValidationError).issues).toEqual([expect.objectContaining({ path: 'store', code: 'invalid_store' })]);
  });

  it('a full store: enqueue waits for deliveries to make room; track drops with store_full, with the event', async () => {
    const errors: ErrorContext[] = [];
    const warnings: string[] = [];
    const quiet = () => undefined;
    const c = createClient({
      ...base(),
      logLevel: 'warn',
      logger: { error: quiet, info: quiet, debug: quiet, warn: (message) => warnings.push(message) },
      maxRetries: 0,
      maxQueueSize: 2,
      flushAt: 2,
      store: createFileStore({ directory: dir, maxEvents: 3 }),
      onError: (_e, ctx) => errors.push(ctx),
    });
    emulator.setFaults({ latencyMs: 50 });
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => c.enqueue(lead(`room-${i}`))));
    expect(ids).toHaveLength(10);
    await c.flush();
    await waitFor(() => c.stats().delivered === 10, 10_000, 'the 10 enqueued events to be delivered');
    expect(errors).toEqual([]);

    // The API fails: three events fill the store (kept there), two more fill the queue, the next is dropped.
    emulator.setFaults({ status5xxRate: 1 });
    await Promise.all(['s1', 's2', 's3'].map((id) => c.enqueue(lead(id))));
    const fullBefore = warnings.filter((w) => /is full/.test(w)).length;
    c.track(lead('q1'));
    c.track(lead('q2'));
    await waitFor(() => warnings.filter((w) => /is full/.test(w)).length > fullBefore, 10_000, 'the writer to meet the store cap');
    c.track(lead('dropped'));
    const drop = errors.find((e) => e.reason === 'store_full');
    expect(drop?.eventIds).toEqual(['dropped']);
    expect(drop?.events[0]?.event).toMatchObject({ id: 'dropped', type: 'lead_created' });
    expect(errors.filter((e) => e.reason === 'api').every((e) => e.events.every((r) => r.kept === true))).toBe(true);

    emulator.setFaults({});
    await waitFor(() => c.stats().queued === 0, 10_000, 'the store to empty');
    await c.flush();
    await c.shutdown({ timeoutMs: 5000 });
    const got = new Set(emulator.events.map((e) => e.event.id));
    for (const id of ['s1', 's2', 's3', 'q1', 'q2']) expect(got.has(id), id).toBe(true);
    expect(got.has('dropped')).toBe(false);
  }, 30_000);

  it('a store that cannot open at first (Redis still starting…): opened again, nothing lost', async () => {
    const inner = createFileStore({ directory: dir });
    let failures = 2;
    const late: EventStore = {
      description: 'late store',
      maxEvents: inner.maxEvents,
      open: () => (failures-- > 0 ? Promise.reject(new Error('ECONNREFUSED')) : inner.open()),
      append: (events) => inner.append(events),
      load: (max) => inner.load(max),
      markDelivered: (refs) => inner.markDelivered(refs),
      markRejected: (refs) => inner.markRejected(refs),
      release: (refs) => inner.release(refs),
      close: () => inner.close(),
    };
    const lines: string[] = [];
    const logger = { error: (m: string) => lines.push(m), warn: () => {}, info: () => {}, debug: () => {} };
    const c = createClient({ ...base(), logLevel: 'error', logger, store: late });
    expect(await c.enqueue(lead('late-1'))).toBe('late-1');
    expect(lines.some((l) => /late store could not be opened \(Error\)/.test(l))).toBe(true);
    expect((await c.flush()).delivered).toEqual(['late-1']);
    await c.shutdown();
  }, 10_000);

  it('a store whose append fails: logged, retried, and the events delivered once it recovers', async () => {
    const inner = createFileStore({ directory: dir });
    let failures = 1;
    const flaky: EventStore = {
      ...inner,
      description: 'flaky store',
      maxEvents: inner.maxEvents,
      open: () => inner.open(),
      append: (events: readonly WireEvent[]) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : inner.append(events)),
      load: (max) => inner.load(max),
      markDelivered: (refs) => inner.markDelivered(refs),
      markRejected: (refs) => inner.markRejected(refs),
      release: (refs) => inner.release(refs),
      size: () => inner.size?.() ?? 0,
      close: () => inner.close(),
    };
    const lines: string[] = [];
    const logger = { error: (m: string) => lines.push(m), warn: () => {}, info: () => {}, debug: () => {} };
    const c = createClient({ ...base(), logLevel: 'error', logger, store: flaky });
    const id = await c.enqueue(lead('flaky-1'));
    expect(id).toBe('flaky-1');
    expect(lines.some((l) => /flaky store: append failed \(Error\); retrying/.test(l))).toBe(true);
    expect((await c.flush()).delivered).toEqual(['flaky-1']);
    await c.shutdown();
  }, 10_000);
});
