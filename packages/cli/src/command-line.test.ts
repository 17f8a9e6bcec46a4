import { describe, expect, it } from 'vitest';
import { applyAccount, parseCommandArgs, parseCommandLine, UsageError } from './command-line.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => void (out.stdout += s) }, stderr: { write: (s: string) => void (out.stderr += s) } } };
}

describe('parseCommandLine', () => {
  it('returns the parsed arguments', () => {
    const { out, io: streams } = io();
    expect(parseCommandLine(() => ({ file: 'a.csv' }), streams, 'Usage: x')).toEqual({ file: 'a.csv' });
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it('prints the usage on --help (exit 0) and the error with the usage on a usage error (exit 2)', () => {
    const help = io();
    expect(parseCommandLine(() => 'help' as const, help.io, 'Usage: x')).toBe(0);
    expect(help.out).toEqual({ stdout: 'Usage: x\n', stderr: '' });
    const bad = io();
    const fail = (): { file: string } => {
      throw new UsageError('missing the file');
    };
    expect(parseCommandLine(fail, bad.io, 'Usage: x')).toBe(2);
    expect(bad.out).toEqual({ stdout: '', stderr: 'openai-capi: missing the file\n\nUsage: x\n' });
  });

  it('throws any other error', () => {
    const { io: streams } = io();
    expect(() => parseCommandLine(() => { throw new TypeError('bug'); }, streams, 'Usage: x')).toThrow(TypeError);
  });
});

describe('applyAccount', () => {
  it('takes the flags first, the environment second, and leaves empty values unset', () => {
    const args: { pixelId?: string; apiKey?: string; endpoint?: string } = {};
    applyAccount(args, { 'pixel-id': 'px', endpoint: 'http://127.0.0.1:1/v1/events' }, { OPENAI_CAPI_PIXEL_ID: 'env-px', OPENAI_CAPI_API_KEY: 'env-key' });
    expect(args).toEqual({ pixelId: 'px', apiKey: 'env-key', endpoint: 'http://127.0.0.1:1/v1/events' });
    const empty: { pixelId?: string; apiKey?: string } = {};
    applyAccount(empty, {}, { OPENAI_CAPI_PIXEL_ID: '', OPENAI_CAPI_API_KEY: undefined });
    expect(empty).toEqual({});
  });
});

describe('parseCommandArgs', () => {
  const own = { since: { type: 'string' }, replay: { type: 'boolean', default: false } } as const;

  it('gives the file and the flags, the common ones with their defaults', () => {
    expect(parseCommandArgs(['a.csv', '--since', '5', '--pixel-id', 'px'], own, 'missing the file')).toEqual({
      file: 'a.csv',
      values: { since: '5', 'pixel-id': 'px', replay: false, emulator: false, help: false },
    });
  });

  it("answers 'help' to -h before any other check", () => {
    expect(parseCommandArgs(['-h'], own, 'missing the file')).toBe('help');
    expect(parseCommandArgs(['a', 'b', '--help'], own, 'missing the file')).toBe('help');
  });

  it('throws a UsageError for an unknown flag, no file or more than one', () => {
    expect(() => parseCommandArgs(['a.csv', '--nope'], own, 'missing the file')).toThrow(UsageError);
    expect(() => parseCommandArgs([], own, 'missing the file')).toThrow(new UsageError('missing the file'));
    expect(() => parseCommandArgs(['a', 'b', 'c'], own, 'missing the file')).toThrow(new UsageError('unexpected arguments: b c'));
  });
});
