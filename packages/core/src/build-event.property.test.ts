import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { friendlyEvent, leaks, markedUser } from './__fixtures__/arbitraries.js';
import { NOW } from './__fixtures__/events.js';
import { buildEvent, buildEventWithoutUser } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { validateEvent } from './validate.js';
import type { EventInput, WireEvent } from './types.js';

type Outcome = { ok: true; event: WireEvent } | { ok: false; error: CapiValidationError };

/** Runs a builder; anything thrown that is not a `CapiValidationError` fails the property. */
function outcome(build: () => WireEvent): Outcome {
  try {
    return { ok: true, event: build() };
  } catch (error) {
    if (!CapiValidationError.isInstance(error)) throw error;
    return { ok: false, error };
  }
}

/** Every message (the error's and each issue's) and every path, as one text. */
const errorText = (error: CapiValidationError) => [error.message, ...error.issues.flatMap((i) => [i.path, i.code, i.message])].join('\n');

describe('buildEvent (properties)', () => {
  it('throws only CapiValidationError, and what it builds passes validateEvent', () => {
    fc.assert(
      fc.property(friendlyEvent(), (input) => {
        const result = outcome(() => buildEvent(input as EventInput, { now: NOW }));
        if (result.ok) expect(validateEvent(result.event, { now: NOW })).toEqual({ ok: true, event: result.event, warnings: [] });
        else expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 250 },
    );
  });

  it('never puts raw personal data (emails, phones, names, external ids) in an error or on the wire', () => {
    fc.assert(
      fc.property(friendlyEvent(markedUser), (input) => {
        const result = outcome(() => buildEvent(input as EventInput, { now: NOW }));
        const text = result.ok ? JSON.stringify(result.event) : errorText(result.error);
        expect(leaks(text), text).toBe(false);
      }),
      { numRuns: 250 },
    );
  });

  it('builds valid personal data into hashes only', () => {
    // Only valid values, so the success path (hashing) is what runs.
    const user = fc.record({
      email: fc.constantFrom(' MK7LEAK7MK@Example.com', 'a.mk7leak7mk+tag@shop.example'),
      phone: fc.constantFrom('+90417730552', '+9 041-773 (0552)'),
      firstName: fc.constantFrom("O'Mk7leak7mk", 'José mk7leak7mk'),
      externalId: fc.constantFrom('mk7leak7mk-42'),
    });
    fc.assert(
      fc.property(user, fc.constantFrom<EventInput['type']>('lead_created', 'order_created'), (u, type) => {
        const event = buildEvent({ type, id: 'e1', timestamp: NOW, sourceUrl: 'https://shop.example/', user: u }, { now: NOW });
        expect(Object.keys(event.user ?? {}).sort()).toEqual(['emails_sha256', 'external_ids_sha256', 'first_names_sha256', 'phone_numbers_sha256']);
        expect(leaks(JSON.stringify(event))).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('buildEventWithoutUser (properties)', () => {
  it('throws only CapiValidationError for random friendly events, and matches buildEvent when there is no user', () => {
    fc.assert(
      fc.property(friendlyEvent(fc.constant(undefined)), (input) => {
        const { user: _user, ...withoutUser } = input;
        const a = outcome(() => buildEventWithoutUser(withoutUser as EventInput, { now: NOW }));
        const b = outcome(() => buildEvent(withoutUser as EventInput, { now: NOW }));
        expect(a.ok).toBe(b.ok);
        if (a.ok && b.ok) {
          // Ids are random when no id is given: compare the rest.
          const sameId = input.id !== undefined;
          expect({ ...a.event, id: sameId ? a.event.id : '' }).toEqual({ ...b.event, id: sameId ? b.event.id : '' });
          expect(validateEvent(a.event, { now: NOW }).ok).toBe(true);
        }
        if (!a.ok && !b.ok) expect(a.error.issues).toEqual(b.error.issues);
      }),
      { numRuns: 250 },
    );
  });

  it('rejects any user, marked or not, without echoing it', () => {
    fc.assert(
      fc.property(friendlyEvent(markedUser), (input) => {
        fc.pre(input.user !== undefined);
        const result = outcome(() => buildEventWithoutUser(input as EventInput, { now: NOW }));
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.issues).toContainEqual(expect.objectContaining({ path: 'user', code: 'forbidden_field' }));
          expect(leaks(errorText(result.error))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
