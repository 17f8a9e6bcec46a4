/**
 * Child process of `kill.test.ts`: a "server" that tracks CAPI_EVENTS events (kept queued by a long
 * flush interval) and ends on SIGTERM with the shutdown pattern of docs/server.md, verbatim in
 * substance. Run by `node --import tsx --import ./resolve-core-from-src.mjs`; prints `ready` once
 * every event is queued. Not shipped.
 */
import { createServer } from 'node:http';
import { createClient } from '../index.js';

const endpoint = process.env['CAPI_ENDPOINT'];
const count = Number(process.env['CAPI_EVENTS']);
if (endpoint === undefined || !Number.isInteger(count) || count < 1) throw new Error('set CAPI_ENDPOINT and CAPI_EVENTS');

const capi = createClient({
  pixelId: process.env['CAPI_PIXEL_ID'] ?? 'px_kill',
  apiKey: process.env['CAPI_API_KEY'] ?? 'sk_kill',
  endpoint,
  flushAt: 1000,
  flushIntervalMs: 3_600_000,
});

// Stands for the application's HTTP server: it is what keeps a real server process alive.
const server = createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  for (let i = 0; i < count; i++) {
    capi.track({
      type: 'lead_created',
      id: `kill-${i}`,
      sourceUrl: 'https://shop.example/contact',
      user: { email: `lead${i}@example.com` },
    });
  }
  console.log('ready');
});

// The pattern of docs/server.md ("Long-running servers").
process.once('SIGTERM', async () => {
  server.close(); // stop taking requests
  const report = await capi.shutdown({ timeoutMs: 5000 });
  console.info(`openai-capi: ${report.delivered.length} delivered, ${report.rejected.length} not delivered at shutdown`);
  process.exit(0);
});
