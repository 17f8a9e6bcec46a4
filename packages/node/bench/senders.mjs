/**
 * The senders the Node benchmark compares, each driven the way a server would drive it: one
 * long-lived client per SDK (created by the first run, kept for the process, as a server keeps its
 * client), one call per event, yielding to the event loop every 1000 events, then `flush()`. Every
 * sender's events carry the same order (25.99 USD, one item `sku_123`, the page URL); the "user"
 * variants also carry the same five identifiers (e-mail, phone, external id, first and last name),
 * IP and user agent. Ours hashes the five identifiers (SHA-256, as the Conversions API requires);
 * posthog-node and Segment send them as they are (they hash nothing).
 *
 * - `raw`: the hand-written integration: pre-built wire events (built before the clock starts),
 *   1000 per request, `fetch` + `JSON.stringify`.
 * - `track`: `createClient(...).track(input)` per event (builds, validates, hashes, queues), 1000
 *   per request.
 * - `send`: `client.send(prebuiltEvents)` (validation at send time + transport).
 * - `posthog`: posthog-node `capture`, 1000 per batch (its default gzip on).
 * - `segment`: @segment/analytics-node `track`, `flushAt: 1000` (it also caps a batch at 480 KB).
 */
import { buildEvent } from '@x/openai-capi-core';
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { createClient } from '../dist/index.js';

export const SOURCE_URL = 'https://shop.example/checkout/confirmation';
const OBREF = '123e4567-e89b-42d3-a456-426614174000';
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15';

/** Hashing off: an explicit id and no user data, so no SHA-256 runs. */
export function plainInput(i) {
  return {
    type: 'order_created',
    id: `order-${i}`,
    sourceUrl: SOURCE_URL,
    oppref: 'oppref_abc',
    data: { value: '25.99', currency: 'USD', contents: [{ id: 'sku_123', quantity: 1 }] },
  };
}

/** Hashing on: five raw identifiers normalized and hashed, plus obref, IP and user agent. */
export function hashedInput(i) {
  return {
    type: 'order_created',
    id: `order-${i}`,
    sourceUrl: SOURCE_URL,
    oppref: 'oppref_abc',
    user: {
      email: `user${i}@example.com`,
      phone: `+1 (415) 555-${String(1000 + (i % 9000))}`,
      externalId: `customer_${i}`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      obref: OBREF,
      ipAddress: '203.0.113.1',
      userAgent: UA,
    },
    data: { value: '25.99', currency: 'USD', contents: [{ id: 'sku_123', quantity: 1 }] },
  };
}

function posthogMessage(i) {
  return {
    distinctId: `customer_${i}`,
    event: 'order_created',
    properties: {
      $current_url: SOURCE_URL,
      $ip: '203.0.113.1',
      $useragent: UA,
      oppref: 'oppref_abc',
      value: 25.99,
      currency: 'USD',
      contents: [{ id: 'sku_123', quantity: 1 }],
      $set: { email: `user${i}@example.com`, phone: `+1 (415) 555-${String(1000 + (i % 9000))}`, first_name: 'Ada', last_name: 'Lovelace' },
    },
  };
}

function segmentMessage(i) {
  return {
    userId: `customer_${i}`,
    event: 'Order Completed',
    properties: { order_id: `order-${i}`, value: 25.99, currency: 'USD', products: [{ product_id: 'sku_123', quantity: 1 }] },
    context: {
      ip: '203.0.113.1',
      userAgent: UA,
      page: { url: SOURCE_URL },
      traits: { email: `user${i}@example.com`, phone: `+1 (415) 555-${String(1000 + (i % 9000))}`, firstName: 'Ada', lastName: 'Lovelace' },
    },
  };
}

/** Pre-built wire events for `raw` and `send` (built outside the clock). */
export function prebuilt(n, makeInput) {
  return Array.from({ length: n }, (_, i) => buildEvent(makeInput(i)));
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Calls `one(i)` n times, yielding every 1000 calls as a server handling requests would. */
async function drive(n, one) {
  for (let i = 0; i < n; i++) {
    one(i);
    if (i % 1000 === 999) await yieldToLoop();
  }
}

/** Options of the SDKs in "1000 per batch" mode (`batch: 1000`) or left at their defaults (`batch: null`). */
export function ourClient(origin, n, batch = 1000, extra = {}) {
  return createClient({
    pixelId: 'px',
    apiKey: 'key',
    endpoint: `${origin}/v1/events`,
    logLevel: 'error',
    maxQueueSize: Math.max(n, 10_000),
    ...(batch === null ? {} : { flushAt: batch }),
    ...extra,
  });
}

export function posthogClient(origin, n, batch = 1000, extra = {}) {
  return new PostHog('phc_bench', {
    host: origin,
    // Its default queue (1000) drops the oldest event when full: sized so nothing is lost.
    maxQueueSize: Math.max(n, 1000),
    fetchRetryCount: 0,
    ...(batch === null ? {} : { flushAt: batch, maxBatchSize: batch, flushInterval: 10_000 }),
    ...extra,
  });
}

export function segmentClient(origin, _n, batch = 1000, extra = {}) {
  return new Analytics({
    writeKey: 'wk_bench',
    host: origin,
    path: '/v1/batch',
    maxRetries: 0,
    ...(batch === null ? {} : { flushAt: batch, flushInterval: 10_000 }),
    ...extra,
  });
}

/**
 * The long-lived client of each SDK and sender (one per server origin), created by the first run.
 * A new client per run, collected by the forced GC between runs, measured something no server does:
 * V8 drops the hidden classes of objects no longer alive and the optimized code built on them, so
 * every run paid the JIT warm-up again (our track ~2× its steady cost, the peers' ~1.1–1.3×).
 */
const live = new Map();
function liveClient(kind, origin, make) {
  const key = `${kind} ${origin}`;
  let client = live.get(key);
  if (client === undefined) live.set(key, (client = make()));
  return client;
}

/** Shuts down every long-lived client (end of the benchmark). */
export async function closeSenders() {
  const clients = [...live.entries()];
  live.clear();
  for (const [key, client] of clients) await CLOSE[key.split(' ')[0]](client);
}

/** Seconds taken by each sender for `n` events; the server checks that all of them arrived. */
export const SENDERS = {
  async raw(origin, n, events) {
    const start = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const response = await fetch(`${origin}/v1/events?pid=px`, {
        method: 'POST',
        headers: { authorization: 'Bearer key', 'content-type': 'application/json' },
        body: JSON.stringify({ integration_source: 'baseline', events: events.slice(i, i + 1000) }),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`raw: HTTP ${response.status}`);
    }
    return (performance.now() - start) / 1000;
  },
  async trackOff(origin, n) {
    return track(liveClient('ours', `${origin}#off`, () => ourClient(origin, BIG)), n, plainInput);
  },
  async trackOn(origin, n) {
    return track(liveClient('ours', `${origin}#on`, () => ourClient(origin, BIG)), n, hashedInput);
  },
  async send(origin, n, events) {
    const client = liveClient('ours', `${origin}#send`, () => ourClient(origin, BIG));
    const start = performance.now();
    const report = await client.send(events);
    const seconds = (performance.now() - start) / 1000;
    if (report.delivered.length !== n) throw new Error(`send: delivered ${report.delivered.length}/${n}`);
    return seconds;
  },
  async posthog(origin, n) {
    const client = liveClient('posthog', origin, () => posthogClient(origin, BIG));
    const start = performance.now();
    await drive(n, (i) => client.capture(posthogMessage(i)));
    await client.flush();
    return (performance.now() - start) / 1000;
  },
  async segment(origin, n) {
    const client = liveClient('segment', origin, () => segmentClient(origin, BIG));
    const start = performance.now();
    await drive(n, (i) => client.track(segmentMessage(i)));
    await client.flush({ timeout: 120_000 });
    return (performance.now() - start) / 1000;
  },
};

/** Queue sizes of the long-lived clients: room for the largest run, so no SDK drops an event. */
const BIG = 20_000;

async function track(client, n, makeInput) {
  const before = client.stats().delivered;
  const start = performance.now();
  await drive(n, (i) => client.track(makeInput(i)));
  const report = await client.flush({ timeoutMs: 120_000 });
  const seconds = (performance.now() - start) / 1000;
  const delivered = client.stats().delivered - before;
  if (delivered !== n || report.rejected.length > 0) throw new Error(`track: delivered ${delivered}/${n}`);
  return seconds;
}

/** One call per SDK that queues event `i` without waiting: for the request counts and the memory figure. */
export const ENQUEUE = {
  ours: (client, i, withUser) => client.track(withUser ? hashedInput(i) : plainInput(i)),
  posthog: (client, i) => client.capture(posthogMessage(i)),
  segment: (client, i) => client.track(segmentMessage(i)),
};

/** Flushes and closes a client of each SDK. */
export const CLOSE = {
  ours: (client) => client.shutdown({ timeoutMs: 120_000 }),
  posthog: (client) => client.shutdown(120_000),
  segment: (client) => client.closeAndFlush({ timeout: 120_000 }),
};

export const CLIENTS = { ours: ourClient, posthog: posthogClient, segment: segmentClient };
