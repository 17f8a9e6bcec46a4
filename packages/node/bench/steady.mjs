/**
 * A diagnostic harness (not part of `pnpm bench`): CPU µs per event of consecutive runs of 10 000
 * events in one process, each sender's long-lived client as in `pnpm bench`, to show how far a
 * sender is from its steady state. `node [--expose-gc] packages/node/bench/steady.mjs <senders> [gc]`, e.g.
 * `raw,trackOff,send` (names of senders.mjs); with `gc` (and `--expose-gc`) a full GC runs before
 * each run, as in `pnpm bench`. Prints one line per sender: the CPU µs/event of each of 12 runs.
 */
import { startServer } from './server.mjs';
import { closeSenders, plainInput, prebuilt, SENDERS } from './senders.mjs';

const n = 10_000;
const [list = 'raw,trackOff', mode] = process.argv.slice(2);
const keys = list.split(',');
for (const key of keys) if (!(key in SENDERS)) throw new Error(`unknown sender ${key}: one of ${Object.keys(SENDERS).join(', ')}`);
if (mode === 'gc' && typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc for the gc mode');
const server = await startServer();
const events = prebuilt(n, plainInput);
const perRun = Object.fromEntries(keys.map((key) => [key, []]));
for (let run = 0; run < 12; run++) {
  for (const key of keys) {
    if (mode === 'gc') globalThis.gc();
    await server.take();
    const start = process.cpuUsage();
    await SENDERS[key](server.origin, n, events);
    const used = process.cpuUsage(start);
    const got = await server.take();
    if (got.events !== n) throw new Error(`${key}: the server received ${got.events}/${n} events`);
    perRun[key].push(((used.user + used.system) / n).toFixed(1));
  }
}
await closeSenders();
server.close();
for (const key of keys) console.log(`${key.padEnd(10)} ${perRun[key].join(' ')}`);
process.exit(0);
