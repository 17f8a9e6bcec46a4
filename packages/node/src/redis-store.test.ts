/** The Redis store against a real redis-server started by the test (no mock). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient as createRedisClient } from 'redis';
import { buildEvent } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createClient } from './client.js';
import { createRedisStore } from './redis.js';
import { startRedisServer, type RedisServer } from './__tests__/redis-server.js';

type Redis = ReturnType<typeof createRedisClient>;
let server: RedisServer;
let redis: Redis;
let key = '';
let n = 0;
const event = (id: string) => buildEvent({ type: 'lead_created', id, sourceUrl: 'https://shop.example/' });

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedisClient({ url: server.url });
  await redis.connect();
}, 30_000);
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});
beforeEach(() => {
  key = `test:${++n}`;
});

describe('createRedisStore', () => {
  it('appends, hands each event to one consumer, and forgets settled ones', async () => {
    const a = createRedisStore({ client: redis, key, consumer: 'a' });
    const b = createRedisStore({ client: redis, key, consumer: 'b' });
    await a.open();
    await b.open(); // the group exists already: fine
    expect(await a.append([event('r1'), event('r2'), event('r3')])).toBe(3);
    const first = await a.load(2);
    const second = await b.load(10);
    expect(first.map((s) => s.event.id)).toEqual(['r1', 'r2']);
    expect(second.map((s) => s.event.id)).toEqual(['r3']);
    expect(await b.load(10)).toEqual([]);
    await a.markDelivered(first.map((s) => s.ref));
    await b.markRejected(second.map((s) => s.ref));
    expect(await redis.xLen(key)).toBe(0);
    const pending = await redis.xPending(key, 'openai-capi');
    expect(pending.pending).toBe(0);
  });

  it('lets another consumer claim a batch left unsettled past claimTimeoutMs (a crashed process)', async () => {
    // Redis measures how long an entry has been idle; the test sets that idle time (XCLAIM … IDLE, the
    // crashed owner kept) instead of sleeping through it. With a real 1 s timeout and a real sleep, a
    // stall of the test process over 1 s between the two loads let the survivor claim too early.
    const claimTimeoutMs = 60_000;
    const crashed = createRedisStore({ client: redis, key, consumer: 'crashed', claimTimeoutMs });
    const survivor = createRedisStore({ client: redis, key, consumer: 'survivor', claimTimeoutMs });
    const idleFor = (refs: string[], ms: number) =>
      redis.sendCommand(['XCLAIM', key, 'openai-capi', 'crashed', '0', ...refs, 'IDLE', String(ms), 'JUSTID']);
    await crashed.open();
    await crashed.append([event('c1'), event('c2')]);
    const held = await crashed.load(10);
    expect(held.map((s) => s.event.id)).toEqual(['c1', 'c2']);
    const refs = held.map((s) => s.ref);
    expect(await survivor.load(10)).toEqual([]); // owned, idle for far less than claimTimeoutMs
    await idleFor(refs, claimTimeoutMs - 5_000);
    expect(await survivor.load(10)).toEqual([]); // still under claimTimeoutMs
    await idleFor(refs, claimTimeoutMs);
    const claimed = await survivor.load(10);
    expect(claimed.map((s) => s.event.id)).toEqual(['c1', 'c2']);
    await survivor.markDelivered(claimed.map((s) => s.ref));
    expect(await redis.xLen(key)).toBe(0);
  });

  it('refuses appends past maxEvents', async () => {
    const s = createRedisStore({ client: redis, key, maxEvents: 2 });
    await s.open();
    expect(await s.append([event('m1'), event('m2'), event('m3')])).toBe(2);
  });

  it('acknowledges and skips an entry without a readable event', async () => {
    const s = createRedisStore({ client: redis, key, consumer: 'x' });
    await s.open();
    await redis.xAdd(key, '*', { e: '{not json' });
    await s.append([event('ok')]);
    expect((await s.load(10)).map((x) => x.event.id)).toEqual(['ok']);
    expect(await redis.xLen(key)).toBe(1);
    expect(s.problems?.()).toEqual([{ code: 'corrupt_entry', message: expect.stringContaining('1 stream entries without a readable event') }]);
    expect(s.problems?.()).toEqual([]);
  });

  it('says which command failed when Redis is unreachable', async () => {
    const down = createRedisClient({ url: 'redis://127.0.0.1:1', socket: { reconnectStrategy: false } });
    down.on('error', () => {});
    const s = createRedisStore({ client: down as unknown as Redis, key });
    await expect(s.open()).rejects.toThrow(/Redis XGROUP on test:\d+ failed/);
    expect(() => createRedisStore({ client: {} as never })).toThrow(/connected node-redis client/);
  });

  it('drives a client end to end: every event delivered once, the stream empty after', async () => {
    const emulator: Emulator = await startEmulator({ apiKey: 'sk_r', pixelIds: ['px_r'] });
    try {
      const c = createClient({ pixelId: 'px_r', apiKey: 'sk_r', endpoint: emulator.endpoint, store: createRedisStore({ client: redis, key }), flushIntervalMs: 3_600_000 });
      await Promise.all(Array.from({ length: 300 }, (_, i) => c.enqueue({ type: 'lead_created', id: `e2e-${i}`, sourceUrl: 'https://shop.example/' })));
      // Background flushes (flushAt 20) delivered most of them already; this one takes the rest.
      await c.flush();
      expect(c.stats()).toMatchObject({ delivered: 300, rejected: 0, dropped: 0 });
      expect(new Set(emulator.events.map((e) => e.event.id)).size).toBe(300);
      expect(await redis.xLen(key)).toBe(0);
      await c.shutdown();
    } finally {
      await emulator.close();
    }
  });
});

describe('createRedisStore with a client whose delivery fails for a while', () => {
  it('keeps the events (kept) and delivers them on the next flush, without waiting for claimTimeoutMs', async () => {
    const emulator: Emulator = await startEmulator({ apiKey: 'sk_r', pixelIds: ['px_r'], faults: { status5xxRate: 1 } });
    try {
      const c = createClient({ pixelId: 'px_r', apiKey: 'sk_r', endpoint: emulator.endpoint, maxRetries: 0, store: createRedisStore({ client: redis, key }), flushIntervalMs: 3_600_000 });
      await c.enqueue({ type: 'lead_created', id: 'retry-1', sourceUrl: 'https://shop.example/' });
      const failed = await c.flush();
      expect(failed.rejected).toEqual([expect.objectContaining({ id: 'retry-1', reason: 'api', status: 503, kept: true })]);
      expect(await redis.xLen(key)).toBe(1);
      emulator.setFaults({});
      expect((await c.flush()).delivered).toEqual(['retry-1']);
      expect(await redis.xLen(key)).toBe(0);
      await c.shutdown();
    } finally {
      await emulator.close();
    }
  });
});
