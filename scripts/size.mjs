#!/usr/bin/env node
/**
 * `pnpm size`: the size budgets of .size-limit.json, measured exactly as issue 13 defines them:
 * esbuild `--bundle --minify --format=esm --platform=browser
 * --define:process.env.NODE_ENV='"production"'` of an entry that re-exports `import` from `path`
 * (or the file itself when there is no `import`), then gzip -9; 1 KB = 1024 B. Prints each check
 * with the parts (input files) of its bundle, and exits 1 when a budget is exceeded. With `--json`,
 * prints only size-limit's JSON shape (`[{ name, size, sizeLimit, passed }]`) for scripts.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const checks = JSON.parse(readFileSync(resolve(root, '.size-limit.json'), 'utf8'));
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const limitBytes = (limit) => {
  const match = /^([\d.]+)\s*(B|KB)$/.exec(limit);
  if (!match) throw new Error(`.size-limit.json: limit "${limit}" must be like "5 KB" or "5120 B"`);
  return Math.round(+match[1] * (match[2] === 'KB' ? 1024 : 1));
};

/**
 * Bundles `contents` (resolved from `dir`) as the issue measures: returns the minified output and
 * the bytes each input file contributes to it.
 */
async function bundle(contents, dir, alias = {}) {
  const result = await build({
    stdin: { contents, resolveDir: dir, sourcefile: 'size-entry.js', loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { code: result.outputFiles[0].contents, inputs: output.inputs };
}

/** The measured bundle of a check: its `import` re-exported from `path`, or the file `path` itself. */
async function measure(check) {
  const file = resolve(root, check.path);
  if (check.import === undefined) return gzip(readFileSync(file));
  const { code } = await bundle(`export ${check.import} from ${JSON.stringify(file)};`, dirname(file));
  return gzip(code);
}

/**
 * The parts of a check: the same bundle built from the sources (browser and core `src/`), so that
 * each source file shows. The script tag's entry is `src/iife.ts`, i.e. everything.
 */
async function parts(check) {
  const entry = resolve(root, 'packages/browser/src/index.ts');
  const contents = `export ${check.import ?? '*'} from ${JSON.stringify(entry)};`;
  return bundle(contents, root, { '@x/openai-capi-core': resolve(root, 'packages/core/src/index.ts') });
}

const json = process.argv.includes('--json');
const results = [];
let failed = false;
for (const check of checks) {
  const size = await measure(check);
  const limit = limitBytes(check.limit);
  const ok = size <= limit;
  failed ||= !ok;
  results.push({ name: check.name, size, sizeLimit: limit, passed: ok });
  if (json) continue;
  console.log(`\n${ok ? '✔' : '✖'} ${check.name}\n  ${size} B = ${kb(size)} min+gzip (limit ${check.limit} = ${limit} B)${ok ? '' : '  OVER BUDGET'}`);
  // Parts: each source file's minified bytes, and its share of the gzip size in proportion (an estimate).
  const { code, inputs } = await parts(check);
  const rows = Object.entries(inputs)
    .map(([path, { bytesInOutput }]) => [relative(root, resolve(root, path)).replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^packages\//, ''), bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
  const sourceSize = gzip(code);
  console.log(`  parts (built from src/: ${sourceSize} B min+gzip; minified bytes, ≈ share of gzip):`);
  for (const [path, bytes] of rows) console.log(`  ${String(bytes).padStart(7)} B  ≈${String(Math.round((bytes / total) * sourceSize)).padStart(5)} B gz  ${path}`);
}
if (json) console.log(JSON.stringify(results, null, 2));
if (failed) {
  if (!json) console.error('\nSize budget exceeded (see above).');
  process.exit(1);
}
