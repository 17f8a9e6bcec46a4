import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-args.js';
import { runCli, type CliIo } from './cli-run.js';
import { KEY, order } from './__fixtures__/events.js';

function fakeIo() {
  let stop: (() => void) | undefined;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), onStop: (s) => (stop = s) };
  return { io, out, err, stop: () => stop?.() };
}

describe('parseCli', () => {
  it('defaults to port 4318 on 127.0.0.1 with any key and pixel', () => {
    expect(parseCli([])).toEqual({ port: 4318, host: '127.0.0.1' });
  });

  it('reads --port, --host, --api-key, repeated --pixel-id and --seed', () => {
    expect(parseCli(['--port', '0', '--host', '::1', '--api-key', KEY, '--pixel-id', 'a', '--pixel-id', 'b', '--seed', '9'])).toEqual({
      port: 0,
      host: '::1',
      apiKey: KEY,
      pixelIds: ['a', 'b'],
      seed: 9,
    });
  });

  it.each([[['--port', 'abc']], [['--port', '70000']], [['--seed', '1.5']], [['--nope']]])('rejects %j', (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });

  it('recognises --help', () => {
    expect(parseCli(['-h'])).toBe('help');
  });
});

describe('runCli', () => {
  it('prints the page and endpoint (never the key), serves, and closes cleanly on stop', async () => {
    const fake = fakeIo();
    const run = await runCli(['--port', '0', '--api-key', KEY, '--pixel-id', 'px_1'], fake.io);
    const text = fake.out.join('');
    const emulator = run.emulator!;
    expect(text).toContain(`${emulator.url}/`);
    expect(text).toContain(emulator.endpoint);
    expect(text).toContain(`${emulator.url}/sdk/oaiq.min.js`);
    expect(text).not.toContain(KEY);
    const res = await fetch(`${emulator.endpoint}?pid=px_1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [order('o1', { timestamp_ms: Date.now() - 60_000 })] }),
    });
    expect(res.status).toBe(200);
    fake.stop();
    expect(await run.exitCode).toBe(0);
    await expect(fetch(emulator.url)).rejects.toThrow();
  });

  it('exits 2 with the usage on bad arguments and 0 on --help', async () => {
    const bad = fakeIo();
    expect(await (await runCli(['--port', 'x'], bad.io)).exitCode).toBe(2);
    expect(bad.err.join('')).toContain('Usage: openai-capi-emulator');
    const help = fakeIo();
    expect(await (await runCli(['--help'], help.io)).exitCode).toBe(0);
    expect(help.out.join('')).toContain('--pixel-id');
  });

  it('exits 1 when the port is taken', async () => {
    const first = fakeIo();
    const run = await runCli(['--port', '0'], first.io);
    const port = new URL(run.emulator!.url).port;
    const second = fakeIo();
    expect(await (await runCli(['--port', port], second.io)).exitCode).toBe(1);
    expect(second.err.join('')).toContain('EADDRINUSE');
    first.stop();
    await run.exitCode;
  });
});

describe('runCli: arguments Number() would misread', () => {
  it.each([[['--port', '']], [['--port', '0x1F90']], [['--seed', '']], [['--api-key', 'has space']], [['--pixel-id', '']]])(
    'exits 2 for %j',
    async (argv) => {
      const fake = fakeIo();
      expect(await (await runCli(argv, fake.io)).exitCode).toBe(2);
    },
  );
});
