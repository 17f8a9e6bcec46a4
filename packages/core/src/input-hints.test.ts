import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { didYouMean } from './input-hints.js';
import { NOW } from './__fixtures__/events.js';
import type { EventInput } from './types.js';

function issues(input: unknown): { path: string; code: string; message: string }[] {
  try {
    buildEvent(input as EventInput, { now: NOW });
  } catch (error) {
    if (CapiValidationError.isInstance(error)) return [...error.issues];
    throw error;
  }
  return expect.fail('built') as never;
}

const base = { type: 'order_created', id: 'ORD-1', sourceUrl: 'https://shop.example/' };

describe('errors in the words the user typed', () => {
  it('a missing sourceUrl is named sourceUrl, and source_url gets a did-you-mean', () => {
    expect(issues({ type: 'lead_created', id: 'L-1' })).toEqual([
      { path: 'sourceUrl', code: 'required', message: 'is required for web conversions (the default action source)' },
    ]);
    expect(issues({ type: 'lead_created', id: 'L-1', source_url: 'https://shop.example/' })).toEqual([
      expect.objectContaining({ path: 'source_url', code: 'unknown_field', message: 'is not an input field (did you mean sourceUrl?)' }),
      expect.objectContaining({ path: 'sourceUrl', code: 'required' }),
    ]);
  });

  it.each([
    ['eventName', 'did you mean type? (or customEventName for a custom event)'],
    ['key', 'did you mean id?: pass the order or lead id itself'],
    ['event_id', 'did you mean id?'],
    ['timestamp_ms', 'did you mean timestamp?'],
    ['custom_event_name', 'did you mean customEventName?'],
    ['optout', 'did you mean optOut?'],
    ['sourceURL', 'did you mean sourceUrl?'],
    ['sourcUrl', 'did you mean sourceUrl?'],
  ])('%s → %s', (key, hint) => {
    const [issue] = issues({ ...base, [key]: 'x' });
    expect(issue?.path).toBe(key);
    expect(issue?.code).toBe('unknown_field');
    expect(issue?.message).toContain(hint);
  });

  it('hints inside data and items too, and says nothing when nothing is close', () => {
    expect(issues({ ...base, data: { plan_id: 'pro' } })[0]?.message).toContain('did you mean planId?');
    expect(issues({ ...base, data: { total: 5, currency: 'USD' } })[0]?.message).toContain('did you mean value?');
    expect(issues({ ...base, data: { contents: [{ content_type: 'product' }] } })[0]?.message).toContain('did you mean contentType?');
    expect(issues({ ...base, zzzz: 1 })[0]?.message).toBe('is not an input field');
    expect(didYouMean('xyzzy', ['type', 'id'])).toBe('');
  });

  it('a float USD total gets a hint to pass a string or amount', () => {
    const [issue] = issues({ ...base, data: { value: 0.1 + 0.2, currency: 'USD' } });
    expect(issue).toMatchObject({ path: 'data.value', code: 'too_precise' });
    expect(issue?.message).toMatch(/decimal string \('0\.30'\) or amount in minor units/);
    expect(issues({ ...base, data: { value: '0.301', currency: 'USD' } })[0]?.message).not.toMatch(/float/);
  });

  it("the server's track('order_created', {...}) shape is answered with the right call shape", () => {
    const [issue] = issues('order_created');
    expect(issue).toMatchObject({ path: '', code: 'invalid_type' });
    expect(issue?.message).toContain("track({ type: 'order_created', id: orderId");
  });

  it('wire paths are given back in input names: timestamp, actionSource, optOut, data.planId, items', () => {
    const paths = issues({ ...base, timestamp: 1.5, actionSource: 'moon', optOut: 'yes', type: 'page_viewed', data: { planId: 'p' } }).map((i) => i.path);
    expect(paths).toEqual(['timestamp', 'actionSource', 'optOut', 'data.planId']);
  });
});
