import { describe, expect, it } from 'vitest';
import { validateBatch } from '@x/openai-capi-core';
import { NOW, custom, order } from './events.js';

describe('fixtures', () => {
  it('are valid wire events at the frozen clock', () => {
    expect(validateBatch([order('o1'), custom('c1', 'quiz_done')], { now: NOW })).toMatchObject({ ok: true });
  });
});
