/**
 * Packs every published package the way `changeset publish` does (`pnpm pack`, which differs from
 * `npm pack`: it always adds files named `readme.*`, even `src/readme.test.ts`) and checks the file
 * list: the build, the licence and the README are in; tests, fixtures and configs are out; every
 * path package.json points to is packed; the README links nowhere the package cannot follow.
 * Then installs the CLI's tarballs into a fresh project with npm and runs `npx openai-capi` there.
 * Needs the build (`pnpm test` builds first) and the npm registry (for `@noble/hashes`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const REPO_BLOB = 'https://github.com/x/openai-capi/blob/main/';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  main?: string;
  module?: string;
  types?: string;
  unpkg?: string;
  jsdelivr?: string;
  bin?: Record<string, string>;
  exports?: unknown;
}

const published = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => !manifest.private);

/** The files `pnpm pack` would put in the tarball, as relative paths. */
function packedFiles(dir: string): string[] {
  const out = execFileSync('npx', ['-y', 'pnpm@10', 'pack', '--dry-run', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const report = JSON.parse(out.slice(out.indexOf('{'))) as { files: { path: string }[] };
  return report.files.map((f) => f.path).sort();
}

/** Every file path a manifest points to: entry fields, the exports map's leaves, bins. */
function pointedTo(manifest: Manifest): string[] {
  const paths: string[] = [];
  for (const field of ['main', 'module', 'types', 'unpkg', 'jsdelivr'] as const) {
    const value = manifest[field];
    if (value) paths.push(value);
  }
  const walk = (node: unknown) => {
    if (typeof node === 'string') paths.push(node);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(manifest.exports);
  paths.push(...Object.values(manifest.bin ?? {}));
  return [...new Set(paths.map((p) => normalize(p)))];
}

const NOT_PUBLISHED = /(^|\/)(__tests__|__fixtures__)\/|\.(test|bench|spec)\.[cm]?[jt]sx?$|(^|\/)tsconfig[^/]*\.json$|tsup\.config|\.tsbuildinfo$|(^|\/)node_modules\//;
const TOP_LEVEL = new Set(['dist', 'src', 'bin', 'package.json', 'README.md', 'LICENSE']);

/** `msw/package.json`-style stubs that let node10 resolution find a subpath export (`./msw`). */
function isSubpathStub(file: string, manifest: Manifest): boolean {
  const match = /^([a-z0-9-]+)\/package\.json$/.exec(file);
  return match !== null && typeof manifest.exports === 'object' && manifest.exports !== null && `./${match[1]}` in manifest.exports;
}

describe('packed tarballs', () => {
  it('covers the five published packages', () => {
    expect(published.map((p) => p.manifest.name).sort()).toEqual([
      '@x/openai-capi-browser',
      '@x/openai-capi-cli',
      '@x/openai-capi-core',
      '@x/openai-capi-node',
      '@x/openai-capi-testing',
    ]);
  });

  for (const { dir, manifest } of published) {
    describe(manifest.name, () => {
      it('packs the build, README, LICENSE and no test, fixture or config file', () => {
        if (!existsSync(join(dir, 'dist'))) throw new Error(`${manifest.name} has no dist/: run \`pnpm build\` first`);
        const files = packedFiles(dir);
        expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
        expect(files.filter((f) => NOT_PUBLISHED.test(f))).toEqual([]);
        expect(files.filter((f) => !TOP_LEVEL.has(f.split('/')[0] ?? '') && !isSubpathStub(f, manifest))).toEqual([]);
        expect(files.some((f) => f.startsWith('dist/'))).toBe(true);
        // Everything package.json points to ships (a missing bin is what made installs warn ENOENT).
        expect(pointedTo(manifest).filter((p) => !files.includes(p))).toEqual([]);
      });

      it('is MIT with the licence text in the package', () => {
        expect(manifest.license).toBe('MIT');
        expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
      });

      it('has bins that exist before the build and run the built CLI', () => {
        for (const bin of Object.values(manifest.bin ?? {})) {
          expect(bin.startsWith('./bin/'), `${bin} must be a committed launcher, not a build output`).toBe(true);
          const text = readFileSync(join(dir, bin), 'utf8');
          expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
          const target = /^import '(\.\.\/dist\/[^']+)';$/m.exec(text)?.[1];
          expect(target, `${bin} imports the built CLI`).toBeDefined();
          expect(existsSync(join(dir, 'bin', target ?? ''))).toBe(true);
        }
      });

      it('has a README whose links work outside the repository', () => {
        const readme = readFileSync(join(dir, 'README.md'), 'utf8');
        const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
        expect(links.filter((l) => !/^(https?:|mailto:|#)/.test(l)), 'relative links break on npm').toEqual([]);
        const missing = links
          .filter((l) => l.startsWith(REPO_BLOB))
          .map((l) => l.slice(REPO_BLOB.length).split('#')[0] ?? '')
          .filter((path) => !existsSync(join(root, path)));
        expect(missing, 'links into the repository name files that exist').toEqual([]);
      });
    });
  }
});

describe('the openai-capi command, installed from the packed tarballs with npm', () => {
  let project: string;
  const run = (bin: string, args: string[]) =>
    spawnSync('npx', ['--no', '--', bin, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, OPENAI_CAPI_API_KEY: '', OPENAI_CAPI_PIXEL_ID: '' } });

  beforeAll(() => {
    for (const pkg of ['core', 'node', 'testing', 'cli']) {
      if (!existsSync(join(root, 'packages', pkg, 'dist'))) throw new Error(`packages/${pkg} has no dist/: run \`pnpm build\` first`);
    }
    project = mkdtempSync(join(tmpdir(), 'openai-capi-npx-'));
    const tarballs = join(project, 'tarballs');
    for (const pkg of ['core', 'node', 'testing', 'cli']) {
      execFileSync('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', pkg), stdio: 'ignore' });
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }));
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    // A real npm install (the registry supplies @noble/hashes): what `npx @x/openai-capi-cli` does.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], { cwd: project, stdio: 'pipe' });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(
      join(project, 'orders.csv'),
      `order_id,event,created_at,email,amount,currency\nA-1,order_created,${hourAgo},ada@example.com,10.00,USD\nA-2,order_created,${hourAgo},not-an-email,5,USD\n`,
    );
  }, 180_000);
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('validates a CSV with --dry-run, without credentials, and reports the bad row (exit 1)', () => {
    const result = run('openai-capi', ['upload', 'orders.csv', '--dry-run']);
    expect(result.stdout).toContain('2 rows: 1 valid (dry run: checked here, nothing sent), 1 rejected');
    expect(result.stdout).toMatch(/line 3: user\.email/);
    expect(result.stdout).not.toContain('not-an-email');
    expect(result.status).toBe(1);
  });

  it('uploads to the embedded emulator', () => {
    const result = run('openai-capi', ['upload', 'orders.csv', '--emulator']);
    expect(result.stdout).toContain('1 delivered, 1 rejected');
    expect(result.stdout).toContain('The emulator holds 1 event(s).');
  });

  it('runs as `npx @x/openai-capi-cli …`, the form the docs give', () => {
    const result = run('@x/openai-capi-cli', ['upload', 'orders.csv', '--dry-run']);
    expect(result.stdout).toContain('2 rows: 1 valid (dry run');
    expect(result.status).toBe(1);
  });

  it('lists its commands, and the emulator bin runs too', () => {
    const overview = run('openai-capi', ['--help']);
    expect(overview.status).toBe(0);
    expect(overview.stdout).toMatch(/Commands:\n {2}upload /);
    const emulator = run('openai-capi-emulator', ['--help']);
    expect(emulator.status).toBe(0);
    expect(emulator.stdout).toMatch(/^Usage: openai-capi-emulator/);
  });
});
