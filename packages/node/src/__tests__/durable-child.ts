/**
 * Child process of `durable-kill.test.ts`: a server holding events in a durable store.
 * - `CAPI_MODE=produce`: enqueues CAPI_EVENTS events (ids `<CAPI_PREFIX><n>`), prints `ready` once
 *   every one is in the store, and keeps delivering (flushAt 1000) until it is killed.
 * - `CAPI_MODE=consume`: opens the same store, replays and delivers what it holds (and, with Redis,
 *   claims the batches of dead consumers); prints `consuming`; `shutdownOnSignals()` ends it.
 * The store is `CAPI_STORE=file` (CAPI_STORE_DIR) or `redis` (CAPI_REDIS_URL, CAPI_REDIS_KEY).
 * Run by `node --import tsx --import ./resolve-core-from-src.mjs`. Not shipped.
 */
import { createServer } from 'node:http';
import { createClient as createRedisClient } from 'redis';
import { createClient, createFileStore, type EventStore } from '../index.js';
import { createRedisStore } from '../redis.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`set ${name}`);
  return value;
};
const mode = env('CAPI_MODE');

async function openStore(): Promise<EventStore> {
  if (env('CAPI_STORE') === 'file') return createFileStore({ directory: env('CAPI_STORE_DIR') });
  const redis = createRedisClient({ url: env('CAPI_REDIS_URL') });
  redis.on('error', (error: Error) => console.error(`redis: ${error.message}`));
  await redis.connect();
  return createRedisStore({ client: redis, key: env('CAPI_REDIS_KEY'), claimTimeoutMs: Number(process.env['CAPI_CLAIM_MS'] ?? 1000) });
}

const capi = createClient({
  pixelId: env('CAPI_PIXEL_ID'),
  apiKey: env('CAPI_API_KEY'),
  endpoint: env('CAPI_ENDPOINT'),
  integrationSource: process.env['CAPI_SOURCE'] ?? 'durable-child',
  store: await openStore(),
  flushAt: 1000,
  flushIntervalMs: 100,
  timeoutMs: 30_000,
  onError: (error, context) => console.error(`onError ${context.reason} ${context.eventIds.length}: ${error.message}`),
});

// Stands for the application's HTTP server: it keeps the process alive.
const server = createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1');

if (mode === 'produce') {
  const count = Number(env('CAPI_EVENTS'));
  const prefix = env('CAPI_PREFIX');
  for (let start = 0; start < count; start += 500) {
    const chunk = Array.from({ length: Math.min(500, count - start) }, (_, i) => start + i);
    await Promise.all(chunk.map((i) => capi.enqueue({ type: 'lead_created', id: `${prefix}${i}`, sourceUrl: 'https://shop.example/contact' })));
  }
  console.log('ready');
} else {
  // The default exit: process.exit(128 + signal number) once the client is shut down.
  capi.shutdownOnSignals();
  console.log('consuming');
}
