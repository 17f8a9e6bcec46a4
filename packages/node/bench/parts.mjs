/**
 * What the Node client costs per event on its own, with a `fetch` that answers 200 at once (no
 * HTTP): CPU µs per event of the stages a hashing-off event goes through, each measured in the same
 * process, interleaved round by round, median of the rounds. The ratios to raw fetch in
 * throughput.mjs mix these with the cost of HTTP on the machine; these figures do not.
 *
 * - `input object`: `plainInput(i)` alone (what a caller builds before `track`);
 * - `input object + buildEvent`: the same input built by core's builder (its one validation included);
 * - `validateEvent`: core's check of a built event (what `send` runs per event);
 * - `JSON.stringify`: of the built events, 1000 per body (what the raw sender runs too);
 * - `track → flush`: `client.track(input)` per event, then `flush()`;
 * - `send`: `client.send(events)` of the built events.
 *
 * Alone: `node packages/node/bench/parts.mjs` (after `pnpm -F @x/openai-capi-node build`).
 */
import { fileURLToPath } from 'node:url';
import { buildEvent, validateEvent } from '@x/openai-capi-core';
import { createClient } from '../dist/index.js';
import { plainInput, prebuilt } from './senders.mjs';

const answerAtOnce = async () => new Response('{}', { status: 200 });
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs the stages `rounds` times on `n` events each.
 * @returns {Promise<Array<{ name: string, value: number, unit: string, note: string }>>}
 */
export async function benchNodeParts({ n = 10_000, rounds = 30 } = {}) {
  const events = prebuilt(n, plainInput);
  const options = { pixelId: 'px', apiKey: 'key', logLevel: 'error', fetch: answerAtOnce, flushAt: 1000, maxQueueSize: 2 * n };
  const tracker = createClient(options);
  const sender = createClient(options);
  let sink;
  const stages = {
    'input object': async () => { for (let i = 0; i < n; i++) sink = plainInput(i); },
    'input object + buildEvent': async () => { for (let i = 0; i < n; i++) sink = buildEvent(plainInput(i)); },
    validateEvent: async () => { for (let i = 0; i < n; i++) sink = validateEvent(events[i]); },
    'JSON.stringify': async () => { for (let i = 0; i < n; i += 1000) sink = JSON.stringify({ events: events.slice(i, i + 1000) }); },
    'track → flush': async () => {
      for (let i = 0; i < n; i++) {
        tracker.track(plainInput(i));
        if (i % 1000 === 999) await yieldToLoop();
      }
      await tracker.flush();
    },
    send: async () => { sink = await sender.send(events); },
  };
  const micros = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(stages)) {
      const before = process.cpuUsage();
      await run();
      const used = process.cpuUsage(before);
      if (r >= 3) micros[name].push((used.user + used.system) / n); // the first rounds warm the JIT
    }
  }
  await tracker.shutdown();
  await sender.shutdown();
  if (sink === undefined) throw new Error('nothing measured');
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return Object.entries(micros).map(([name, xs]) => ({
    name: `stub fetch, CPU per hashing-off event: ${name}`,
    value: Number(median(xs).toFixed(2)),
    unit: 'µs',
    note: `median of ${xs.length}, min ${Math.min(...xs).toFixed(2)}`,
  }));
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const row of await benchNodeParts()) console.log(`${row.name.padEnd(60)} ${String(row.value).padStart(6)} ${row.unit}  ${row.note}`);
}
