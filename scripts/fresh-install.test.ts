/**
 * A first install is quiet: the workspace's manifests, lockfile and committed bin launchers are
 * copied into an empty directory (no dist/, no node_modules, like a fresh clone) and installed
 * with `pnpm install --frozen-lockfile --offline` from the local store the repository's own
 * install filled. No `WARN` line (the old `Failed to create bin … ENOENT` for bins pointing into
 * dist/) and no "Ignored build scripts" box (the install-script policy in pnpm-workspace.yaml).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** What a fresh clone holds that `pnpm install` reads: manifests, lockfile, bins, the msw subpath. */
function installInputs(): string[] {
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  const projects = ['type-tests'];
  for (const parent of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, parent))) projects.push(`${parent}/${name}`);
  }
  for (const project of projects) {
    if (!existsSync(join(root, project, 'package.json'))) continue;
    files.push(`${project}/package.json`);
    for (const extra of ['bin', 'msw/package.json']) if (existsSync(join(root, project, extra))) files.push(`${project}/${extra}`);
  }
  return files;
}

describe('a fresh install of the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openai-capi-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }), 60_000);

  it('prints no warning and no ignored-build-scripts box, and links every bin', () => {
    for (const file of installInputs()) cpSync(join(root, file), join(dir, file), { recursive: true });
    const run = spawnSync('npx', ['-y', 'pnpm@10', 'install', '--frozen-lockfile', '--offline'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    const output = `${run.stdout}${run.stderr}`;
    if (run.status !== 0) {
      throw new Error(`pnpm install --offline failed (run the repository's own \`pnpm install\` first to fill the store):\n${output}`);
    }
    expect(output.split('\n').filter((line) => /\bWARN\b/.test(line))).toEqual([]);
    expect(output).not.toMatch(/ignored build scripts/i);
    for (const [project, bin] of [
      ['examples/node-relay', 'openai-capi-emulator'],
      ['type-tests', 'openai-capi'],
    ] as const) {
      expect(existsSync(join(dir, project, 'node_modules', '.bin', bin)), `${project} links ${bin}`).toBe(true);
    }
  }, 120_000);
});
