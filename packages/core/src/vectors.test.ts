/** Golden vectors from OpenAI's docs (`__fixtures__/vectors.json`), validated with the frozen clock. */
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { validateBatch, validateEvent, validateIntegrationSource } from './validate.js';

const now = vectors.now_ms;

describe('golden vectors', () => {
  it.each(vectors.bodies.filter((b) => b.body.events.length > 0).map((b) => [b.name, b.body] as const))(
    'accepts the events of %s',
    (_, body) => {
      expect(validateBatch(body.events, { now })).toEqual({ ok: true, event: body.events });
      if ('integration_source' in body) expect(validateIntegrationSource(body.integration_source)).toEqual([]);
    },
  );

  it('rejects the empty events array of the envelope skeleton (a batch holds 1..1000 events)', () => {
    const skeleton = vectors.bodies.find((b) => b.name === 'capi_envelope_skeleton');
    expect(skeleton?.body.events).toEqual([]);
    expect(validateBatch(skeleton?.body.events, { now })).toEqual({
      ok: false,
      issues: [{ path: 'events', code: 'empty', message: 'must hold at least 1 event' }],
    });
  });

  it.each(vectors.events.map((v) => [v.name, v.event] as const))('accepts the event %s', (_, event) => {
    expect(validateEvent(event, { now }).ok).toBe(true);
  });

  it.each(vectors.user_objects.map((v) => [v.name, v.user] as const))('accepts the user object %s inside an event', (_, user) => {
    const event = { ...vectors.events[0]?.event, user };
    expect(validateEvent(event, { now })).toEqual({ ok: true, event });
  });

  it('rejects the vectors once they are more than 7 days old', () => {
    const later = now + 7 * 86_400_000;
    expect(validateEvent(vectors.events[0]?.event, { now: later }).ok).toBe(false);
  });
});
