import { describe, expect, it } from 'vitest';
import { buildEvent, buildEventWithoutUser } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { hashUser } from './user.js';
import { validateEvent } from './validate.js';
import { order, NOW } from './__fixtures__/events.js';
import type { EventInput, Issue } from './types.js';

const base: EventInput = { type: 'order_created', id: 'ORD-1', timestamp: NOW, sourceUrl: 'https://shop.example/checkout', data: { value: '10.00', currency: 'USD' } };
const EMAIL = 'ada@example.com';

function built(input: Partial<EventInput>) {
  const warnings: Issue[] = [];
  const event = buildEvent({ ...base, ...input } as EventInput, { now: NOW, onWarning: (w) => warnings.push(w) });
  return { event, warnings: warnings.map((w) => `${w.path}:${w.code}`), raw: warnings };
}

function rejected(input: Partial<EventInput>): string[] {
  try {
    buildEvent({ ...base, ...input } as EventInput, { now: NOW, onWarning: () => expect.fail('no warning on a rejected event') });
  } catch (error) {
    if (CapiValidationError.isInstance(error)) return error.issues.map((i) => `${i.path}:${i.code}`);
    throw error;
  }
  return expect.fail('built') as never;
}

describe('spec §10: no conversion lost to an optional field (buildEvent)', () => {
  it.each([
    ['city', { city: 'x'.repeat(200) }, 'user.city:too_long', 'cities'],
    ['region', { region: 'a'.repeat(64) }, 'user.region:looks_hashed', 'regions'],
    ['postal code', { postalCode: '94107!' }, 'user.postalCode:invalid_format', 'postal_codes'],
    ['country', { country: 'France' }, 'user.country:invalid_format', 'countries'],
    ['first name', { firstName: '...' }, 'user.firstName:invalid_format', 'first_names_sha256'],
    ['last name', { lastName: 5 }, 'user.lastName:invalid_type', 'last_names_sha256'],
    ['pre-hashed first name', { firstNameSha256: 'abc' }, 'user.firstNameSha256:invalid_format', 'first_names_sha256'],
  ])('an invalid %s: sent without it, one warning', (_name, user, warning, wire) => {
    const { event, warnings } = built({ user: { email: EMAIL, ...user } as NonNullable<EventInput['user']> });
    expect(warnings).toEqual([warning]);
    expect(event.user?.emails_sha256).toHaveLength(1);
    expect(event.user).not.toHaveProperty(wire);
    expect(validateEvent(event, { now: NOW, strict: true }).ok).toBe(true);
  });

  it('keeps the valid values of a list and leaves out the bad one', () => {
    const { event, warnings } = built({ user: { email: EMAIL, city: ['Paris', ' ', 'x'.repeat(200), 'Lyon'] } });
    expect(event.user?.cities).toEqual(['Paris', 'Lyon']);
    expect(warnings).toEqual(['user.city[2]:too_long']);
  });

  it.each([
    ['name', { name: '' }, 'data.contents[0].name:empty', 'name'],
    ['groupId', { groupId: 7 }, 'data.contents[0].groupId:invalid_type', 'group_id'],
    ['contentType', { contentType: '' }, 'data.contents[0].contentType:empty', 'content_type'],
    ['item id', { id: '' }, 'data.contents[0].id:empty', 'id'],
    ['variantDict', { variantDict: 'green' }, 'data.contents[0].variantDict:invalid_type', 'variant_dict'],
  ])('an invalid item %s: sent without it, one warning, in the input\'s words', (_name, field, warning, wire) => {
    const { event, warnings } = built({ data: { value: '10.00', currency: 'USD', contents: [{ quantity: 1, value: '10.00', ...field } as never] } });
    expect(warnings).toEqual([warning]);
    expect(event.data.contents?.[0]).not.toHaveProperty(wire);
    expect(event.data.contents?.[0]).toMatchObject({ quantity: 1, amount: 1000 });
  });

  it('drops one bad variant entry and keeps the others', () => {
    const { event, warnings } = built({ data: { contents: [{ id: 'a', variantDict: { size: 'M', color: 3 } as never }] } });
    expect(event.data.contents?.[0]?.variant_dict).toEqual({ size: 'M' });
    expect(warnings).toEqual(['data.contents[0].variantDict.color:invalid_type']);
  });

  it('drops a variant entry whose key holds dots or brackets, and an emptied variantDict', () => {
    const one = built({ data: { contents: [{ id: 'a', variantDict: { 'size.eu': 42 as never, 'a[0]': 'x' } }] } });
    expect(one.event.data.contents?.[0]?.variant_dict).toEqual({ 'a[0]': 'x' });
    expect(one.warnings).toEqual(['data.contents[0].variantDict.size.eu:invalid_type']);
    const all = built({ data: { contents: [{ id: 'a', variantDict: { color: 3 as never } }] } });
    expect(all.event.data.contents?.[0]).toEqual({ id: 'a' });
  });

  it.each([
    ['money', { data: { value: '1.001', currency: 'USD' } }, 'data.value:too_precise'],
    ['currency', { data: { amount: 100, currency: 'XYZ' } }, 'data.currency:unknown_currency'],
    ['item money', { data: { contents: [{ amount: -1, currency: 'USD' }] } }, 'data.contents[0].amount:negative'],
    ['item quantity', { data: { contents: [{ quantity: 1.5 }] } }, 'data.contents[0].quantity:not_integer'],
    ['id', { id: '  ' }, 'id:empty'],
    ['type', { type: 'purchase' as never }, 'type:invalid_value'],
    ['timestamp', { timestamp: 1 }, 'timestamp:too_old'],
    ['sourceUrl', { sourceUrl: 'nope' }, 'sourceUrl:invalid_url'],
    ['email (a match key)', { user: { email: 'not-an-email' } }, 'user.email:invalid_format'],
  ])('an invalid %s still rejects the event', (_name, input, issue) => {
    expect(rejected(input as Partial<EventInput>)).toEqual([issue]);
  });

  it('reports no warning when the event is rejected for something else, and never the value', () => {
    expect(rejected({ id: ' ', user: { city: 'x'.repeat(200) } })).toEqual(['id:empty']);
    const { raw } = built({ user: { email: EMAIL, city: 'mk7leak7mk'.repeat(20) } });
    expect(JSON.stringify(raw)).not.toContain('mk7leak7mk');
  });

  it('leaves the field out without onWarning too (buildEventWithoutUser included)', () => {
    const event = buildEventWithoutUser({ ...base, data: { contents: [{ id: 'a', name: '' }] } }, { now: NOW });
    expect(event.data.contents).toEqual([{ id: 'a' }]);
    expect(() => buildEvent(base, { onWarning: 'log' as never })).toThrow(/options.onWarning: must be a function/);
  });

  it('hashUser throws as before without onWarning, and warns with it', () => {
    expect(() => hashUser({ email: EMAIL, country: 'France' })).toThrow(CapiValidationError);
    const warnings: Issue[] = [];
    expect(hashUser({ email: EMAIL, country: 'France' }, { onWarning: (w) => warnings.push(w) })).not.toHaveProperty('countries');
    expect(warnings).toEqual([expect.objectContaining({ path: 'user.country', code: 'invalid_format' })]);
  });
});

describe('validateEvent: warnings and strict', () => {
  const wire = () => ({ ...order(), user: { emails_sha256: ['b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514'], cities: ['Paris', ' Lyon'], countries: ['France'] } });

  it('non-strict: ok, a copy without the invalid optional values, one warning each; the input untouched', () => {
    const event = wire();
    const result = validateEvent(event, { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => `${w.path}:${w.code}`)).toEqual(['user.cities[1]:invalid_format', 'user.countries[0]:invalid_format']);
    expect(result.event.user).toEqual({ emails_sha256: event.user.emails_sha256, cities: ['Paris'] });
    expect(event.user.countries).toEqual(['France']);
    expect(validateEvent(result.event, { now: NOW, strict: true })).toEqual({ ok: true, event: result.event, warnings: [] });
  });

  it('strict: rejects as before', () => {
    const result = validateEvent(wire(), { now: NOW, strict: true });
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toEqual(['invalid_format', 'invalid_format']);
    expect(result.warnings).toEqual([]);
  });

  it('an event that fails for another reason lists the optional issues as warnings beside the issues', () => {
    const result = validateEvent({ ...wire(), id: '' }, { now: NOW });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['id']);
    expect(result.warnings).toHaveLength(2);
  });

  it('accepts a wire event without action_source (spec §7b), and without source_url then', () => {
    const { action_source: _a, source_url: _s, ...event } = order();
    expect(validateEvent(event, { now: NOW })).toEqual({ ok: true, event, warnings: [] });
  });
});
