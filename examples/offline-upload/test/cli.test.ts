import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-upload.js';

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

  it('prints the help', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.stdout.join('')).toMatch(/^Usage: openai-capi upload/);
  });
});
