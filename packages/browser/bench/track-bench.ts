/**
 * What one `track()` costs in a page: happy-dom's Window stands in for the browser, `sendBeacon`
 * and `fetch` are stubbed (nothing leaves the process) and the pixel's `oaiq` is a no-op, so the
 * numbers are the tracker's own work: capture, relay batching and serialization, the pixel call.
 * Measured as pages ship it (`NODE_ENV=production`: no validation in the browser, the beacon), plus
 * the order in a development build (core's full checks, the relay posted with `fetch`).
 */
import { Window } from 'happy-dom';
import { Bench } from 'tinybench';
import { createTracker, identify } from '../src/index.js';
import type { Tracker } from '../src/index.js';

/** One benchmark result. */
export interface BenchRow {
  name: string;
  opsPerSec: number;
}

function page(): { win: globalThis.Window; close: () => Promise<void> } {
  const happy = new Window({
    url: 'https://www.shop.example.com/checkout?oppref=click_123&utm_source=chatgpt',
    settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: true },
  });
  Object.defineProperty(happy.navigator, 'sendBeacon', { configurable: true, value: () => true });
  // Development builds post with fetch to read the relay's answer: answered at once, never sent.
  (happy as unknown as { fetch: () => Promise<Response> }).fetch = async () => new Response(null, { status: 204 });
  // A no-op pixel: the bridge keeps it instead of installing the queue stub, so nothing piles up.
  (happy as unknown as { oaiq: () => void }).oaiq = () => {};
  return { win: happy as unknown as globalThis.Window, close: () => happy.happyDOM.close() };
}

/**
 * Measures `track` (and `identify`) in happy-dom with tinybench.
 *
 * @param options.time - milliseconds per task (default 500)
 */
export async function benchBrowserTrack(options: { time?: number } = {}): Promise<BenchRow[]> {
  const granted = page();
  const pending = page();
  const noop = (): void => {};
  const tracker: Tracker = createTracker({
    endpoint: '/api/openai-capi',
    pixelId: 'pixel_1',
    consent: 'granted',
    window: granted.win,
    onError: noop,
  });
  const waiting: Tracker = createTracker({ endpoint: '/api/openai-capi', window: pending.win, onError: noop });
  let n = 0;

  const order = (): void => {
    tracker.track(
      'order_created',
      {
        value: '129.99',
        currency: 'USD',
        contents: [
          { id: 'sku_1', name: 'Shoe', quantity: 1, value: '99.99' },
          { id: 'sku_2', name: 'Sock', quantity: 3, value: '10.00' },
        ],
      },
      { eventId: `order_${n++}` },
    );
  };

  // The tracker reads NODE_ENV when it runs (a bundler would have replaced it): set per bench.
  const inMode = async (env: 'production' | 'development', bench: Bench): Promise<Bench> => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = env;
    try {
      await bench.run();
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
    return bench;
  };
  const production = new Bench({ time: options.time ?? 500, warmupTime: 100 })
    .add('browser track page_viewed (random id) + flush', async () => {
      tracker.track('page_viewed');
      await tracker.flush();
    })
    .add('browser track order_created (value, 2 items, order id) + flush', async () => {
      order();
      await tracker.flush();
    })
    .add('browser track while consent pending (queued)', () => {
      waiting.track('page_viewed');
    })
    .add('browser identify (email + phone hashed with WebCrypto, pixel re-init)', async () => {
      await identify(tracker, { email: `user${n++}@example.com`, phone: '+1 (415) 555-2671' });
    });
  const development = new Bench({ time: options.time ?? 500, warmupTime: 100 }).add(
    'browser track order_created + flush, development build (full checks, fetch)',
    async () => {
      order();
      await tracker.flush();
    },
  );
  const tasks = [...(await inMode('production', production)).tasks, ...(await inMode('development', development)).tasks];
  await Promise.all([granted.close(), pending.close()]);
  return tasks.map((task) => ({
    name: task.name,
    opsPerSec: task.result.state === 'completed' ? Math.round(task.result.throughput.mean) : 0,
  }));
}
