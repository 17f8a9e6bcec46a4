import { Session } from 'node:inspector/promises';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createClient } from '../dist/index.js';
import { plainInput, hashedInput, prebuilt } from './senders.mjs';
const n = 50000; const mode = process.argv[2] ?? 'send';
const events = prebuilt(n, plainInput);
const fetch = async () => new Response('{}', { status: 200 });
const client = createClient({ pixelId: 'px', apiKey: 'key', logLevel: 'error', fetch, flushAt: 1000, maxQueueSize: n });
await client.send(events.slice(0, 5000));
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
for (let r = 0; r < 6; r++) {
  if (mode === 'send') await client.send(events);
  else { const c = createClient({ pixelId: 'px', apiKey: 'key', logLevel: 'error', fetch, flushAt: 1000, maxQueueSize: n }); const mk = mode === 'on' ? hashedInput : plainInput; for (let i = 0; i < n; i++) { c.track(mk(i)); if (i % 1000 === 999) await new Promise((r) => setImmediate(r)); } await c.shutdown(); }
}
const { profile } = await s.post('Profiler.stop');
mkdirSync('/tmp/prof2', { recursive: true }); writeFileSync(`/tmp/prof2/${mode}.cpuprofile`, JSON.stringify(profile));
