import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse } from 'msw';
import { buildEvent, CapiValidationError, type EventInput } from '@x/openai-capi-core';
import { createClient } from './client.js';
import type { ErrorContext } from './report.js';
import { baseOptions, fakeClock, manualTimers, memoryLogger, mockApi, NOW, server } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const lead = (id: string, extra: Partial<EventInput> = {}): EventInput => ({
  type: 'lead_created',
  id,
  sourceUrl: 'https://shop.example/thanks',
  ...extra,
});

const warnedLead = (id: string, user: Record<string, unknown>) => ({ type: 'lead_created', id, sourceUrl: 'https://shop.example/', user: { email: ['a@example.com'], ...user } }) as EventInput;

/** Lets queued microtasks and msw responses run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('track and the queue', () => {
  it('keeps each warned event its own warnings, with a hook that tracks again and a build that throws', async () => {
    mockApi();
    const contexts: ErrorContext[] = [];
    let nested = 0;
    const client = createClient({
      ...baseOptions(),
      onError: (_e, ctx) => {
        contexts.push(ctx);
        if (ctx.reason === 'warning' && nested++ === 0) {
          expect(() => client.track(warnedLead('bad', { email: ['not-an-email'], city: 'é'.repeat(200) }))).toThrow();
          client.track(warnedLead('inner', { city: 'y'.repeat(200) }));
        }
      },
    });
    client.track(warnedLead('outer', { city: 'x'.repeat(200) }));
    client.track(warnedLead('next', { postalCode: '!!!' }));
    const warned = contexts.filter((c) => c.reason === 'warning').map((c) => (c as { warnings: Array<{ id: string; warnings: Array<{ path: string }> }> }).warnings.map((w) => [w.id, w.warnings.map((i) => i.path)]));
    expect(warned).toEqual([[['outer', ['user.city']]], [['inner', ['user.city']]], [['next', ['user.postalCode']]]]);
    await client.flush();
  });
  it('builds the event, returns its id and sends nothing before a flush trigger', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), flushAt: 3 });
    expect(client.track(lead('a', { user: { email: ' Ada@Example.COM ' } }))).toBe('a');
    await settle();
    expect(seen).toHaveLength(0);
    expect(client.stats()).toMatchObject({ queued: 1, tracked: 1 });
    const report = await client.flush();
    expect(report.delivered).toEqual(['a']);
    expect(seen[0]!.body.events[0]!.user).toEqual({
      emails_sha256: ['b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72'],
    });
  });

  it('sends the events queued behind a full batch (their digests packed while they wait) exactly as built', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), flushAt: 50, maxBatchEvents: 3 });
    const inputs = Array.from({ length: 10 }, (_, i) =>
      lead(`l${i}`, {
        user: {
          email: [`u${i}@example.com`, `alt${i}@example.com`],
          externalId: `c${i}`,
          ...(i % 2 ? { phone: '+1 415 555 0100', ipAddress: '203.0.113.9', userAgent: 'UA/1' } : { obref: `ob${i}` }),
        },
      }),
    );
    for (const input of inputs) client.track(input);
    const report = await client.flush();
    expect(report.delivered).toHaveLength(10);
    const sent = seen.flatMap((r) => r.text.slice(r.text.indexOf('[') + 1, r.text.lastIndexOf(']')).split(/,(?=\{"id")/));
    expect(sent).toEqual(inputs.map((input) => JSON.stringify(buildEvent(input, { now: NOW }))));
  });

  it('sends the caller\'s id verbatim, as buildEvent does, and refuses the removed key', () => {
    mockApi();
    const client = createClient(baseOptions());
    expect(client.track({ type: 'order_created', id: '1000123456', sourceUrl: 'https://shop.example/' })).toBe('1000123456');
    expect(() => client.track({ type: 'order_created', key: 'order-1', sourceUrl: 'https://shop.example/' } as never)).toThrow(/key: is not an input field \(did you mean id\?/);
  });

  it("answers the browser's call shape track('order_created', {...}) with the server's", () => {
    mockApi();
    const client = createClient(baseOptions());
    const call = () => (client.track as unknown as (name: string, data: object) => string)('order_created', { value: '1.00', currency: 'USD' });
    expect(call).toThrow(CapiValidationError);
    expect(call).toThrow("track({ type: 'order_created', id: orderId, data: {");
    expect(client.stats().tracked).toBe(0);
  });

  it('throws CapiValidationError at the call site for bad input', () => {
    const client = createClient(baseOptions());
    expect(() => client.track({ type: 'purchase' } as never)).toThrow(CapiValidationError);
    expect(client.stats().queued).toBe(0);
  });

  it('flushes when flushAt events are queued', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), flushAt: 3 });
    for (const id of ['a', 'b', 'c']) client.track(lead(id));
    await settle();
    expect(seen.map((r) => r.body.events.map((e) => e.id))).toEqual([['a', 'b', 'c']]);
    expect(client.stats()).toMatchObject({ queued: 0, delivered: 3 });
  });

  it('flushes flushIntervalMs after the first queued event', async () => {
    const seen = mockApi();
    const timers = manualTimers();
    const client = createClient({ ...baseOptions(), timers, flushIntervalMs: 1234 });
    client.track(lead('a'));
    client.track(lead('b'));
    expect(timers.pending.size).toBe(1);
    timers.fire();
    await settle();
    expect(seen.map((r) => r.body.events.length)).toEqual([2]);
  });

  it('clamps nonsense values with a warning', async () => {
    const seen = mockApi();
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), logger, logLevel: 'warn', flushAt: 0, maxQueueSize: -5, timeoutMs: Number.NaN });
    expect(logger.lines.some((l) => l.includes('flushAt=0'))).toBe(true);
    client.track(lead('a'));
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('sends duplicates (same name and id) inside the queue once', async () => {
    const seen = mockApi();
    const client = createClient(baseOptions());
    client.track(lead('a'));
    client.track(lead('a'));
    client.track(lead('a', { type: 'custom', customEventName: 'quote_requested' }));
    const report = await client.flush();
    expect(seen[0]!.body.events.map((e) => e.type)).toEqual(['lead_created', 'custom']);
    expect(report.delivered).toEqual(['a', 'a']);
    expect(client.stats().deduplicated).toBe(1);
    expect(report.duplicates).toEqual([{ id: 'a', type: 'lead_created' }]);
  });

  it('lists a tracked duplicate in the report of the flush that takes the first copy, once, without onError', async () => {
    mockApi();
    const errors: unknown[] = [];
    const client = createClient({ ...baseOptions(), onError: (e) => errors.push(e) });
    client.track(lead('a', { type: 'custom', customEventName: 'quote_requested' }));
    client.track(lead('a', { type: 'custom', customEventName: 'quote_requested' }));
    client.track(lead('b'));
    const first = await client.flush();
    expect(first.delivered).toEqual(['a', 'b']);
    expect(first.duplicates).toEqual([{ id: 'a', type: 'custom', customEventName: 'quote_requested' }]);
    // Once the first copy has left the queue, the same event is queued (and sent) again.
    client.track(lead('b'));
    const second = await client.flush();
    expect(second.delivered).toEqual(['b']);
    expect(second.duplicates).toEqual([]);
    expect(errors).toEqual([]);
    expect(client.stats()).toMatchObject({ deduplicated: 1, tracked: 3 });
  });

  it('reports an overflowing event through onError (queue_full), never silently', () => {
    mockApi();
    const errors: ErrorContext[] = [];
    const client = createClient({ ...baseOptions(), maxQueueSize: 2, onError: (_e, ctx) => errors.push(ctx) });
    client.track(lead('a'));
    client.track(lead('b'));
    expect(client.track(lead('c'))).toBe('c');
    expect(errors).toEqual([expect.objectContaining({ reason: 'queue_full', eventIds: ['c'] })]);
    expect(client.stats()).toMatchObject({ queued: 2, dropped: 1 });
  });

  it('leaves out an event that went stale in the queue so it cannot poison its batch', async () => {
    const seen = mockApi();
    const clock = fakeClock();
    const errors: ErrorContext[] = [];
    const client = createClient({ ...baseOptions(clock), onError: (_e, ctx) => errors.push(ctx) });
    client.track(lead('old', { timestamp: NOW - 6 * 86_400_000 }));
    client.track(lead('new'));
    clock.t += 2 * 86_400_000;
    const report = await client.flush();
    expect(report.delivered).toEqual(['new']);
    expect(report.rejected).toEqual([expect.objectContaining({ id: 'old', reason: 'stale' })]);
    expect(seen[0]!.body.events.map((e) => e.id)).toEqual(['new']);
    expect(errors[0]).toMatchObject({ reason: 'stale', eventIds: ['old'] });
  });
});

describe('shutdown', () => {
  it('flushes pending events, resolves with the report, and is idempotent', async () => {
    const seen = mockApi();
    const client = createClient(baseOptions());
    client.track(lead('a'));
    client.track(lead('b'));
    const first = client.shutdown();
    expect(client.shutdown()).toBe(first);
    const report = await first;
    expect(report.delivered).toEqual(['a', 'b']);
    expect(seen).toHaveLength(1);
    expect(client.stats().closed).toBe(true);
  });

  it('includes the flush already in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    mockApi(async (_body, n) => {
      if (n === 0) await gate;
      return HttpResponse.json({});
    });
    const client = createClient(baseOptions());
    client.track(lead('a'));
    void client.flush();
    await settle();
    client.track(lead('b'));
    const done = client.shutdown();
    release();
    expect((await done).delivered.sort()).toEqual(['a', 'b']);
  });

  it('reports events still undelivered at the deadline as shutdown', async () => {
    mockApi(() => HttpResponse.json({}, { status: 503 }));
    const clock = fakeClock();
    const client = createClient({ ...baseOptions(clock), maxRetries: 20, retryMaxDelayMs: 1000 });
    client.track(lead('a'));
    const report = await client.shutdown({ timeoutMs: 5000 });
    expect(report.delivered).toEqual([]);
    expect(report.rejected).toEqual([expect.objectContaining({ id: 'a', reason: 'shutdown' })]);
    expect(clock.t - NOW).toBeLessThanOrEqual(5000);
  });

  it('stops the timer and reports track after shutdown as a drop', async () => {
    mockApi();
    const timers = manualTimers();
    const errors: ErrorContext[] = [];
    const client = createClient({ ...baseOptions(), timers, onError: (_e, ctx) => errors.push(ctx) });
    client.track(lead('a'));
    expect(timers.pending.size).toBe(1);
    await client.shutdown();
    expect(timers.pending.size).toBe(0);
    expect(client.track(lead('late'))).toBe('late');
    expect(errors).toEqual([expect.objectContaining({ reason: 'shutdown', eventIds: ['late'] })]);
    expect(client.stats().queued).toBe(0);
  });

  it('warns about a shutdown timeoutMs it cannot use, and still shuts down on the default deadline', async () => {
    mockApi();
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), logger, logLevel: 'warn' });
    client.track(lead('a'));
    const report = await client.shutdown({ timeoutMs: -1 });
    expect(report.delivered).toEqual(['a']);
    expect(logger.lines.filter((l) => l.includes('shutdown timeoutMs'))).toEqual([
      expect.stringContaining('using 10000'),
    ]);
  });

  it('resolves at once with an empty report when nothing is queued', async () => {
    const seen = mockApi();
    const report = await createClient(baseOptions()).shutdown();
    expect(report).toEqual({ delivered: [], rejected: [], duplicates: [], warnings: [], retries: 0, requests: 0 });
    expect(seen).toHaveLength(0);
  });
});

describe('flush with a deadline', () => {
  it('delivers as usual when the API answers in time, and leaves no timer behind', async () => {
    mockApi();
    const timers = manualTimers();
    const client = createClient({ ...baseOptions(), timers });
    client.track(lead('a'));
    const report = await client.flush({ timeoutMs: 2000 });
    expect(report.delivered).toEqual(['a']);
    expect(report.rejected).toEqual([]);
    expect(timers.pending.size).toBe(0);
  });

  it('reports what is not delivered by the deadline as timeout, through onError too, and keeps nothing', async () => {
    const seen = mockApi(() => HttpResponse.json({}, { status: 503 }));
    const clock = fakeClock();
    const errors: ErrorContext[] = [];
    const client = createClient({ ...baseOptions(clock), maxRetries: 20, retryMaxDelayMs: 1000, onError: (_e, ctx) => errors.push(ctx) });
    client.track(lead('a'));
    client.track(lead('b'));
    const report = await client.flush({ timeoutMs: 3000 });
    expect(report.delivered).toEqual([]);
    expect(report.rejected.map((r) => [r.id, r.reason])).toEqual([['a', 'timeout'], ['b', 'timeout']]);
    expect(report.rejected[0]!.error.message).toMatch(/flush deadline/);
    expect(errors).toEqual([expect.objectContaining({ reason: 'timeout', eventIds: ['a', 'b'] })]);
    expect(clock.t - NOW).toBeLessThanOrEqual(3000);
    expect(seen.length).toBeGreaterThan(1); // it did retry until the deadline
    expect(client.stats()).toMatchObject({ queued: 0, inFlight: 0, rejected: 2 });
  });

  it('aborts a request still in flight when the deadline timer fires', async () => {
    let calls = 0;
    const timers = manualTimers();
    const client = createClient({
      ...baseOptions(),
      timers,
      fetch: (_url, init) => {
        calls++;
        // Never answers: only the abort signal ends it.
        return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      },
    });
    client.track(lead('a'));
    const flushing = client.flush({ timeoutMs: 1000 });
    await settle();
    expect(calls).toBe(1);
    timers.fire(); // the flush deadline (and the per-attempt timeout) fire
    const report = await flushing;
    expect(report.rejected.map((r) => [r.id, r.reason])).toEqual([['a', 'timeout']]);
  });

  it('keeps the earliest deadline when flushes join one another, and rejects a bad timeoutMs', async () => {
    mockApi(() => HttpResponse.json({}, { status: 503 }));
    const clock = fakeClock();
    const client = createClient({ ...baseOptions(clock), maxRetries: 50, retryMaxDelayMs: 500 });
    client.track(lead('a'));
    const first = client.flush({ timeoutMs: 60_000 });
    const second = client.flush({ timeoutMs: 1000 });
    // The second joins the first: one delivery, one report.
    const [a, b] = await Promise.all([first, second]);
    expect(b).toBe(a);
    expect(clock.t - NOW).toBeLessThanOrEqual(1000);
    for (const timeoutMs of [-1, Number.NaN, 700_000, '5' as unknown as number]) {
      await expect(client.flush({ timeoutMs })).rejects.toSatisfy((e) => CapiValidationError.isInstance(e));
    }
  });

  it('bounds a flush already running in the background by the deadline too', async () => {
    let calls = 0;
    const timers = manualTimers();
    const errors: ErrorContext[] = [];
    const client = createClient({
      ...baseOptions(),
      timers,
      onError: (_e, ctx) => errors.push(ctx),
      fetch: (_url, init) => {
        calls++;
        // Never answers: only an abort signal ends it.
        return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      },
    });
    client.track(lead('a'));
    const background = client.flush(); // e.g. flushAt reached during a request: no deadline of its own
    await settle();
    expect(calls).toBe(1);
    client.track(lead('b'));
    const flushing = client.flush({ timeoutMs: 1000 });
    for (let i = 0; i < 3; i++) {
      timers.fire(); // the deadline timers
      await settle();
    }
    const report = await Promise.race([flushing, settle().then(() => 'still waiting' as const)]);
    expect(report).not.toBe('still waiting');
    expect(report !== 'still waiting' && report.rejected.map((r) => [r.id, r.reason])).toEqual([['b', 'timeout']]);
    expect((await background).rejected.map((r) => [r.id, r.reason])).toEqual([['a', 'timeout']]);
    expect(errors.flatMap((e) => e.eventIds).sort()).toEqual(['a', 'b']);
    expect(client.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('says shutdown, not timeout, when the shutdown deadline comes first', async () => {
    mockApi(() => HttpResponse.json({}, { status: 503 }));
    const clock = fakeClock();
    const client = createClient({ ...baseOptions(clock), maxRetries: 50, retryMaxDelayMs: 500 });
    client.track(lead('a'));
    const flushing = client.flush({ timeoutMs: 60_000 });
    const shutdown = client.shutdown({ timeoutMs: 1000 });
    const [flushed] = await Promise.all([flushing, shutdown]);
    expect(flushed.rejected.map((r) => r.reason)).toEqual(['shutdown']);
  });
});
