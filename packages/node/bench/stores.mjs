/**
 * Throughput of the Node client with each store: `track` N events (yielding every 1000, as a
 * server would) → batches → HTTP to a loopback server in a worker thread, until `shutdown()` has
 * delivered them all; with no store (the in-memory queue), the file store in both durability modes
 * (a journal in a temp directory on the real file system) and the Redis store (a real redis-server
 * started for the run). Then `await enqueue()` one event at a time, where each call waits for its
 * write: what one fsync per write (`always`) costs against one per interval (`batched`).
 *
 * Imports the built package (`dist/`). Run alone: `npx tsx packages/node/bench/stores.mjs`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createClient as createRedisClient } from 'redis';
import { createClient, createFileStore } from '../dist/index.js';
import { createRedisStore } from '../dist/redis.js';
import { startRedisServer } from '../src/__tests__/redis-server.ts';

const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); }); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'close') server.close(() => process.exit(0)); });
`;

function startServer() {
  const worker = new Worker(SERVER, { eval: true });
  return new Promise((resolve) => worker.once('message', resolve)).then(({ port }) => ({
    url: `http://127.0.0.1:${port}/v1/events`,
    close: () => worker.postMessage('close'),
  }));
}

const input = (run, i) => ({
  type: 'order_created',
  id: `${run}-${i}`,
  sourceUrl: 'https://shop.example/checkout/confirmation',
  oppref: 'oppref_abc',
  data: { value: '25.99', currency: 'USD', contents: [{ id: 'sku_123', quantity: 1 }] },
});

let runs = 0;
async function trackRun(url, n, store) {
  const run = `r${++runs}`;
  const client = createClient({ pixelId: 'px', apiKey: 'key', endpoint: url, flushAt: 1000, maxQueueSize: Math.max(n, 1000), logLevel: 'error', store: store?.() });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    client.track(input(run, i));
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await client.flush();
  while (client.stats().delivered < n && client.stats().rejected === 0) await client.flush();
  const seconds = (performance.now() - start) / 1000;
  const stats = client.stats();
  await client.shutdown({ timeoutMs: 60_000 });
  if (stats.delivered !== n) throw new Error(`${run}: delivered ${stats.delivered}/${n} (${stats.rejected} rejected, ${stats.dropped} dropped)`);
  return n / seconds;
}

async function enqueueRun(url, n, store) {
  const run = `e${++runs}`;
  const client = createClient({ pixelId: 'px', apiKey: 'key', endpoint: url, flushAt: 1000, logLevel: 'error', store: store?.() });
  const start = performance.now();
  for (let i = 0; i < n; i++) await client.enqueue(input(run, i));
  const seconds = (performance.now() - start) / 1000;
  await client.shutdown({ timeoutMs: 60_000 });
  return n / seconds;
}

/**
 * Runs the store benchmark.
 * @param {{ events?: number, enqueueEvents?: number, rounds?: number }} [options]
 * @returns {Promise<Array<{ name: string, value: number, unit: string, note?: string }>>}
 */
export async function benchNodeStores(options = {}) {
  const n = options.events ?? 20_000;
  const m = options.enqueueEvents ?? 2000;
  const rounds = options.rounds ?? 3;
  const server = await startServer();
  const redisServer = await startRedisServer();
  const redis = createRedisClient({ url: redisServer.url });
  await redis.connect();
  const dirs = [];
  const fileStore = (durability) => () => {
    const directory = mkdtempSync(join(tmpdir(), 'capi-bench-store-'));
    dirs.push(directory);
    return createFileStore({ directory, durability });
  };
  let keys = 0;
  const redisStore = () => createRedisStore({ client: redis, key: `bench:${++keys}` });
  const variants = [
    ['no store (in-memory queue)', undefined],
    ['file store, durability batched', fileStore('batched')],
    ['file store, durability always', fileStore('always')],
    ['Redis store', redisStore],
  ];
  try {
    for (const [, store] of variants) await trackRun(server.url, 2000, store); // warm-up
    const rows = [];
    for (const [label, store] of variants) {
      let best = 0;
      for (let r = 0; r < rounds; r++) best = Math.max(best, await trackRun(server.url, n, store));
      rows.push({ name: `node: SDK track → HTTP, ${label}`, value: Math.round(best), unit: 'events/s', note: `${(1e6 / best).toFixed(2)} µs/event, ${n} events` });
    }
    for (const [label, store] of variants) {
      const best = await enqueueRun(server.url, m, store);
      rows.push({ name: `node: await enqueue() one at a time, ${label}`, value: Math.round(best), unit: 'events/s', note: `${(1e6 / best).toFixed(1)} µs per awaited write` });
    }
    return rows;
  } finally {
    server.close();
    await redis.quit();
    await redisServer.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1]?.endsWith('stores.mjs');
if (isMain) {
  benchNodeStores().then((rows) => {
    for (const row of rows) console.log(`${row.name.padEnd(64)} ${String(row.value).padStart(10)} ${row.unit}  ${row.note ?? ''}`);
  });
}
