/**
 * A profiling harness (not part of `pnpm bench`): `node --cpu-prof --cpu-prof-dir=/tmp/prof
 * packages/node/bench/profile-track.mjs <on|off|send> [n]` runs only our client, against a fetch
 * that answers 200 at once, so the profile holds the SDK's own work. Prints events/s.
 */
import { createClient } from '../dist/index.js';
import { hashedInput, plainInput, prebuilt } from './senders.mjs';

const [mode = 'on', count = '200000'] = process.argv.slice(2);
const n = Number(count);
const fetch = async () => new Response('{}', { status: 200 });
const client = createClient({ pixelId: 'px', apiKey: 'key', flushAt: 1000, maxQueueSize: n, logLevel: 'error', fetch });
const events = mode === 'send' ? prebuilt(n, plainInput) : undefined;
const start = performance.now();
if (mode === 'send') await client.send(events);
else {
  const make = mode === 'on' ? hashedInput : plainInput;
  for (let i = 0; i < n; i++) {
    client.track(make(i));
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
}
await client.shutdown({ timeoutMs: 120_000 });
const seconds = (performance.now() - start) / 1000;
if (client.stats().delivered !== n) throw new Error(`delivered ${client.stats().delivered}/${n}`);
console.log(`${mode}: ${Math.round(n / seconds)} events/s`);
