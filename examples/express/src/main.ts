/** Runs the Express example: `OPENAI_CAPI_PIXEL_ID=… OPENAI_CAPI_API_KEY=… WEBHOOK_SECRET=… pnpm start`. */
import { createClient } from '@x/openai-capi-node';
import { createApp } from './app.js';

const env = process.env;
const required = (name: string) => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const client = createClient({
  pixelId: required('OPENAI_CAPI_PIXEL_ID'),
  apiKey: required('OPENAI_CAPI_API_KEY'),
  ...(env['OPENAI_CAPI_ENDPOINT'] ? { endpoint: env['OPENAI_CAPI_ENDPOINT'] } : {}),
  ...(env['OPENAI_CAPI_VALIDATE_ONLY'] === 'true' ? { validateOnly: true } : {}),
});
const port = Number(env['PORT'] ?? 3000);
const server = createApp({ client, webhookSecret: required('WEBHOOK_SECRET') }).listen(port, () => {
  console.log(`Express example on http://localhost:${port} (relay: POST /api/openai-capi, webhook: POST /webhooks/orders)`);
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
