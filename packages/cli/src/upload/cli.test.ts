import { describe, expect, it } from 'vitest';
import { runCli } from '../main.js';

function io(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    io: {
      stdout: { write: (t: string) => stdout.push(t) },
      stderr: { write: (t: string) => stderr.push(t), isTTY: false },
      env,
      readFile: async (path: string) => {
        const text = files[path];
        if (text === undefined) throw new Error('ENOENT: no such file');
        return text;
      },
    },
  };
}

const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const fresh = `order_id,created_at,email,value,currency\nB-1,${hourAgo},a@example.com,10.00,USD\nB-2,${hourAgo},b@example.com,5,USD\n`;

describe('openai-capi upload', () => {
  it('sends a CSV to the embedded emulator and prints the summary (exit 0)', async () => {
    const t = io({ 'orders.csv': fresh });
    const code = await runCli(['upload', 'orders.csv', '--emulator', '--type', 'order_created'], t.io);
    expect(t.stderr.join('')).toMatch(/embedded emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(t.stdout.join('')).toContain('2 rows: 2 delivered, 0 rejected, 0 stale');
    expect(t.stdout.join('')).toContain('The emulator holds 2 event(s).');
    expect(code).toBe(0);
  });

  it('answers an endpoint or API key the client refuses with a usage error (exit 2), without quoting the key', async () => {
    for (const [flag, value, option] of [['--endpoint', 'ftp://x.test/v1/events', 'endpoint'], ['--api-key', 'sk-secret 123', 'apiKey']] as const) {
      const t = io({ 'orders.csv': fresh });
      const others = flag === '--api-key' ? [] : ['--api-key', 'sk-ok-123'];
      const code = await runCli(['upload', 'orders.csv', '--pixel-id', 'px', ...others, flag, value, '--type', 'order_created'], t.io);
      expect(code, flag).toBe(2);
      expect(t.stderr.join(''), flag).toContain(option);
      expect(t.stderr.join('') + t.stdout.join('')).not.toContain('sk-secret');
    }
  });

  it('says validate_only and stores nothing in the emulator with --validate-only', async () => {
    const t = io({ 'orders.csv': fresh });
    const code = await runCli(['upload', 'orders.csv', '--emulator', '--validate-only', '--type', 'order_created'], t.io);
    expect(code).toBe(0);
    expect(t.stderr.join('')).toContain('validate_only');
    expect(t.stdout.join('')).toContain('2 validated (validate_only: nothing saved)');
    expect(t.stdout.join('')).toContain('The emulator holds 0 event(s).');
  });

  it('exits 1 when a row is rejected, naming the line', async () => {
    const t = io({ 'orders.csv': `${fresh}B-3,${hourAgo},b@example.com,1.234,USD\n` });
    const code = await runCli(['upload', 'orders.csv', '--emulator', '--type', 'order_created'], t.io);
    expect(code).toBe(1);
    expect(t.stdout.join('')).toMatch(/Rejected:\n {2}line 4: /);
    expect(t.stdout.join('')).not.toContain('b@example.com');
  });

  it('exits 2 with the usage on a bad command line, without a key, or on an unreadable file', async () => {
    const noKey = io({ 'orders.csv': fresh });
    expect(await runCli(['upload', 'orders.csv'], noKey.io)).toBe(2);
    expect(noKey.stderr.join('')).toMatch(/pixel id and an API key are needed/);

    const badMap = io();
    expect(await runCli(['upload', 'x.csv', '--emulator', '--map', 'a=nope'], badMap.io)).toBe(2);
    expect(badMap.stderr.join('')).toMatch(/unknown field "nope"/);

    const missing = io();
    expect(await runCli(['upload', 'missing.csv', '--emulator'], missing.io)).toBe(2);
    expect(missing.stderr.join('')).toMatch(/missing\.csv: ENOENT/);

    const wrongType = io({ 'x.xlsx': '' });
    expect(await runCli(['upload', 'x.xlsx', '--emulator'], wrongType.io)).toBe(2);
    expect(wrongType.stderr.join('')).toMatch(/unsupported file type/);
  });

  it('validates without credentials and sends nothing with --dry-run (exit 0, or 1 with a bad row)', async () => {
    const t = io({ 'orders.csv': fresh });
    const code = await runCli(['upload', 'orders.csv', '--dry-run', '--type', 'order_created'], t.io);
    expect(t.stderr.join('')).toContain('Dry run');
    expect(t.stdout.join('')).toContain('2 rows: 2 valid (dry run: checked here, nothing sent), 0 rejected, 0 stale (older than 7 days)\n');
    expect(code).toBe(0);

    const bad = io({ 'orders.csv': `${fresh}B-3,${hourAgo},b@example.com,1.234,USD\n` });
    expect(await runCli(['upload', 'orders.csv', '--dry-run', '--type', 'order_created'], bad.io)).toBe(1);
    expect(bad.stdout.join('')).toMatch(/2 valid[^\n]*1 rejected[\s\S]*line 4: /);
  });

  it('refuses --dry-run with --emulator or --validate-only (exit 2)', async () => {
    for (const flag of ['--emulator', '--validate-only']) {
      const t = io({ 'orders.csv': fresh });
      expect(await runCli(['upload', 'orders.csv', '--dry-run', flag], t.io)).toBe(2);
      expect(t.stderr.join('')).toContain(`cannot be combined with ${flag}`);
    }
  });

  it('prints the command overview and each command\'s help', async () => {
    const overview = io();
    expect(await runCli(['--help'], overview.io)).toBe(0);
    expect(overview.stdout.join('')).toMatch(/^Usage: openai-capi <command>[\s\S]*\n {2}upload /);

    const upload = io();
    expect(await runCli(['upload', '--help'], upload.io)).toBe(0);
    expect(upload.stdout.join('')).toMatch(/^Usage: openai-capi upload[\s\S]*--dry-run/);

    const viaHelp = io();
    expect(await runCli(['help', 'upload'], viaHelp.io)).toBe(0);
    expect(viaHelp.stdout.join('')).toBe(upload.stdout.join(''));
  });

  it('exits 2 with the overview without a command or on an unknown one', async () => {
    const none = io();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.stdout.join('')).toMatch(/^Usage: openai-capi <command>/);

    for (const argv of [['reconcil', 'x.csv'], ['help', 'nope'], ['toString']]) {
      const t = io();
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.stderr.join('')).toContain(`unknown command "${argv[0] === 'help' ? argv[1] : argv[0]}"`);
    }
  });
});
