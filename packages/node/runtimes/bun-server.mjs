/** Bun: imports the built package from dist/ (path in OPENAI_CAPI_DIST) and serves the app on a free port. */
import { createApp } from './app.mjs';

const sdk = await import(process.env.OPENAI_CAPI_DIST);
const handle = createApp(sdk);
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  // No waitUntil in Bun: the flush is awaited before answering.
  fetch: (request, srv) => handle(request, { remoteAddress: srv.requestIP(request)?.address }),
});
console.log(`LISTENING ${server.port}`);
