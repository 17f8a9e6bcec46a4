import { Hono } from 'hono';
import { createRelayHandler, type CapiClient, type RelayContext } from '@x/openai-capi-node';

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
  app.post('/api/openai-capi', (c) => relay(c.req.raw, clientAddress(c.env)));
  app.get('/healthz', (c) => c.json({ ok: true, queued: client.stats().queued }));
  return app;
}

/**
 * The visitor's socket address, which a Fetch `Request` does not carry: `@hono/node-server` passes
 * the Node request as `env.incoming`. Elsewhere, use your runtime's way (`getConnInfo` from
 * `hono/bun` or `hono/deno`), or `trustProxy` behind a proxy; without an address the relay does
 * not rate-limit and events carry no IP.
 */
function clientAddress(env: unknown): RelayContext {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const remoteAddress = incoming?.socket?.remoteAddress;
  return remoteAddress === undefined ? {} : { remoteAddress };
}
