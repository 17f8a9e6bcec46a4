import { validateEvent } from '@x/openai-capi-core';
import { createClient } from '../dist/index.js';
import { plainInput, prebuilt } from './senders.mjs';
const n = 50000;
const events = prebuilt(n, plainInput);
const fetch = async () => new Response('{}', { status: 200 });
const client = createClient({ pixelId: 'px', apiKey: 'key', logLevel: 'error', fetch });
const raw = async () => { for (let i = 0; i < n; i += 1000) { const r = await fetch('x', { body: JSON.stringify({ integration_source: 'b', events: events.slice(i, i + 1000) }) }); await r.text(); } };
const send = async () => { await client.send(events); };
const val = async () => { for (const e of events) validateEvent(e, { now: Date.now() }); };
const keys = async () => { const s = new Set(); for (const e of events) s.add(`${e.type}\n${e.id}`); };
for (let r = 0; r < 4; r++) for (const [name, f] of [['raw', raw], ['send', send], ['validate', val], ['keys', keys]]) {
  const t = performance.now(); await f(); const us = ((performance.now() - t) * 1000) / n; if (r >= 2) console.log(name, us.toFixed(3), 'µs/event');
}
