/** One issue style across core: documented codes, messages stating the rule without the path. */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { CapiValidationError, formatIssues } from './errors.js';
import { fromGa4 } from './ga4.js';
import { toMinorUnits } from './money.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import { hashUser } from './user.js';
import { validateBatch, validateEvent } from './validate.js';
import { NOW, order } from './__fixtures__/events.js';
import type { EventInput, Issue, IssueCode, UserInput } from './types.js';

/** Every IssueCode; the type assertion below fails to compile when the union and this list differ. */
const CODES = [
  'required', 'invalid_type', 'unknown_field', 'unknown_option', 'forbidden_field', 'empty', 'too_long', 'too_many', 'duplicate',
  'duplicate_event', 'not_integer', 'negative', 'too_large', 'too_precise', 'too_old', 'in_future', 'invalid_value',
  'invalid_format', 'invalid_url', 'reserved_name', 'shape_mismatch', 'action_source_mismatch', 'unknown_currency',
  'looks_hashed', 'not_json', 'conflict', 'unreadable', 'failed',
] as const;

function issuesOf(fn: () => unknown): readonly Issue[] {
  try {
    fn();
  } catch (error) {
    if (CapiValidationError.isInstance(error)) return error.issues;
    throw error;
  }
  return [];
}

/** The style: a documented code, and a message that states the rule ("must …", "is …") without the field. */
function expectStyle(issue: Issue): void {
  expect(CODES).toContain(issue.code);
  expect(issue.message).toMatch(/^(must|is|could) /);
  const field = issue.path.split(/[.[\]]/).filter(Boolean).pop();
  if (field) expect(issue.message.startsWith(field)).toBe(false);
}

describe('issues', () => {
  it('IssueCode lists every code once', () => {
    expectTypeOf<(typeof CODES)[number]>().toEqualTypeOf<IssueCode>();
    expect(new Set(CODES).size).toBe(CODES.length);
  });

  it('formatIssues prints path: message, the message alone for the input itself', () => {
    const issues: Issue[] = [
      { path: 'data.contents[0].quantity', code: 'negative', message: 'must be a non-negative integer' },
      { path: '', code: 'invalid_type', message: 'must be an object' },
    ];
    expect(formatIssues(issues)).toBe('Invalid input (2 issues): data.contents[0].quantity: must be a non-negative integer; must be an object');
    expect(formatIssues(issues.slice(0, 1))).toBe('Invalid input: data.contents[0].quantity: must be a non-negative integer');
    expect(formatIssues([])).toBe('Invalid input');
    expect(new CapiValidationError(issues.slice(0, 1)).message).toBe(formatIssues(issues.slice(0, 1)));
  });

  it('reads well for a typical bad event', () => {
    const result = validateEvent({ ...order(), data: { type: 'contents', contents: [{ quantity: -1 }] } }, { now: NOW });
    expect(result.ok ? '' : formatIssues(result.issues)).toBe('Invalid input: data.contents[0].quantity: must be a non-negative integer');
  });

  it('has the same style in every module', () => {
    const all = [
      ...issuesOf(() => buildEvent({ type: 'custom', customEventName: 'custom', id: ' ', timestamp: 'x', optOut: 1, data: { value: 1, amount: 2, x: 1n } } as unknown as EventInput, { now: NOW })),
      ...issuesOf(() => buildEvent({ type: 'order_created', sourceURL: 1, user: { email: 'x', phone: 'y', city: 'z'.repeat(200), nick: 1 }, data: { value: '1.001', currency: 'USD', contents: [{ value: 1, sku: 1 }] } } as unknown as EventInput, { now: NOW })),
      ...issuesOf(() => hashUser({ firstName: '...', externalId: 'a'.repeat(64), country: 'France', emailSha256: 'abc', ipAddress: '1.2.3', email: ['a@b.co', 'c@d.co', 'e@f.co', 'g@h.co'] } as UserInput)),
      ...issuesOf(() => toMinorUnits('1,5', 'USD')),
      ...issuesOf(() => toMinorUnits(-1, 'USD')),
      ...issuesOf(() => toMinorUnits(1, 'usd')),
      ...issuesOf(() => normalizeEmail('nope')),
      ...issuesOf(() => normalizePhone('call me')),
      ...issuesOf(() => fromGa4('order_created')),
      ...issuesOf(() => fromGa4('Bad Name')),
      ...issuesOf(() => fromGa4('share', { amount: 1, nested: {}, items: [{ price: [] as unknown as number }] })),
      ...(() => {
        const r = validateBatch([order(), order(), { ...order(), user: { emails_sha256: ['x', 'x'], cities: [], countries: 'US' } }], { now: NOW });
        return r.ok ? [] : r.issues;
      })(),
    ];
    expect(all.length).toBeGreaterThan(30);
    for (const issue of all) expectStyle(issue);
  });

  it('keeps the style for random events', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, 'custom', 'quote', 'USD', 'web', 'https://a.example/?q', 1.5, -1));
    const input = fc.record(
      { type: field, id: field, key: field, timestamp: field, customEventName: field, sourceUrl: field, actionSource: field,
        optOut: field, oppref: field, user: fc.dictionary(fc.constantFrom('email', 'phone', 'country', 'ipAddress', 'x'), field),
        data: fc.record({ type: field, value: field, amount: field, currency: field, planId: field, contents: fc.array(fc.dictionary(fc.constantFrom('id', 'value', 'quantity', 'x'), field)) }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(input, (i) => issuesOf(() => buildEvent(i as EventInput, { now: NOW })).forEach(expectStyle)), { numRuns: 300 });
  });
});
