/**
 * The Node client against its peers, in one run against one local server (server.mjs, a worker
 * thread): the raw-fetch baseline, our `track` (hashing off / on) and `send`, posthog-node and
 * @segment/analytics-node (senders.mjs says how each is driven).
 *
 * Throughput: `rounds` rounds; each round runs every sender once on the same number of events, in an
 * order rotated from round to round (so no sender always runs first or last, alternating with the
 * others under the same machine load), and computes the ratios of that round. Each run is measured
 * twice: events per second of wall clock, and events per CPU-second of this process (the server is
 * another process, so that is the sender's own work: main thread plus libuv's pool, where
 * posthog-node gzips). The ratios, and their targets, use CPU time: on a shared, loaded machine the
 * wall clock of runs a few seconds apart swings by 2× or more, the CPU cost of a run much less. The
 * table shows each ratio's median over the rounds and its spread (min–max), for both clocks.
 *
 * Also: HTTP requests for 10 000 events (a burst, and a trickle of 20 events every 10 ms) per SDK,
 * with each SDK's defaults and with 1000 per batch; bytes per event on the wire (and before gzip);
 * heap (plus ArrayBuffer) bytes per queued event per SDK (memory.mjs, one fresh process each); the
 * client's own CPU per event with a fetch that answers at once (parts.mjs).
 *
 * Imports the built package (`dist/`): `pnpm -F @x/openai-capi-node build` first. Alone:
 * `node --expose-gc packages/node/bench/throughput.mjs`. `BENCH_QUICK=1`: fewer events and rounds.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { benchNodeParts } from './parts.mjs';
import { startServer } from './server.mjs';
import { CLIENTS, CLOSE, closeSenders, ENQUEUE, hashedInput, plainInput, prebuilt, SENDERS } from './senders.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r2 = (x) => Number(x.toFixed(2));

/** The senders of one round and what each needs. */
const RUNS = [
  { key: 'rawOff', sender: 'raw', input: plainInput },
  { key: 'rawOn', sender: 'raw', input: hashedInput },
  { key: 'trackOff', sender: 'trackOff' },
  { key: 'trackOn', sender: 'trackOn' },
  { key: 'send', sender: 'send', input: plainInput },
  { key: 'posthog', sender: 'posthog' },
  { key: 'segment', sender: 'segment' },
];

/** Ratios reported (numerator ÷ denominator, both from the same round), with the targets. */
const RATIOS = [
  { name: 'ours track, hashing off ÷ raw fetch (pre-built, no user)', num: 'trackOff', den: 'rawOff', min: 0.6 },
  { name: 'ours track, hashing on ÷ raw fetch (pre-built, hashed user)', num: 'trackOn', den: 'rawOn' },
  { name: 'ours send(pre-built) ÷ raw fetch', num: 'send', den: 'rawOff', min: 0.9 },
  { name: 'posthog-node (1000/batch) ÷ raw fetch', num: 'posthog', den: 'rawOff' },
  { name: 'segment (flushAt 1000) ÷ raw fetch', num: 'segment', den: 'rawOff' },
  { name: 'ours track, hashing on ÷ posthog-node', num: 'trackOn', den: 'posthog', min: 1.5 },
  { name: 'ours track, hashing off ÷ posthog-node', num: 'trackOff', den: 'posthog', min: 3 },
  { name: 'ours track, hashing on ÷ segment', num: 'trackOn', den: 'segment' },
];

async function throughput(server, n, rounds) {
  // Each run starts from a forced full GC (a clean heap for every sender), so a round makes seven
  // old-space collections. V8 keeps a hidden class that optimized code relies on for 2 such
  // collections after its last object died (`--retain-maps-for-n-gc=2`): between one run of a sender
  // and its next, none of its objects is alive (its queue was delivered), so the classes of its
  // events died and all of its optimized code was thrown away ("weak objects" under
  // `--trace-deopt`: ~150 deopts in 25 runs of our track) and re-optimized in the measured run: runs
  // at 2-3 × their steady CPU, for every SDK. A server with traffic always holds such objects and
  // collects old space minutes apart; this keeps the classes, for every sender alike.
  setFlagsFromString('--retain-maps-for-n-gc=1000000');
  const prebuiltBy = new Map([[plainInput, prebuilt(n, plainInput)], [hashedInput, prebuilt(n, hashedInput)]]);
  const one = async (run, count) => {
    await server.take();
    const events = run.input ? prebuiltBy.get(run.input).slice(0, count) : undefined;
    const cpu = process.cpuUsage();
    const seconds = await SENDERS[run.sender](server.origin, count, events);
    const used = process.cpuUsage(cpu);
    const got = await server.take();
    if (got.events !== count) throw new Error(`${run.key}: the server received ${got.events}/${count} events`);
    return { wall: count / seconds, cpu: count / ((used.user + used.system) / 1e6) };
  };
  // Warm-up: JIT, keep-alive sockets, lazy imports of each SDK.
  for (const run of RUNS) await one(run, Math.min(n, 3000));
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    const order = RUNS.map((_, i) => RUNS[(i + r * 3) % RUNS.length]);
    const rates = {};
    for (const run of order) {
      globalThis.gc?.();
      rates[run.key] = await one(run, n);
    }
    perRound.push(rates);
  }
  await closeSenders();
  return perRound;
}

/**
 * HTTP requests for 10 000 events per SDK: a burst (one synchronous loop, then close) or a trickle
 * (20 events every 10 ms, 5 s), with `batch` events per batch or (`null`) the SDK's defaults.
 * The three SDKs trickle at the same time, each to its own server.
 */
async function requestCounts(batch, trickle) {
  const n = 10_000;
  const sdks = ['ours', 'posthog', 'segment'];
  const servers = await Promise.all(sdks.map(() => startServer()));
  try {
    const runs = sdks.map(async (sdk, k) => {
      const client = CLIENTS[sdk](servers[k].origin, n, batch);
      if (!trickle) for (let i = 0; i < n; i++) ENQUEUE[sdk](client, i, true);
      else {
        for (let i = 0; i < n; i += 20) {
          for (let j = i; j < i + 20; j++) ENQUEUE[sdk](client, j, true);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      await CLOSE[sdk](client);
      const got = await servers[k].take();
      if (got.events !== n) throw new Error(`${sdk}: the server received ${got.events}/${n} events`);
      return [sdk, got];
    });
    return Object.fromEntries(await Promise.all(runs));
  } finally {
    for (const s of servers) s.close();
  }
}

/** Bytes per queued event (JS heap plus ArrayBuffer contents), from memory.mjs in a fresh process. */
function memoryPerEvent(sdk, variant, n) {
  const child = spawnSync(process.execPath, ['--expose-gc', join(here, 'memory.mjs'), sdk, variant, String(n)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory.mjs ${sdk} ${variant}: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()).bytesPerEvent;
}

/**
 * Runs the Node benchmark.
 * @param {{ quick?: boolean }} [options] - `quick` (or `BENCH_QUICK=1`): 5 000 events × 5 rounds
 *   instead of 10 000 × 15 (many short rounds give steadier medians on a shared machine than a few
 *   long ones), memory on 10 000 queued events instead of 50 000
 * @returns {Promise<Array<{ name: string, value: number, unit: string, note?: string, min?: number }>>}
 */
export async function benchNodeThroughput(options = {}) {
  const quick = options.quick ?? process.env.BENCH_QUICK === '1';
  const n = quick ? 5_000 : 10_000;
  const rounds = quick ? 5 : 15;
  const rows = [];
  const server = await startServer();
  try {
    const perRound = await throughput(server, n, rounds);
    const label = { rawOff: 'raw fetch, pre-built, no user', rawOn: 'raw fetch, pre-built, hashed user', trackOff: 'ours track, hashing off', trackOn: 'ours track, hashing on (5 identifiers)', send: 'ours send(pre-built)', posthog: 'posthog-node, 1000/batch', segment: 'segment, flushAt 1000' };
    const spread = (xs, f) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
    for (const run of RUNS) {
      const cpu = perRound.map((p) => p[run.key].cpu);
      const wall = perRound.map((p) => p[run.key].wall);
      rows.push({ name: `events per CPU-second: ${label[run.key]}`, value: Math.round(median(cpu)), unit: 'events/s', note: `median of ${rounds}, ${spread(cpu, Math.round)}; wall clock: median ${Math.round(median(wall))}, ${spread(wall, Math.round)}` });
    }
    for (const ratio of RATIOS) {
      const cpu = perRound.map((p) => p[ratio.num].cpu / p[ratio.den].cpu);
      const wall = perRound.map((p) => p[ratio.num].wall / p[ratio.den].wall);
      rows.push({ name: `ratio: ${ratio.name}`, value: r2(median(cpu)), unit: '×', note: `CPU, median of ${rounds}, ${spread(cpu, r2)}; wall clock: median ${r2(median(wall))}, ${spread(wall, r2)}`, min: ratio.min });
    }
  } finally {
    server.close();
  }
  rows.push(...(await benchNodeParts(quick ? { n: 5_000, rounds: 15 } : {})));

  const counts = {};
  for (const [mode, batch, trickle] of [['burst, defaults', null, false], ['burst, 1000/batch', 1000, false], ['trickle, defaults', null, true], ['trickle, 1000/batch', 1000, true]]) {
    counts[mode] = await requestCounts(batch, trickle);
    for (const [sdk, got] of Object.entries(counts[mode])) {
      rows.push({ name: `requests for 10 000 events, ${mode}: ${sdk}`, value: got.requests, unit: 'requests' });
    }
  }
  for (const [sdk, got] of Object.entries(counts['burst, 1000/batch'])) {
    const gz = got.bytes !== got.rawBytes ? `gzip; ${Math.round(got.rawBytes / got.events)} B before gzip` : 'not compressed';
    rows.push({ name: `bytes per event on the wire: ${sdk}`, value: Math.round(got.bytes / got.events), unit: 'B', note: `same order + identifiers (ours hashed), 1000/batch, ${gz}` });
  }

  const m = quick ? 10_000 : 50_000;
  for (const [sdk, variant, note] of [
    ['ours', 'user', 'five hashed identifiers + obref, IP, UA'],
    ['ours', 'plain', 'no user data'],
    ['posthog', 'user', 'same identifiers, unhashed, in $set'],
    ['segment', 'user', 'same identifiers in context.traits; right after the loop'],
  ]) {
    rows.push({ name: `heap per queued event: ${sdk}, ${variant === 'user' ? 'with user' : 'no user'}`, value: memoryPerEvent(sdk, variant, m), unit: 'B', note, max: sdk === 'ours' ? (variant === 'user' ? 1024 : 400) : undefined });
  }
  return rows;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  benchNodeThroughput().then((rows) => {
    for (const row of rows) console.log(`${row.name.padEnd(72)} ${String(row.value).padStart(10)} ${row.unit.padEnd(9)} ${row.note ?? ''}`);
  });
}
