/**
 * The app every runtime under test serves: one Fetch handler over the built `@x/openai-capi-node`
 * (the module is passed in, so each runtime loads it its own way: bundled for workerd and
 * edge-runtime, imported from dist/ by Bun and Deno). Each request carries the emulator's endpoint,
 * pixel id and key in `x-test-config`, so nothing is baked into a bundle.
 *
 * Routes:
 * - `POST /client` `{ id, email, flushTimeoutMs? }`: `createClient` + `track`, then `flush({ timeoutMs })` handed to
 *   the platform's `waitUntil` (answered before the flush ends) or awaited where there is none.
 * - `GET /report?id=`: the report of that flush once it settled (`null` before).
 * - `POST /api/openai-capi`: `createRelayHandler` (same-origin rules), its client flushed the same way.
 * - `GET /attribution`: `readAttribution(request)` as JSON.
 * - `GET /whoami`: the URL the runtime gives the request (the origin a same-origin post must carry)
 *   and which SHA-256 the default hasher finds.
 */

const FLUSH_TIMEOUT_MS = 5000;

/**
 * @param {typeof import('../dist/index.js')} sdk the built package
 * @param {{ trustProxy?: number }} [options] proxies to trust (edge platforms put the client IP in X-Forwarded-For)
 */
export function createApp(sdk, options = {}) {
  /** @type {Map<string, unknown>} */
  const reports = new Map();
  /** @type {Map<string, { client: import('../dist/index.js').CapiClient, relay: import('../dist/index.js').RelayHandler }>} */
  const relays = new Map();
  const errors = [];

  const clientFor = (config) =>
    sdk.createClient({
      pixelId: config.pixelId,
      apiKey: config.apiKey,
      endpoint: config.endpoint,
      // Nothing leaves before the flush the test is about.
      flushAt: 100,
      flushIntervalMs: 600_000,
      maxRetries: 1,
      logLevel: 'off',
      onError: (error, context) => errors.push(`${context.reason}: ${error.message}`),
    });

  const summary = (report) => ({
    delivered: report.delivered,
    rejected: report.rejected.map((r) => ({ id: r.id, reason: r.reason })),
  });

  /** Flushes under `waitUntil` when the platform has one; the report lands in `reports` either way. */
  const flushInBackground = (client, key, ctx, timeoutMs = FLUSH_TIMEOUT_MS) => {
    const flushing = client.flush({ timeoutMs }).then(
      (report) => void reports.set(key, summary(report)),
      (error) => void reports.set(key, { error: `${error?.name}: ${error?.message}` }),
    );
    if (typeof ctx.waitUntil === 'function') {
      ctx.waitUntil(flushing);
      return undefined;
    }
    return flushing;
  };

  const json = (status, body, headers = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  /**
   * @param {Request} request
   * @param {{ waitUntil?: (promise: Promise<unknown>) => void, remoteAddress?: string }} ctx
   */
  return async function handle(request, ctx = {}) {
    const url = new URL(request.url);
    const configHeader = request.headers.get('x-test-config');
    const config = configHeader ? JSON.parse(configHeader) : undefined;
    try {
      if (url.pathname === '/client' && request.method === 'POST') {
        const { id, email, flushTimeoutMs } = await request.json();
        const client = clientFor(config);
        const eventId = client.track({
          type: 'order_created',
          id,
          sourceUrl: 'https://shop.example/checkout',
          user: { email },
          data: { value: '25.99', currency: 'USD' },
        });
        const awaited = flushInBackground(client, id, ctx, flushTimeoutMs);
        if (awaited === undefined) return json(200, { eventId, flush: 'waitUntil', reportAtAnswer: reports.get(id) ?? null });
        await awaited;
        return json(200, { eventId, flush: 'awaited', reportAtAnswer: reports.get(id) ?? null });
      }
      if (url.pathname === '/whoami') {
        // Which SHA-256 the client's default hasher uses here: node:crypto, or core's pure-JS one.
        return json(200, { url: request.url, hasher: sdk.nodeCryptoHasher() === undefined ? 'pure-js' : 'node:crypto' });
      }
      if (url.pathname === '/report') return json(200, { report: reports.get(url.searchParams.get('id') ?? '') ?? null, errors });
      if (url.pathname === '/api/openai-capi') {
        const key = config.endpoint;
        let entry = relays.get(key);
        if (entry === undefined) {
          const client = clientFor(config);
          const relay = sdk.createRelayHandler(client, {
            ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
            onError: (error) => errors.push(`relay: ${error?.message}`),
          });
          relays.set(key, (entry = { client, relay }));
        }
        const response = await entry.relay(request, ctx.remoteAddress === undefined ? {} : { remoteAddress: ctx.remoteAddress });
        const flushKey = `relay:${url.searchParams.get('flush') ?? ''}`;
        const awaited = flushInBackground(entry.client, flushKey, ctx);
        if (awaited !== undefined) await awaited;
        return response;
      }
      if (url.pathname === '/attribution') {
        const attribution = sdk.readAttribution(request, {
          ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
          ...(ctx.remoteAddress === undefined ? {} : { remoteAddress: ctx.remoteAddress }),
        });
        return json(200, attribution);
      }
      return json(404, { error: `no route ${request.method} ${url.pathname}` });
    } catch (error) {
      return json(500, { error: `${error?.name}: ${error?.message}`, stack: String(error?.stack ?? '') });
    }
  };
}
