/**
 * Starts each runtime under test on a free loopback port, serving `app.mjs` over the built package.
 * A runtime that cannot start throws, saying why: its tests then fail, never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, '..');
/** The built package the runtimes load (`pnpm build` makes it). */
export const DIST_ENTRY = join(pkgDir, 'dist', 'index.js');
const require = createRequire(import.meta.url);

/** A runtime serving the app. */
export interface RuntimeHost {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Whether the platform hands the app a `waitUntil` (the flush then ends after the answer). */
  waitUntil: boolean;
  /** Stops the runtime. */
  close(): Promise<void>;
}

/**
 * Bundles an entry with the built package, as wrangler or Next.js would for an edge platform: no
 * Node built-in may be imported (`platform: 'neutral'`), so a `node:` import fails the bundle.
 */
export async function bundle(entry: string, format: 'esm' | 'iife'): Promise<string> {
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    write: false,
    format,
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'edge-light', 'browser', 'import'],
    alias: { '@x/openai-capi-node': DIST_ENTRY },
    nodePaths: [join(pkgDir, 'node_modules')],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Cloudflare workerd, through miniflare (which ships workerd's binary as an npm package). */
export async function startWorkerd(): Promise<RuntimeHost> {
  const { Miniflare } = await import('miniflare');
  const script = await bundle('worker-entry.mjs', 'esm');
  const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01', host: '127.0.0.1', port: 0 });
  const url = (await mf.ready).origin;
  return { url, waitUntil: true, close: () => mf.dispose() };
}

/** Vercel's edge-runtime: the bundle evaluated in its VM, served by its own server. */
export async function startEdgeRuntime(): Promise<RuntimeHost> {
  const { EdgeRuntime, runServer } = await import('edge-runtime');
  const initialCode = await bundle('edge-entry.mjs', 'iife');
  const runtime = new EdgeRuntime({ initialCode });
  const server = await runServer({ runtime, port: 0, host: '127.0.0.1' });
  return { url: server.url.replace(/\/$/, ''), waitUntil: true, close: () => server.close() };
}

/** The Bun binary of the `bun` npm package's platform package (its postinstall only copies it). */
export function bunBinary(): string {
  const fromBun = createRequire(require.resolve('bun/package.json'));
  const candidates = [`@oven/bun-${process.platform}-${process.arch === 'x64' ? 'x64' : 'aarch64'}`];
  if (process.arch === 'x64') candidates.push('@oven/bun-linux-x64-baseline');
  for (const name of candidates) {
    try {
      return join(dirname(fromBun.resolve(`${name}/package.json`)), 'bin', 'bun');
    } catch {
      // next candidate
    }
  }
  throw new Error(`no Bun binary: none of ${candidates.join(', ')} is installed (run pnpm install)`);
}

/** Deno's launcher from the `deno` npm package (it finds the platform binary itself). */
export function denoLauncher(): string {
  return join(dirname(require.resolve('deno/package.json')), 'bin.cjs');
}

/** Spawns a server script and waits for its `LISTENING <port>` line. */
async function spawnServer(name: string, command: string, args: string[], env: Record<string, string>, cleanup: () => Promise<void>): Promise<RuntimeHost> {
  let child: ChildProcess;
  try {
    // A process group of its own: Deno's npm launcher runs the deno binary as a child of its own
    // and does not pass signals on, so killing the launcher alone left the server running.
    child = spawn(command, args, { cwd: here, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (error) {
    await cleanup();
    throw new Error(`${name} could not start: ${(error as Error).message}`);
  }
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within 30 s. Output:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening. Output:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    killGroup(child, 'SIGKILL');
    await groupGone(name, child);
    await cleanup();
    throw error;
  });
  const close = async () => {
    killGroup(child, 'SIGTERM');
    await groupGone(name, child);
    await cleanup();
  };
  return { url: `http://127.0.0.1:${port}`, waitUntil: false, close };
}

/** Sends `signal` to every process of `child`'s group (the child and what it started). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Waits until no process of `child`'s group is left; a server outliving its test fails the run. */
async function groupGone(name: string, child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return; // ESRCH: none left
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`${name}: processes of the server's group still ran 10 s after SIGTERM (killed now)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Bun, importing the package from dist/. */
export async function startBun(): Promise<RuntimeHost> {
  const home = await mkdtemp(join(tmpdir(), 'capi-bun-'));
  return spawnServer(
    'Bun',
    bunBinary(),
    ['run', join(here, 'bun-server.mjs')],
    { OPENAI_CAPI_DIST: pathToFileURL(DIST_ENTRY).href, BUN_INSTALL_CACHE_DIR: join(home, 'cache'), DO_NOT_TRACK: '1' },
    () => rm(home, { recursive: true, force: true }),
  );
}

/**
 * Deno, importing the package from dist/ (bare imports resolved through node_modules; read access to
 * packages/ because the workspace links `@x/openai-capi-core` there).
 */
export async function startDeno(): Promise<RuntimeHost> {
  const home = await mkdtemp(join(tmpdir(), 'capi-deno-'));
  return spawnServer(
    'Deno',
    process.execPath,
    [denoLauncher(), 'run', '--quiet', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env=OPENAI_CAPI_DIST', `--allow-read=${join(pkgDir, '..')},${join(pkgDir, '..', '..', 'node_modules')}`, join(here, 'deno-server.mjs')],
    { OPENAI_CAPI_DIST: pathToFileURL(DIST_ENTRY).href, DENO_DIR: home, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    () => rm(home, { recursive: true, force: true }),
  );
}
