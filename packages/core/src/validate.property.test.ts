import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaks, marked, MARK } from './__fixtures__/arbitraries.js';
import { NOW, order } from './__fixtures__/events.js';
import { validateBatch, validateEvent, validateIntegrationSource } from './validate.js';

const anything = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withMap: true, withSet: true });
const USER_KEYS = ['emails_sha256', 'phone_numbers_sha256', 'external_ids_sha256', 'first_names_sha256', 'last_names_sha256', 'cities', 'regions', 'postal_codes', 'countries', 'obref', 'ip_address', 'user_agent', 'android_advertising_id'];

/** A wire user whose values (raw emails where hashes belong, names, addresses…) carry the marker. */
const markedWireUser = fc.dictionary(fc.constantFrom(...USER_KEYS), fc.oneof(marked, fc.array(marked, { maxLength: 4 }), fc.constant(`${MARK}@example.com`)), { minKeys: 1 });

describe('validateEvent / validateBatch (properties)', () => {
  it('never quote a user value in an issue', () => {
    fc.assert(
      fc.property(markedWireUser, fc.nat(3), (user, copies) => {
        const event = { ...order(), user };
        const single = validateEvent(event, { now: NOW });
        const batch = validateBatch(Array.from({ length: copies + 1 }, () => event), { now: NOW });
        // validateBatch is strict: an invalid optional field is an issue there, a warning here.
        expect(batch.ok).toBe(copies === 0 && single.ok && single.warnings.length === 0);
        expect(leaks(JSON.stringify(single.warnings))).toBe(false);
        for (const result of [single, batch]) if (!result.ok) expect(leaks(JSON.stringify(result.issues))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw and always answer ok with the input, or issues, for events with random fields', () => {
    const event = fc.tuple(fc.dictionary(fc.constantFrom('id', 'type', 'timestamp_ms', 'custom_event_name', 'source_url', 'action_source', 'oppref', 'opt_out', 'user', 'data', '__proto__', 'x'), anything)).map(([patch]) => ({ ...order(), ...patch }));
    fc.assert(
      fc.property(event, (e) => {
        const result = validateEvent(e, { now: NOW });
        if (result.ok && result.warnings.length === 0) expect(result.event).toBe(e);
        else if (result.ok) expect(validateEvent(result.event, { now: NOW, strict: true }).ok).toBe(true);
        else expect(result.issues.length).toBeGreaterThan(0);
        const batch = validateBatch([e, e], { now: NOW });
        expect(batch.ok).toBe(false); // the same (type, id) twice, at least
      }),
      { numRuns: 300 },
    );
  });

  it('validateIntegrationSource never throws and accepts exactly the spec pattern', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), anything), (value) => {
        const issues = validateIntegrationSource(value);
        expect(issues.length === 0).toBe(typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value));
      }),
      { numRuns: 300 },
    );
  });
});
