/** Runs the Hono example on Node: `OPENAI_CAPI_PIXEL_ID=… OPENAI_CAPI_API_KEY=… pnpm start`. */
import { serve } from '@hono/node-server';
import { createClient } from '@x/openai-capi-node';
import { createApp } from './app.js';

const env = process.env;
const pixelId = env['OPENAI_CAPI_PIXEL_ID'];
const apiKey = env['OPENAI_CAPI_API_KEY'];
if (!pixelId || !apiKey) throw new Error('OPENAI_CAPI_PIXEL_ID and OPENAI_CAPI_API_KEY are required');

const client = createClient({
  pixelId,
  apiKey,
  ...(env['OPENAI_CAPI_ENDPOINT'] ? { endpoint: env['OPENAI_CAPI_ENDPOINT'] } : {}),
});
const port = Number(env['PORT'] ?? 3000);
const server = serve({ fetch: createApp({ client }).fetch, port }, (info) => {
  console.log(`Hono example on http://localhost:${info.port} (relay: POST /api/openai-capi)`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close();
  void client.shutdown().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
