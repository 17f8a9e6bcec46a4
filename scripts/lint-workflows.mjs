#!/usr/bin/env node
/**
 * `pnpm lint` part: validates every .github/workflows/*.yml against the GitHub Actions workflow
 * schema with action-validator (a WebAssembly build from npm: runs offline, downloads nothing).
 * It takes one file per run; this runs it on each and exits 1 if any fails or none is found.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
if (files.length === 0) {
  console.error(`no workflow in ${dir}`);
  process.exit(1);
}
const cli = join(dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')), 'cli.mjs');
let failed = 0;
for (const file of files) {
  const run = spawnSync(process.execPath, [cli, join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`.github/workflows/${file}: invalid (action-validator exit ${run.status})`);
    failed++;
  }
}
console.log(`workflows: ${files.length - failed}/${files.length} valid (${files.join(', ')})`);
process.exit(failed === 0 ? 0 : 1);
