/** Golden vectors from OpenAI's docs (`__fixtures__/vectors.json`), validated with the frozen clock. */
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { isPixelEventType } from './schema.js';
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
    expect(validateEvent(event, { now })).toEqual({ ok: true, event, warnings: [] });
  });

  it('rejects the vectors once they are more than 7 days old', () => {
    const later = now + 7 * 86_400_000;
    expect(validateEvent(vectors.events[0]?.event, { now: later }).ok).toBe(false);
  });

  // The docs' `oaiq('measure', …)` / `oaiq('measureSingle', pixelId, …)` calls (spec §8), each turned
  // into its server twin: same type, same data, same id and custom name (spec §7).
  const measures = (vectors.pixel_calls as unknown[][])
    .filter((c) => c[0] === 'measure' || c[0] === 'measureSingle')
    .map((c) => (c[0] === 'measure' ? c.slice(1) : c.slice(2)) as [string, Record<string, unknown>, Record<string, string>?]);
  const twin = ([type, data, options]: (typeof measures)[number]) => ({
    id: options?.event_id ?? 'pixel_twin',
    type,
    timestamp_ms: now,
    action_source: 'web',
    source_url: 'https://shop.example.com/',
    ...(options?.custom_event_name === undefined ? {} : { custom_event_name: options.custom_event_name }),
    data,
  });

  it('holds the docs pixel measure calls to the server rules: pixel event types, data shapes, custom names (§5, §6, §8)', () => {
    expect(measures).toHaveLength(7);
    for (const call of measures) {
      const [type, , options = {}] = call;
      expect(isPixelEventType(type), type).toBe(true);
      for (const key of Object.keys(options)) expect(['event_id', 'custom_event_name', 'opt_out']).toContain(key);
      expect('custom_event_name' in options).toBe(type === 'custom');
      expect(validateEvent(twin(call), { now })).toEqual({ ok: true, event: twin(call), warnings: [] });
    }
  });

  it('rejects a docs pixel call whose data or name no longer fits its event type', () => {
    const plan = measures.find(([type]) => type === 'subscription_created');
    const custom = measures.find(([type]) => type === 'custom');
    if (!plan || !custom) throw new Error('vectors lost their plan and custom pixel calls');
    const asOrder = validateEvent({ ...twin(plan), type: 'order_created' }, { now });
    expect(asOrder.ok ? [] : asOrder.issues.map((i) => `${i.path}:${i.code}`)).toEqual(['data.type:shape_mismatch', 'data.plan_id:forbidden_field']);
    const { custom_event_name: _, ...unnamed } = twin(custom);
    const result = validateEvent(unnamed, { now });
    expect(result.ok ? [] : result.issues.map((i) => `${i.path}:${i.code}`)).toEqual(['custom_event_name:required']);
  });
});
