import { Hono } from 'hono';
import { createRelayHandler, type CapiClient } from '@x/openai-capi-node';

/** Options of {@link createApp}. */
export interface AppOptions {
  client: CapiClient;
}

/**
 * A Hono app with the relay as a route. `createRelayHandler` is a Fetch handler
 * (`Request → Response`), so the route only hands it the raw request: the same code runs on
 * Node (`@hono/node-server`), Bun, Deno, Cloudflare Workers and other edge runtimes.
 */
export function createApp({ client }: AppOptions): Hono {
  const relay = createRelayHandler(client);
  const app = new Hono();
  app.post('/api/openai-capi', (c) => relay(c.req.raw));
  app.get('/healthz', (c) => c.json({ ok: true, queued: client.stats().queued }));
  return app;
}
