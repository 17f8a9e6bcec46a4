import { describe, expect, it, vi } from 'vitest';
import { CapiValidationError, nobleSha256Hex } from '@x/openai-capi-core';
import { endpointUrl, resolveOptions } from './options.js';
import { defaultHasher, nodeCryptoHasher } from './hasher.js';
import { createLogger, redact, type Logger } from './logger.js';

const base = { pixelId: 'px', apiKey: 'k', fetch: async () => new Response('') };

describe('options', () => {
  it('documents its defaults in code: posthog-like flushAt 20 / 5 s, 1 MiB, 10 s timeout', () => {
    const { options, clamped } = resolveOptions(base);
    expect(options).toMatchObject({
      url: 'https://bzr.openai.com/v1/events?pid=px',
      integrationSource: 'x-openai-capi-node',
      validateOnly: undefined,
      flushAt: 20,
      flushIntervalMs: 5000,
      maxQueueSize: 10_000,
      maxBatchEvents: 1000,
      maxBatchBytes: 1_048_576,
      timeoutMs: 10_000,
      maxRetries: 5,
      logLevel: 'warn',
    });
    expect(clamped).toEqual([]);
  });

  it('clamps out-of-range numbers and reports each clamp', () => {
    const { options, clamped } = resolveOptions({ ...base, flushAt: 5000, maxBatchEvents: 0, maxQueueSize: 10, maxRetries: -1 });
    expect(options).toMatchObject({ flushAt: 10, maxBatchEvents: 1, maxQueueSize: 10, maxRetries: 0 });
    expect(clamped.map((c) => c.option).sort()).toEqual(['flushAt', 'maxBatchEvents', 'maxRetries']);
  });

  it('appends pid to an endpoint that already has a query', () => {
    expect(endpointUrl('http://127.0.0.1:9/v1/events?x=1', 'a&b')).toBe('http://127.0.0.1:9/v1/events?x=1&pid=a%26b');
  });

  it('rejects a number option of the wrong type, whichever it is, instead of using its default', () => {
    const numbers = [
      'flushAt', 'flushIntervalMs', 'maxQueueSize', 'maxBatchEvents', 'maxBatchBytes', 'timeoutMs', 'maxRetries',
      'retryInitialDelayMs', 'retryMaxDelayMs', 'retryAfterMaxMs', 'retryDeadlineMs', 'shutdownTimeoutMs',
    ];
    for (const key of numbers) {
      expect(() => resolveOptions({ ...base, [key]: '5' } as never), key).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: key, code: 'not_number' })] }),
      );
    }
  });

  it('rejects an API key that cannot be a bearer token, without quoting it', () => {
    for (const apiKey of ['sk-live-0123456789\n', ' sk-live-0123456789', 'sk-live 0123456789', '"sk-live-0123456789"', '\u201csk-live-0123456789\u201d']) {
      let error: unknown;
      try {
        resolveOptions({ ...base, apiKey });
      } catch (e) {
        error = e;
      }
      expect(CapiValidationError.isInstance(error), JSON.stringify(apiKey)).toBe(true);
      const { issues, message } = error as CapiValidationError;
      expect(issues).toEqual([expect.objectContaining({ path: 'apiKey', code: 'invalid_format' })]);
      expect(message).not.toContain('0123456789');
    }
    expect(resolveOptions({ ...base, apiKey: 'sk-proj_AZaz09.~+/==' }).options.apiKey).toBe('sk-proj_AZaz09.~+/==');
  });

  it('rejects an unknown option with a hint, instead of ignoring it', () => {
    const attempt = () => resolveOptions({ ...base, flush_at: 10, maxRetry: 3 } as never);
    expect(attempt).toThrow(expect.objectContaining({
      issues: [
        { path: 'flush_at', code: 'unknown_option', message: 'is not an option of createClient (did you mean flushAt?)' },
        { path: 'maxRetry', code: 'unknown_option', message: 'is not an option of createClient (did you mean maxRetries?)' },
      ],
    }));
  });

  it('rejects bad hooks and log levels', () => {
    expect(() => resolveOptions({ ...base, onError: 'x' as never })).toThrow(/onError/);
    expect(() => resolveOptions({ ...base, logLevel: 'verbose' as never })).toThrow(/logLevel/);
  });

  it('rejects timers without setTimeout and clearTimeout (instead of a TypeError on the first track)', () => {
    for (const timers of [{}, { setTimeout }, 'fake', null]) {
      expect(() => resolveOptions({ ...base, timers: timers as never })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'timers' })] }));
    }
    expect(resolveOptions({ ...base, timers: { setTimeout: () => 1, clearTimeout: () => undefined } }).options.timers.setTimeout(() => undefined, 1)).toBe(1);
  });
});

describe('hasher', () => {
  it('uses node:crypto when present, equal to core noble hasher', () => {
    const node = nodeCryptoHasher();
    expect(node).toBeDefined();
    for (const text of ['', 'user@example.com', 'josé 😀']) expect(node!(text)).toBe(nobleSha256Hex(text));
    expect(defaultHasher()).not.toBe(nobleSha256Hex);
  });

  it('uses the one-shot crypto.hash when present, createHash on a runtime without it (Node < 20.12), same digests', async () => {
    const crypto = await import('node:crypto');
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const oneShot = vi.fn(crypto.hash);
    const withHash = vi.spyOn(proc, 'getBuiltinModule').mockReturnValue({ hash: oneShot, createHash: crypto.createHash });
    try {
      const fast = nodeCryptoHasher()!;
      expect(fast('josé 😀')).toBe(nobleSha256Hex('josé 😀'));
      expect(oneShot).toHaveBeenCalledWith('sha256', 'josé 😀', 'hex');
      const createHash = vi.fn(crypto.createHash);
      withHash.mockReturnValue({ createHash });
      const older = nodeCryptoHasher()!;
      for (const text of ['', 'user@example.com', 'josé 😀']) expect(older(text)).toBe(nobleSha256Hex(text));
      expect(createHash).toHaveBeenCalledTimes(3);
    } finally {
      withHash.mockRestore();
    }
  });

  it("falls back to core's noble hasher on a runtime without node:crypto (edge, browsers' Fetch runtimes)", () => {
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const missing = vi.spyOn(proc, 'getBuiltinModule').mockReturnValue(undefined);
    try {
      expect(nodeCryptoHasher()).toBeUndefined();
      expect(defaultHasher()).toBe(nobleSha256Hex);
      expect(resolveOptions(base).options.hasher).toBe(nobleSha256Hex);
      missing.mockImplementation(() => {
        throw new Error('node:crypto is not allowed here');
      });
      expect(nodeCryptoHasher()).toBeUndefined();
      expect(defaultHasher()).toBe(nobleSha256Hex);
    } finally {
      missing.mockRestore();
    }
    expect(resolveOptions(base).options.hasher).not.toBe(nobleSha256Hex);
  });
});

describe('logger', () => {
  it('filters by level, redacts secrets and survives a throwing sink', () => {
    const lines: string[] = [];
    const sink: Logger = {
      error: (m, c) => lines.push(`E ${m} ${JSON.stringify(c)}`),
      warn: (m) => lines.push(`W ${m}`),
      info: (m) => lines.push(`I ${m}`),
      debug: () => {
        throw new Error('boom');
      },
    };
    const log = createLogger(sink, 'warn', ['s3cret-key']);
    log.error('key s3cret-key leaked', { nested: { header: 'Bearer s3cret-key' } });
    log.warn('w');
    log.info('i');
    createLogger(sink, 'debug', []).debug('d');
    expect(lines).toEqual(['E [openai-capi] key [redacted] leaked {"nested":{"header":"Bearer [redacted]"}}', 'W [openai-capi] w']);
    createLogger(sink, 'off', []).error('x');
    expect(lines).toHaveLength(2);
  });
});

describe('redact', () => {
  it('replaces every occurrence of a key of 8 characters or more', () => {
    expect(redact('a sk-12345678 b sk-12345678', ['sk-12345678'])).toBe('a [redacted] b [redacted]');
    expect(redact('x12345678y', ['12345678'])).toBe('x[redacted]y');
  });

  it('does not garble text with a tiny key, but still redacts it when it is the whole text', () => {
    expect(redact('keep looking: 1 key in the bank', ['k'])).toBe('keep looking: 1 key in the bank');
    expect(redact('1234567', ['1234567'])).toBe('[redacted]');
    expect(redact('k', ['k'])).toBe('[redacted]');
    expect(redact('1234567 and more', ['1234567'])).toBe('1234567 and more');
  });

  it('redacts the whole of a key holding whitespace, not just the part a Bearer rule sees', () => {
    // e.g. a fetch error that quotes the invalid header value `Bearer <key>`
    expect(redact('invalid header value "Bearer abcdefgh\nijklmnop"', ['abcdefgh\nijklmnop'])).toBe('invalid header value "Bearer [redacted]"');
  });

  it('always redacts Bearer credentials, whatever the configured key', () => {
    expect(redact('Authorization: Bearer k', ['k'])).toBe('Authorization: Bearer [redacted]');
    expect(redact('bearer other-token-123 next', [])).toBe('bearer [redacted] next');
    expect(redact('{"echo":"Bearer abc","n":1}', [])).toBe('{"echo":"Bearer [redacted]","n":1}');
    expect(JSON.parse(redact(JSON.stringify({ h: 'Bearer a"b\\c' }), []))).toEqual({ h: 'Bearer [redacted]"b\\c' });
    expect(redact('no credential here: Bearer', [])).toBe('no credential here: Bearer');
  });

  it('keeps logs readable with a tiny test key while scrubbing its Bearer header', () => {
    const lines: string[] = [];
    const sink: Logger = { error: (m, c) => lines.push(`${m} ${JSON.stringify(c)}`), warn: () => {}, info: () => {}, debug: () => {} };
    createLogger(sink, 'error', ['k']).error('queue_full: 3 event(s) not delivered', { header: 'Bearer k', key: 'k' });
    expect(lines).toEqual(['[openai-capi] queue_full: 3 event(s) not delivered {"header":"Bearer [redacted]","key":"[redacted]"}']);
  });
});

describe('endpoint', () => {
  it.each(['ftp://x', '/v1/events', 'bzr.openai.com/v1/events', 'https://exa mple.com/v1', ' https://x.test', 42, ''])(
    'refuses %j with an invalid_url issue (core source_url rule)',
    (endpoint) => {
      let caught: unknown;
      try {
        resolveOptions({ ...base, endpoint: endpoint as never });
      } catch (error) {
        caught = error;
      }
      expect((caught as { issues?: { path: string; code: string }[] }).issues?.map((i) => [i.path, i.code])).toContainEqual(['endpoint', 'invalid_url']);
    },
  );

  it.each(['https://bzr.openai.com/v1/events', 'http://127.0.0.1:8787/v1/events', 'http://localhost:3000/capi?x=1'])('accepts %s', (endpoint) => {
    expect(() => resolveOptions({ ...base, endpoint })).not.toThrow();
  });
});
