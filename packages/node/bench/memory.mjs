/**
 * Heap bytes per queued event of one SDK, measured in a fresh process (run by throughput.mjs as
 * `node --expose-gc memory.mjs <ours|posthog|segment> <plain|user> <n>`; prints one JSON line).
 *
 * The client is created first, the heap (plus ArrayBuffer contents) measured after a forced GC, `n` events queued, the heap
 * measured again after a forced GC: (after − before) / n. No event can leave: the flush threshold is
 * above `n` (ours: `track` is synchronous and no flush runs before the loop yields) and the HTTP
 * function never answers. posthog-node's `capture` hands the event on through promises, so the
 * loop yields a few times before its second measurement (the events then sit in its queue).
 * Segment's `track` is measured right after the loop, while every event is accepted and held in its
 * pipeline: it cuts a batch at 480 KB and sends it, so once the loop yields its events leave the
 * queue whatever `flushAt` says (with an API that never answers it then holds only a few batches).
 */
import { CLIENTS, ENQUEUE } from './senders.mjs';

const [sdk, variant, count] = process.argv.slice(2);
const n = Number(count);
if (!(sdk in CLIENTS) || !['plain', 'user'].includes(variant) || !(n > 0)) {
  throw new Error('usage: memory.mjs <ours|posthog|segment> <plain|user> <n>');
}
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const never = () => new Promise(() => {});
const origin = 'http://127.0.0.1:9';
const client = {
  ours: () => CLIENTS.ours(origin, n, 1000, { fetch: never, flushIntervalMs: 3_600_000 }),
  posthog: () => CLIENTS.posthog(origin, n, n + 1, { fetch: never, flushInterval: 0 }),
  segment: () => CLIENTS.segment(origin, n, n + 1, { httpClient: { makeRequest: never }, flushInterval: 3_600_000 }),
}[sdk]();

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
};
// The JS heap plus ArrayBuffer contents, which V8 keeps outside it (ours packs queued digests into
// a Uint8Array: counting the heap alone would leave them out).
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

await settle();
const before = heap();
for (let i = 0; i < n; i++) ENQUEUE[sdk](client, i, variant === 'user');
if (sdk === 'posthog') await settle();
const after = heap();
if (sdk === 'ours' && client.stats().queued !== n) throw new Error(`ours: ${client.stats().queued}/${n} queued`);
console.log(JSON.stringify({ sdk, variant, n, bytesPerEvent: Math.round((after - before) / n) }));
process.exit(0);
