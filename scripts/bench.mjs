#!/usr/bin/env node
/**
 * `pnpm bench`: runs every benchmark of the repository once and prints one table.
 *
 * - core: `hashUser` with the default noble SHA-256 and with a node:crypto hasher, `validateEvent`
 *   (`benchCore()` in packages/core/src/core.bench.ts);
 * - node: our `track`/`send` → HTTP, posthog-node, @segment/analytics-node and a raw-fetch baseline
 *   against one loopback server, alternating, as ratios (median and spread over rounds); requests
 *   for 10 000 events, bytes per event on the wire, heap per queued event per SDK, the client's own
 *   CPU per event with a fetch that answers at once (parts.mjs)
 *   (`benchNodeThroughput()` in packages/node/bench/throughput.mjs, which imports the built `dist/`);
 * - stores: `track` → HTTP with no store, the file store (`batched` and `always`) and the Redis store
 *   (a real redis-server started for the run), and `await enqueue()` one at a time with each
 *   (`benchNodeStores()` in packages/node/bench/stores.mjs);
 * - browser: `track` in happy-dom (`benchBrowserTrack()` in packages/browser/bench/track-bench.ts);
 * - bundle: gzipped sizes of the browser bundles (`scripts/size.mjs --json`, budgets in .size-limit.json).
 *
 * Each measuring section runs in its own child process (`node --import tsx --expose-gc`), one after
 * the other, so the sections do not share a heap, a JIT profile or the two CPUs, and the RSS figure
 * is the Node section's own. The rows are also written to `bench-results.json` (gitignored).
 *
 * Usage: `pnpm bench` (builds first), or `node scripts/bench.mjs` when `dist/` is up to date.
 * `BENCH_QUICK=1` runs a shorter node section (5 000 events × 5 rounds instead of 10 000 × 15).
 * `node scripts/bench.mjs --section core|node|stores|browser` runs one section and prints its rows as JSON.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROWS_MARKER = '@@bench-rows ';

/** Per-section runners, executed inside the child process. Each returns `{ name, value, unit, note? }[]`. */
const SECTIONS = {
  async core() {
    const { benchCore } = await import(pathToFileURL(join(root, 'packages/core/src/core.bench.ts')).href);
    const results = await benchCore();
    const ops = (prefix) => results.find((r) => r.name.startsWith(prefix))?.opsPerSec ?? Number.NaN;
    const noble = ops('hashUser (noble');
    const node = ops('hashUser (node:crypto');
    return [
      ...results.map((r) => ({ name: r.name, value: r.opsPerSec, unit: 'ops/s', note: perOp(r.opsPerSec) })),
      { name: 'hashUser node:crypto / noble', value: round2(node / noble), unit: '×', note: 'typical user: email, phone, external id, 2 names, geo' },
    ];
  },
  async node() {
    const { benchNodeThroughput } = await import(pathToFileURL(join(root, 'packages/node/bench/throughput.mjs')).href);
    const rows = await benchNodeThroughput();
    return rows.map((r) => ({ ...r, name: r.name.replace(/^node: /, '') }));
  },
  async stores() {
    const { benchNodeStores } = await import(pathToFileURL(join(root, 'packages/node/bench/stores.mjs')).href);
    const rows = await benchNodeStores();
    return rows.map((r) => ({ ...r, name: r.name.replace(/^node: /, '') }));
  },
  async browser() {
    const { benchBrowserTrack } = await import(pathToFileURL(join(root, 'packages/browser/bench/track-bench.ts')).href);
    const rows = await benchBrowserTrack();
    return rows.map((r) => ({ name: r.name.replace(/^browser /, ''), value: r.opsPerSec, unit: 'ops/s', note: perOp(r.opsPerSec) }));
  },
};

/** Targets from the issues: a row whose name starts with `row` is checked against `min` or `max`. */
const TARGETS = [
  { row: '@x/openai-capi-browser { createTracker }', max: 5, label: 'issue target 5 KB' },
  { row: '@x/openai-capi-browser *', max: 8, label: 'issue target 8 KB' },
  { row: '@x/openai-capi-browser script tag', max: 8, label: 'issue target 8 KB' },
];

function round2(n) {
  return Number(n.toFixed(2));
}

function perOp(opsPerSec) {
  return `${(1e6 / opsPerSec).toFixed(2)} µs/op`;
}

/** Runs one section in a child process and returns its rows. */
function runSection(section) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--section', section], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(ROWS_MARKER));
  if (child.status !== 0 || line === undefined) {
    process.stdout.write(child.stdout);
    throw new Error(`bench section "${section}" failed (exit ${child.status ?? child.signal})`);
  }
  return JSON.parse(line.slice(ROWS_MARKER.length)).map((r) => ({ section, ...r }));
}

/**
 * Bundle sizes from `pnpm size`'s check (`scripts/size.mjs --json`: esbuild, production define,
 * gzip -9, budgets in .size-limit.json); it exits 1 when a budget is exceeded, the JSON is still printed.
 */
function bundleRows() {
  const run = spawnSync(process.execPath, [join(root, 'scripts/size.mjs'), '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const start = run.stdout.indexOf('[');
  if (start === -1) throw new Error(`scripts/size.mjs printed no JSON (exit ${run.status}): ${run.stderr}`);
  const checks = JSON.parse(run.stdout.slice(start));
  return checks.map((c) => ({
    section: 'bundle',
    name: c.name.replace(/ \(.*\)$/, ''),
    value: round2(c.size / 1024),
    unit: 'KB gzip',
    note: `budget ${round2(c.sizeLimit / 1024)} KB: ${c.passed ? 'within' : 'OVER'}`,
  }));
}

/** Appends the verdict of every matching target (from TARGETS, or the row's own `min`/`max`) to the row's note. */
function withTargets(rows) {
  return rows.map(({ min, max, ...r }) => {
    const target = TARGETS.find((t) => r.name.startsWith(t.row)) ?? (min !== undefined || max !== undefined ? { min, max } : undefined);
    if (!target) return r;
    const met = target.min !== undefined ? r.value >= target.min : r.value <= target.max;
    const label = target.label ?? `target ${target.min !== undefined ? '≥' : '≤'} ${target.min ?? target.max}`;
    return { ...r, note: [r.note, `${label}: ${met ? 'met' : 'NOT met'}`].filter(Boolean).join('; ') };
  });
}

function formatValue(value) {
  return Number.isInteger(value) && Math.abs(value) >= 1000 ? value.toLocaleString('en-US') : String(value);
}

/** Plain-text table, one column per field, the value right-aligned. */
function formatTable(rows) {
  const head = { section: 'section', name: 'measurement', value: 'value', unit: 'unit', note: 'note' };
  const cells = [head, ...rows.map((r) => ({ ...r, value: formatValue(r.value), note: r.note ?? '' }))];
  const width = (key) => Math.max(...cells.map((c) => String(c[key]).length));
  const w = { section: width('section'), name: width('name'), value: width('value'), unit: width('unit') };
  const line = (c) =>
    `${String(c.section).padEnd(w.section)}  ${String(c.name).padEnd(w.name)}  ${String(c.value).padStart(w.value)}  ${String(c.unit).padEnd(w.unit)}  ${c.note}`.trimEnd();
  const rule = '-'.repeat(Math.max(...cells.map((c) => line(c).length)));
  return [line(head), rule, ...cells.slice(1).map(line)].join('\n');
}

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {}
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cpus: cpus().length,
    memoryGb: round2(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    commit,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const sectionArg = args.indexOf('--section');
  if (sectionArg !== -1) {
    const name = args[sectionArg + 1];
    const section = SECTIONS[name];
    if (!section) throw new Error(`unknown section "${name}": use ${Object.keys(SECTIONS).join(', ')}`);
    console.log(ROWS_MARKER + JSON.stringify(await section()));
    return;
  }
  const started = performance.now();
  const info = machine();
  console.log(`openai-capi benchmarks — ${info.date} — node ${info.node} — ${info.cpus} × ${info.cpu} — ${info.memoryGb} GiB — ${info.commit}`);
  const rows = [];
  for (const section of Object.keys(SECTIONS)) {
    process.stderr.write(`running ${section}…\n`);
    rows.push(...runSection(section));
  }
  rows.push(...bundleRows());
  const checked = withTargets(rows);
  console.log(formatTable(checked));
  const seconds = (performance.now() - started) / 1000;
  console.log(`(${seconds.toFixed(0)} s; rows also in bench-results.json)`);
  writeFileSync(join(root, 'bench-results.json'), `${JSON.stringify({ machine: info, seconds: round2(seconds), rows: checked }, null, 2)}\n`);
}

await main();
