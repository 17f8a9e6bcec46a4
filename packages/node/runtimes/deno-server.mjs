/** Deno: imports the built package from dist/ (path in OPENAI_CAPI_DIST) and serves the app on a free port. */
import { createApp } from './app.mjs';

const sdk = await import(Deno.env.get('OPENAI_CAPI_DIST'));
const handle = createApp(sdk);
Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`LISTENING ${port}`) },
  // No waitUntil in Deno.serve: the flush is awaited before answering.
  (request, info) => handle(request, { remoteAddress: info.remoteAddr.hostname }),
);
