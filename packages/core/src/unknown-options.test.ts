import { describe, expect, it } from 'vitest';
import { unknownOptionIssues } from './unknown-options.js';

const KNOWN = { flushAt: true, flushIntervalMs: true, allowedOrigins: true } as const;

describe('unknownOptionIssues', () => {
  it('lists each unknown own key, with a hint when a known name starts like it', () => {
    expect(unknownOptionIssues({ flushAt: 1, allowedOrigin: [], flush_at: 2, colour: 'red' }, KNOWN, 'createClient')).toEqual([
      { path: 'allowedOrigin', code: 'unknown_option', message: 'is not an option of createClient (did you mean allowedOrigins?)' },
      { path: 'flush_at', code: 'unknown_option', message: 'is not an option of createClient (did you mean flushAt?)' },
      { path: 'colour', code: 'unknown_option', message: 'is not an option of createClient' },
    ]);
  });

  it('finds nothing wrong with known keys, and does not take inherited names for known ones', () => {
    expect(unknownOptionIssues({ flushAt: 1, flushIntervalMs: 2 }, KNOWN, 'x')).toEqual([]);
    expect(unknownOptionIssues({ toString: 1, constructor: 2 }, KNOWN, 'x').map((i) => i.path)).toEqual(['toString', 'constructor']);
  });
});
