/**
 * Child process of `keep-alive.test.ts`: a script with nothing else to do that tracks one event and
 * awaits `flush()` while the (injected) API first answers 503 with `Retry-After: 1`. The retry wait
 * is an unref'd timer: without the client holding the process open, it exits before retrying.
 * Prints the report as JSON. Not shipped.
 */
import { createClient } from '../index.js';

let calls = 0;
const client = createClient({
  pixelId: 'px_exit',
  apiKey: 'sk_exit',
  logLevel: 'off',
  fetch: async () => {
    calls++;
    return calls === 1
      ? new Response('{"error":"busy"}', { status: 503, headers: { 'retry-after': '1' } })
      : new Response('{}', { status: 200 });
  },
});
client.track({ type: 'page_viewed', id: 'exit-1', sourceUrl: 'https://shop.example/' });
const method = process.argv[2] === 'send' ? 'send' : 'flush';
const report =
  method === 'send'
    ? await client.send([{ id: 'exit-2', type: 'page_viewed', timestamp_ms: Date.now(), source_url: 'https://shop.example/', action_source: 'web', data: { type: 'contents' } }])
    : await client.flush();
process.stdout.write(JSON.stringify({ method, calls, delivered: report.delivered }));
