import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapiError, CapiValidationError } from './errors.js';
import { buildEvent } from './build-event.js';
import { createEventId, checkEventId } from './ids.js';
import { validateEvent } from './validate.js';
import type { Issue } from './types.js';

const NOW = 1_760_000_000_000;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createEventId', () => {
  it('returns distinct version 4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 200 }, () => createEventId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('falls back to getRandomValues when randomUUID is missing', () => {
    const real = globalThis.crypto;
    const getRandomValues = vi.fn(<T extends Uint8Array>(array: T) => real.getRandomValues(array));
    vi.stubGlobal('crypto', { getRandomValues });
    const id = createEventId();
    expect(id).toMatch(UUID_V4);
    expect(getRandomValues).toHaveBeenCalledOnce();
  });

  it('sets the version and variant bits from fixed random bytes', () => {
    vi.stubGlobal('crypto', { getRandomValues: <T extends Uint8Array>(array: T) => array.fill(0xff) });
    expect(createEventId()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('throws a CapiError (never Math.random) when there is no Web Crypto', () => {
    vi.stubGlobal('crypto', undefined);
    const random = vi.spyOn(Math, 'random');
    expect(() => createEventId()).toThrow(CapiError);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('checkEventId: the one id rule', () => {
  const issuesOf = (id: unknown): Issue[] => {
    const issues: Issue[] = [];
    checkEventId(id, 'id', issues);
    return issues;
  };

  it.each([
    'order_12345', '1000123456', '+14155552671', 'A-1001', 'ORD/2026/7', ' padded ', 'x'.repeat(256), 'ok \uD83D\uDE00',
    'user@localhost', '@handle', 'a@b', '550e8400-e29b-41d4-a716-446655440000',
  ])('accepts %j as given (numeric and phone-like order ids included)', (id) => {
    expect(issuesOf(id)).toEqual([]);
  });

  it.each([
    [42, 'invalid_type'],
    [null, 'invalid_type'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['\t\n', 'empty'],
    ['x'.repeat(257), 'too_long'],
    ['\uD800', 'invalid_format'],
    ['order_\uDBFF', 'invalid_format'],
    ['jane.doe@example.com', 'invalid_format'],
    [' Jane@Example.co.uk ', 'invalid_format'],
  ])('refuses %j with %s, one issue at the path', (id, code) => {
    expect(issuesOf(id)).toEqual([expect.objectContaining({ path: 'id', code })]);
  });

  // The blank test skips trim() for ids starting with a printable ASCII char: every first char
  // (alone, and before a non-blank rest) must still be judged as trim() judges it.
  it('finds an id blank exactly when trim() leaves nothing, whatever its first char', () => {
    for (let code = 0; code < 0x10000; code++) {
      const c = String.fromCharCode(code);
      for (const id of [c, c + '\u2003', c + 'x']) {
        const blank = issuesOf(id).some((issue) => issue.code === 'empty');
        if (blank !== (id.trim() === '')) expect.fail(`U+${code.toString(16)} in ${JSON.stringify(id)}: blank ${blank}`);
      }
    }
  });

  it('tells the user to pass an order or lead id instead of an e-mail, without quoting it', () => {
    const [issue] = issuesOf('secret.person@example.com');
    expect(issue?.message).toMatch(/order or lead id/);
    expect(JSON.stringify(issue)).not.toContain('secret.person');
  });

  it('is the rule of validateEvent and buildEvent alike, the id sent verbatim', () => {
    const wire = { id: '   ', type: 'lead_created', timestamp_ms: NOW, action_source: 'offline', data: { type: 'customer_action' } };
    const result = validateEvent(wire, { now: NOW });
    expect(result.ok ? [] : result.issues.map((i) => `${i.path}:${i.code}`)).toEqual(['id:empty']);
    expect(() => buildEvent({ type: 'lead_created', id: 'a@b.example', actionSource: 'offline' }, { now: NOW })).toThrow(CapiValidationError);
    expect(buildEvent({ type: 'lead_created', id: ' 1000123456', actionSource: 'offline' }, { now: NOW }).id).toBe(' 1000123456');
  });
});
