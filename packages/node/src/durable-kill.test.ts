/**
 * Done-when tests of durability: a child holding 10 000 events in a store is killed with SIGKILL
 * while it delivers them to a slow API (the emulator, 300 ms per answer); a new process on the same
 * store must deliver every one: 0 missing, duplicates only as absorbed repeats of the same ids. With
 * the file store on the real file system, and with Redis (a real redis-server, started here),
 * where a second process shares the queue and claims the killed one's batch. The consumers end on
 * SIGTERM through `shutdownOnSignals()`, whose default exit status is 143 (128 + 15).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient as createRedisClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { startRedisServer, type RedisServer } from './__tests__/redis-server.js';
import { waitFor, withTimeout } from './__tests__/soak-helpers.js';
import { recover } from './journal.js';

const CHILD = fileURLToPath(new URL('./__tests__/durable-child.ts', import.meta.url));
const CORE_FROM_SRC = fileURLToPath(new URL('./__tests__/resolve-core-from-src.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = 10_000;
const PIXEL = 'px_durable';
const KEY = 'sk_durable_secret';

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: Child[] = [];
function start(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', CORE_FROM_SRC, CHILD], {
    cwd: ROOT,
    env: { ...process.env, CAPI_PIXEL_ID: PIXEL, CAPI_API_KEY: KEY, CAPI_EVENTS: String(EVENTS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const c = { process: child, stdout: () => out, stderr: () => err, exited };
  children.push(c);
  return c;
}
const alive = (c: Child) => c.process.exitCode === null && c.process.signalCode === null;
async function waitPrinted(c: Child, text: string): Promise<void> {
  await waitFor(() => c.stdout().includes(text) || !alive(c), 60_000, `the child to print ${text}`);
  expect(c.stdout(), c.stderr()).toContain(text);
}
async function kill9(c: Child): Promise<void> {
  c.process.kill('SIGKILL');
  expect(await withTimeout(c.exited, 10_000, 'the child to die')).toEqual({ code: null, signal: 'SIGKILL' });
}

/** Every id `<prefix>0…` present once in the emulator; duplicates only of those ids. */
function expectAllDelivered(emulator: Emulator, prefix: string): void {
  const expected = new Set(Array.from({ length: EVENTS }, (_, i) => `${prefix}${i}`));
  const got = emulator.events.map((e) => e.event.id);
  const missing = [...expected].filter((id) => !got.includes(id));
  expect(missing.length, `missing: ${missing.slice(0, 5).join(', ')}`).toBe(0);
  expect(got.length).toBe(EVENTS);
  expect(emulator.duplicates.every((d) => expected.has(d.event.id))).toBe(true);
  // The batch in flight at the kill had landed (the emulator answers late): it was sent again by
  // the process that took over, and the API's first-wins dedupe absorbed the copies.
  expect(emulator.duplicates.length).toBeGreaterThan(0);
}

/**
 * Polls until `empty()` says the store holds nothing unsettled: every event, the killed child's
 * in-flight batch included, was delivered (or settled) by the process that took over.
 */
async function waitEmpty(empty: () => Promise<boolean>, what: string): Promise<void> {
  const giveUpAt = Date.now() + 60_000;
  while (!(await empty())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out after 60 s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const journalEmpty = (dir: string) => async () => recover(readFileSync(join(dir, 'journal.ndjson'), 'utf8')).live.size === 0;

let emulator: Emulator | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (alive(c)) {
      c.process.kill('SIGKILL');
      await withTimeout(c.exited, 10_000, 'a child to die');
    }
  }
  await emulator?.close();
  emulator = undefined;
});

async function slowEmulator(): Promise<Emulator> {
  emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], faults: { latencyMs: 300 }, maxRecordedRequests: 100_000 });
  return emulator;
}
const from = (emu: Emulator, source: string) => emu.requests.filter((r) => r.integrationSource === source).length;
/**
 * Waits until `source` sends a new request, then SIGKILLs it: the emulator recorded that request
 * (and its events) at once and answers only 300 ms later, so the child dies mid-batch.
 */
async function killMidBatch(emu: Emulator, child: Child, source: string): Promise<void> {
  const seen = from(emu, source);
  await waitFor(() => from(emu, source) > seen, 30_000, `${source} to send a batch`);
  await kill9(child);
}

describe('SIGKILL with the file store', () => {
  it('a new process on the same directory delivers all 10 000 events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capi-durable-'));
    try {
      const emu = await slowEmulator();
      const env = { CAPI_ENDPOINT: emu.endpoint, CAPI_STORE: 'file', CAPI_STORE_DIR: dir };
      const producer = start({ ...env, CAPI_MODE: 'produce', CAPI_PREFIX: 'file-', CAPI_SOURCE: 'producer' });
      await waitPrinted(producer, 'ready');
      await killMidBatch(emu, producer, 'producer');
      const before = new Set(emu.events.map((e) => e.event.id)).size;
      expect(before).toBeLessThan(EVENTS); // the kill happened while it held events
      const consumer = start({ ...env, CAPI_MODE: 'consume', CAPI_SOURCE: 'consumer' });
      await waitPrinted(consumer, 'consuming');
      await waitEmpty(journalEmpty(dir), 'the journal to hold nothing undelivered');
      consumer.process.kill('SIGTERM');
      expect(await withTimeout(consumer.exited, 20_000, 'the consumer to exit')).toEqual({ code: 143, signal: null });
      expectAllDelivered(emu, 'file-');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('SIGKILL with the Redis store (real redis-server)', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createRedisClient>;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = createRedisClient({ url: redis.url });
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });
  // Entries are deleted once settled (XACK + XDEL): an empty stream has nothing pending either.
  const streamEmpty = (key: string) => async () => (await client.xLen(key)) === 0;

  it('a new process on the same stream delivers all 10 000 events', async () => {
    const emu = await slowEmulator();
    const env = { CAPI_ENDPOINT: emu.endpoint, CAPI_STORE: 'redis', CAPI_REDIS_URL: redis.url, CAPI_REDIS_KEY: 'kill:one' };
    const producer = start({ ...env, CAPI_MODE: 'produce', CAPI_PREFIX: 'redis-', CAPI_SOURCE: 'producer' });
    await waitPrinted(producer, 'ready');
    await killMidBatch(emu, producer, 'producer');
    expect(new Set(emu.events.map((e) => e.event.id)).size).toBeLessThan(EVENTS);
    const consumer = start({ ...env, CAPI_MODE: 'consume', CAPI_SOURCE: 'consumer' });
    await waitPrinted(consumer, 'consuming');
    await waitEmpty(streamEmpty('kill:one'), 'the stream to empty');
    consumer.process.kill('SIGTERM');
    expect(await withTimeout(consumer.exited, 20_000, 'the consumer to exit')).toEqual({ code: 143, signal: null });
    expectAllDelivered(emu, 'redis-');
  }, 120_000);

  it('two processes share one queue; one killed mid-batch: the other claims its batch, 0 missing', async () => {
    const emu = await slowEmulator();
    const env = { CAPI_ENDPOINT: emu.endpoint, CAPI_STORE: 'redis', CAPI_REDIS_URL: redis.url, CAPI_REDIS_KEY: 'kill:two' };
    const survivor = start({ ...env, CAPI_MODE: 'consume', CAPI_SOURCE: 'survivor' });
    await waitPrinted(survivor, 'consuming');
    const victim = start({ ...env, CAPI_MODE: 'produce', CAPI_PREFIX: 'two-', CAPI_SOURCE: 'victim' });
    await waitPrinted(victim, 'ready');
    // Both deliver from the same stream; the victim dies while its own batch waits for an answer.
    await killMidBatch(emu, victim, 'victim');
    await waitEmpty(streamEmpty('kill:two'), 'the stream to empty');
    expect(from(emu, 'survivor')).toBeGreaterThan(0);
    survivor.process.kill('SIGTERM');
    expect(await withTimeout(survivor.exited, 20_000, 'the survivor to exit')).toEqual({ code: 143, signal: null });
    expectAllDelivered(emu, 'two-');
  }, 120_000);
});
