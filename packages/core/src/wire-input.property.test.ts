import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { friendlyEvent } from './__fixtures__/arbitraries.js';
import { NOW } from './__fixtures__/events.js';
import { buildEventWithoutUser } from './build-event.js';
import { CapiValidationError } from './errors.js';
import { eventInputFromWire, userInputFromWire } from './wire-input.js';
import type { EventInput, WireEvent } from './types.js';

const anything = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withObjectString: true });

/** Runs `fn`; only a `CapiValidationError` may escape it (returned as `undefined`). */
function onlyValidationErrors<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(CapiValidationError.isInstance(error)).toBe(true);
    return undefined;
  }
}

describe('eventInputFromWire (properties)', () => {
  it('throws only CapiValidationError for any value, and its output feeds buildEvent without other errors', () => {
    const wireish = fc.oneof(
      anything,
      fc.record(
        { id: anything, type: anything, timestamp_ms: anything, custom_event_name: anything, source_url: anything, oppref: anything, obref: anything, user: anything, opt_out: anything, action_source: anything, data: fc.oneof(anything, fc.record({ type: anything, plan_id: anything, contents: fc.array(fc.dictionary(fc.string(), anything)) }, { requiredKeys: [] })) },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(wireish, (wire) => {
        const input = onlyValidationErrors(() => eventInputFromWire(wire));
        if (input !== undefined) onlyValidationErrors(() => buildEventWithoutUser(input, { now: NOW }));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips: a built event, read back and built again, is the same event (query stripped)', () => {
    fc.assert(
      fc.property(friendlyEvent(fc.constant(undefined)), (friendly) => {
        const { user: _user, ...input } = friendly;
        let wire: WireEvent;
        try {
          wire = buildEventWithoutUser(input as EventInput, { now: NOW });
        } catch {
          return; // only valid events round-trip
        }
        const again = buildEventWithoutUser(eventInputFromWire(JSON.parse(JSON.stringify(wire))), { now: NOW });
        // Compared as JSON: the wire is JSON, which cannot carry -0 (it arrives as 0).
        const expected = { ...wire, source_url: wire.source_url?.replace(/[?#][\s\S]*/, '') };
        expect(JSON.stringify(again)).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });
});

describe('userInputFromWire (properties)', () => {
  it('throws only CapiValidationError and never changes a prototype', () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'emails_sha256', 'ip_address', 'x'), anything)), (user) => {
        const out = onlyValidationErrors(() => userInputFromWire(user));
        if (out !== undefined) expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
