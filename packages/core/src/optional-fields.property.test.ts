import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK } from './__fixtures__/arbitraries.js';
import { buildEvent } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { validateEvent } from './validate.js';
import { NOW } from './__fixtures__/events.js';
import type { EventInput, Issue } from './types.js';

const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', 'France', 'a'.repeat(64), `${MARK}!`, 'x'.repeat(200)), fc.integer(), fc.constant(null));
const geo = fc.record({ city: junk, region: junk, postalCode: junk, country: junk, firstName: junk, lastName: junk }, { requiredKeys: [] });
const item = fc.record({ id: junk, name: junk, groupId: junk, contentType: junk, variantDict: fc.oneof(junk, fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 })) }, { requiredKeys: [] });

const base: EventInput = { type: 'order_created', id: 'ORD-1', timestamp: NOW, sourceUrl: 'https://shop.example/', data: { value: '5.00', currency: 'USD' } };

describe('spec §10 (properties): junk in optional fields never costs the conversion', () => {
  it('buildEvent builds every event whose only problems are optional fields; the result passes strict validation; no value leaks', () => {
    fc.assert(
      fc.property(geo, fc.array(item, { maxLength: 3 }), (user, contents) => {
        const warnings: Issue[] = [];
        let event;
        try {
          event = buildEvent({ ...base, user: { email: 'ada@example.com', ...user } as never, data: { value: '5.00', currency: 'USD', contents: contents as never } }, { now: NOW, onWarning: (w) => warnings.push(w) });
        } catch (error) {
          // Only a wrong *kind* of value for a known key may still reject: never an optional field's value.
          expect(CapiValidationError.isInstance(error)).toBe(true);
          throw error;
        }
        expect(validateEvent(event, { now: NOW, strict: true })).toEqual({ ok: true, event, warnings: [] });
        expect(event.user?.emails_sha256).toHaveLength(1);
        expect(event.data.contents).toHaveLength(contents.length);
        expect(JSON.stringify(warnings)).not.toContain(MARK);
      }),
      { numRuns: 300 },
    );
  });

  it('validateEvent never changes its input, and its copy passes strict validation', () => {
    const wire = fc.record({ cities: fc.array(junk, { maxLength: 4 }), countries: fc.array(junk, { maxLength: 2 }), first_names_sha256: fc.array(junk, { maxLength: 2 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(wire, fc.array(fc.record({ name: junk, variant_dict: fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 }) }, { requiredKeys: [] }), { maxLength: 2 }), (user, contents) => {
        const event = { id: 'o1', type: 'order_created', timestamp_ms: NOW, action_source: 'offline', user: { emails_sha256: ['b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514'], ...user }, data: { type: 'contents', contents } };
        const before = JSON.stringify(event);
        const result = validateEvent(event, { now: NOW });
        expect(JSON.stringify(event)).toBe(before);
        expect(result.ok).toBe(true);
        if (result.ok) expect(validateEvent(result.event, { now: NOW, strict: true }).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
