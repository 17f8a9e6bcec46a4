/**
 * `pnpm demo`'s entry (`src/main.ts`) as a real process: what it prints, the real-API mode it
 * announces, and a clean shutdown on Ctrl-C (SIGINT). Ports are free ones (PORT=0); nothing is
 * sent anywhere, so the real-API mode needs no network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('..', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `node --import tsx src/main.ts` with `env` (no inherited OPENAI_CAPI_*), collecting its output. */
function startMain(env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_CAPI_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: DIR,
    env: { ...base, PORT: '0', EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves once the output contains `text`; rejects (with the output) if the process exits or 30 s pass. */
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!output.includes(text)) return;
        clearInterval(timer);
        resolve();
      };
      const timer = setInterval(check, 20);
      check();
      void exited.then(() => {
        check();
        clearInterval(timer);
        reject(new Error(`exited before printing "${text}":\n${output}`));
      });
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`no "${text}" after 30 s:\n${output}`));
      }, 30_000).unref();
    });
  return { child, output: () => output, waitFor, exited };
}

describe('pnpm demo (src/main.ts)', () => {
  it('prints the shop URL with ?oppref= and the emulator page, serves them, and stops cleanly on Ctrl-C', async () => {
    const demo = startMain({});
    await demo.waitFor('Ctrl-C to stop');
    const shop = /Shop \(as if you came from a ChatGPT ad\):\s+(http:\/\/localhost:\d+\/)\?oppref=demo-click-1/.exec(demo.output());
    const emulator = /Emulator \(what "OpenAI" received\):\s+(http:\/\/localhost:\d+\/)/.exec(demo.output());
    expect(shop, demo.output()).not.toBeNull();
    expect(emulator, demo.output()).not.toBeNull();
    expect(demo.output()).toContain('No account, no key');
    const loopback = (url: string) => url.replace('localhost', '127.0.0.1');
    expect((await fetch(loopback(shop![1]!))).status).toBe(200);
    expect(await (await fetch(loopback(emulator![1]!))).text()).toContain('Conversions API emulator');

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('SIGINT: flushing and shutting down');
    expect(demo.output()).toContain('Bye.');
    await expect(fetch(loopback(shop![1]!))).rejects.toThrow(); // the shop is closed
  }, 60_000);

  it('with OPENAI_CAPI_PIXEL_ID and OPENAI_CAPI_API_KEY, says it sends to the real API with validate_only and starts no emulator', async () => {
    const demo = startMain({ OPENAI_CAPI_PIXEL_ID: 'px-from-env', OPENAI_CAPI_API_KEY: 'key-from-env' });
    await demo.waitFor('Ctrl-C to stop');
    expect(demo.output()).toContain('Sending to the real Conversions API with validate_only: true (pixel px-from-env)');
    expect(demo.output()).not.toContain('Emulator');
    expect(demo.output()).not.toContain('key-from-env');
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('Bye.');
  }, 60_000);
});
