/** The error classes: their fields, their hierarchy, and `isInstance` across two copies of the package. */
import { describe, expect, it, vi } from 'vitest';
import {
  CapiApiError,
  CapiConnectionError,
  CapiError,
  CapiTimeoutError,
  CapiValidationError,
  fail,
} from './errors.js';
import type { Issue } from './types.js';

const issue: Issue = { path: 'data.amount', code: 'negative', message: 'must be a non-negative integer' };

/** A second, separately evaluated copy of `errors.ts`: what two installed copies of the package look like. */
async function secondCopy(): Promise<typeof import('./errors.js')> {
  vi.resetModules();
  return import('./errors.js');
}

describe('error classes', () => {
  it('carry their fields, names and causes', () => {
    const cause = new Error('socket hang up');
    const api = new CapiApiError('HTTP 503', { status: 503, body: { error: 'busy' }, requestId: 'req_1' });
    expect(api).toMatchObject({ name: 'CapiApiError', message: 'HTTP 503', status: 503, body: { error: 'busy' }, requestId: 'req_1' });
    expect(new CapiApiError('HTTP 500', { status: 500 })).toMatchObject({ body: undefined, requestId: undefined });
    const validation = new CapiValidationError([issue]);
    expect(validation).toMatchObject({ name: 'CapiValidationError', issues: [issue] });
    expect(validation.message).toBe('Invalid input: data.amount: must be a non-negative integer');
    expect(new CapiConnectionError('refused', { cause })).toMatchObject({ name: 'CapiConnectionError', cause });
    expect(new CapiTimeoutError('too slow')).toMatchObject({ name: 'CapiTimeoutError', message: 'too slow' });
    expect(new CapiError('base')).toMatchObject({ name: 'CapiError', message: 'base' });
  });

  it('form one hierarchy under CapiError (a timeout is a connection error)', () => {
    const errors = [
      new CapiValidationError([issue]),
      new CapiApiError('x', { status: 400 }),
      new CapiConnectionError('x'),
      new CapiTimeoutError('x'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(CapiError);
      expect(CapiError.isInstance(error)).toBe(true);
    }
    const timeout = new CapiTimeoutError('x');
    expect(CapiConnectionError.isInstance(timeout)).toBe(true);
    expect(CapiTimeoutError.isInstance(new CapiConnectionError('x'))).toBe(false);
    expect(CapiApiError.isInstance(new CapiValidationError([issue]))).toBe(false);
    expect(CapiValidationError.isInstance(new CapiApiError('x', { status: 422 }))).toBe(false);
  });

  it('isInstance is false for anything that is not one of them', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'CapiValidationError', issues: [] });
    for (const value of [lookalike, new Error('x'), null, undefined, 'CapiError', 42, {}, { [Symbol.for('x.openai-capi.error')]: 'CapiError' }]) {
      expect(CapiError.isInstance(value)).toBe(false);
      expect(CapiValidationError.isInstance(value)).toBe(false);
    }
  });

  it('fail throws a CapiValidationError holding one issue', () => {
    expect(() => fail(issue.path, 'negative', issue.message)).toThrow(expect.objectContaining({ issues: [issue] }));
  });

  it('isInstance works across two copies of the package (a Symbol.for brand), where instanceof does not', async () => {
    const other = await secondCopy();
    expect(other.CapiError).not.toBe(CapiError);
    const theirs = [
      [new other.CapiValidationError([issue]), CapiValidationError],
      [new other.CapiApiError('x', { status: 401 }), CapiApiError],
      [new other.CapiConnectionError('x'), CapiConnectionError],
      [new other.CapiTimeoutError('x'), CapiTimeoutError],
    ] as const;
    for (const [error, ours] of theirs) {
      expect(error).not.toBeInstanceOf(ours);
      expect(ours.isInstance(error)).toBe(true);
      expect(CapiError.isInstance(error)).toBe(true);
    }
    expect(other.CapiValidationError.isInstance(new CapiValidationError([issue]))).toBe(true);
    expect(other.CapiApiError.isInstance(new CapiValidationError([issue]))).toBe(false);
  });
});
