/**
 * Kill test: a child process tracks events (kept queued by a long flush interval), receives SIGTERM
 * and ends with the shutdown pattern of docs/server.md; the emulator must then hold every event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { waitFor, withTimeout } from './__tests__/soak-helpers.js';

const CHILD = fileURLToPath(new URL('./__tests__/shutdown-on-sigterm.ts', import.meta.url));
/** Resolves core to its sources in the child, as the vitest alias does here: no build needed. */
const CORE_FROM_SRC = fileURLToPath(new URL('./__tests__/resolve-core-from-src.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = 750;
const PIXEL = 'px_kill';
const KEY = 'sk_kill_secret';

interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(endpoint: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', CORE_FROM_SRC, CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      CAPI_ENDPOINT: endpoint,
      CAPI_EVENTS: String(EVENTS),
      CAPI_PIXEL_ID: PIXEL,
      CAPI_API_KEY: KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

describe('SIGTERM with the documented shutdown pattern', () => {
  let emulator: Emulator | undefined;
  let child: Child | undefined;
  afterEach(async () => {
    if (child !== undefined && child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await withTimeout(child.exited, 5_000, 'the child to die');
    }
    await emulator?.close();
  });

  /** Runs the child to `ready`, sends SIGTERM; with `failFirst`, the first request answers 503. */
  async function killAndCollect(failFirst = false) {
    emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL] });
    const emu = emulator;
    const c = (child = startChild(emu.endpoint));
    await waitFor(() => c.stdout().includes('ready') || c.process.exitCode !== null, 30_000, 'the child to print ready');
    expect(c.stdout(), c.stderr()).toContain('ready');
    // Everything is still queued: nothing was sent before the signal.
    expect(emu.requests).toHaveLength(0);
    if (failFirst) emu.setFaults({ status5xxRate: 1 });
    c.process.kill('SIGTERM');
    if (failFirst) {
      await waitFor(() => emu.requests.length > 0 || c.process.exitCode !== null, 10_000, 'the first request');
      emu.setFaults({});
    }
    const exit = await withTimeout(c.exited, 20_000, 'the child to exit');
    return { exit, emu, stdout: c.stdout(), stderr: c.stderr() };
  }

  it('delivers every queued event, then exits 0', async () => {
    const { exit, emu, stdout, stderr } = await killAndCollect();
    expect(exit, stderr).toEqual({ code: 0, signal: null });
    expect(stdout).toContain(`openai-capi: ${EVENTS} delivered, 0 not delivered at shutdown`);
    const ids = new Set(emu.events.map((e) => e.event.id));
    expect(ids.size).toBe(EVENTS);
    expect(Array.from({ length: EVENTS }, (_, i) => ids.has(`kill-${i}`)).every(Boolean)).toBe(true);
  }, 60_000);

  it('stays alive through a retry backoff during shutdown (the first attempt answers 503)', async () => {
    const { exit, emu, stdout, stderr } = await killAndCollect(true);
    expect(exit, stderr).toEqual({ code: 0, signal: null });
    expect(stdout).toContain(`openai-capi: ${EVENTS} delivered, 0 not delivered at shutdown`);
    expect(emu.requests[0]?.status).toBe(503);
    expect(new Set(emu.events.map((e) => e.event.id)).size).toBe(EVENTS);
  }, 60_000);
});
