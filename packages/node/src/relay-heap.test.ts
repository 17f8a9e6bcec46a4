/**
 * The relay's memory stays flat under a long mixed stream: every map it keeps (rate-limit buckets,
 * queue shares, once-per-origin reports) is bounded, and answers hold nothing back. Heap growth is
 * measured after a forced GC, with a generous bound (this is a leak check, not a benchmark).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { createRelayHandler } from './relay.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const URL_ = 'https://shop.example/api/openai-capi';
const body = (i: number) =>
  JSON.stringify({ v: 2, consent: 'granted', events: [{ id: `e${i}`, type: 'page_viewed', timestamp: Date.now(), sourceUrl: 'https://shop.example/', data: { type: 'contents' } }] });

/** Request `i` of the stream: mostly the shop's own pages, a share from other sites, some junk. */
function request(i: number): [Request, { remoteAddress: string }] {
  const kind = i % 10;
  const headers: Record<string, string> =
    kind < 7 ? { 'sec-fetch-site': 'same-origin', referer: `https://shop.example/?oppref=c${i}` }
    : kind < 9 ? { 'sec-fetch-site': 'cross-site', origin: `https://evil${i}.example` }
    : { 'sec-fetch-site': 'same-origin' };
  const text = kind === 9 ? `{"v":2,"events":[{"id":"${'x'.repeat(300)}","bad":${i}}]}` : body(i);
  const ip = i % 2 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8:${(i % 65536).toString(16)}::${(i % 9973).toString(16)}`;
  return [new Request(URL_, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: text }), { remoteAddress: ip }];
}

describe('relay heap over 40 000 requests', () => {
  it('stays flat after warm-up (growth under 6 MB between request 10 000 and 40 000)', async () => {
    const client = createClient({ pixelId: 'px', apiKey: 'key', logLevel: 'off', flushAt: 50, fetch: async () => new Response('{}', { status: 200 }) });
    const handler = createRelayHandler(client, { onError: () => undefined, rateLimit: { limit: 1_000_000 } });
    const statuses = new Map<number, number>();
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const response = await handler(...request(i));
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.arrayBuffer();
      }
      await client.flush();
    };
    await run(0, 10_000);
    gc();
    const warm = process.memoryUsage().heapUsed;
    await run(10_000, 40_000);
    gc();
    const grown = process.memoryUsage().heapUsed - warm;
    console.info(`relay heap: ${(warm / 1048576).toFixed(1)} MiB after 10 000 requests, ${(grown / 1048576).toFixed(2)} MiB more after 40 000`);
    expect(statuses.get(200)).toBeGreaterThan(20_000);
    expect(statuses.get(403)).toBeGreaterThan(5_000);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(grown).toBeLessThan(6 * 1048576);
    await client.shutdown();
  }, 120_000);
});
