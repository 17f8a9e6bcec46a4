import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CapiError, CapiValidationError, timestampIssueCode, type EventInput, type WireEvent } from '@x/openai-capi-core';
// The core suites' generators: friendly events, and personal values carrying a marker.
import { friendlyEvent, leaks, markedUser } from '../../core/src/__fixtures__/arbitraries.js';
import { createClient, type CapiClient } from './client.js';
import { API_KEY, fakeClock, manualTimers, memoryLogger, NOW, wireEvent } from './__tests__/helpers.js';
import type { FetchLike } from './platform.js';

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug'] as const;
let spies: MockInstance[] = [];
beforeEach(() => {
  spies = CONSOLE.map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
});
afterEach(() => vi.restoreAllMocks());
const printed = (v: unknown) => (typeof v === 'string' ? v : v instanceof Error ? `${v.name}: ${v.message}` : (JSON.stringify(v) ?? String(v)));
const consoleText = () => spies.flatMap((s) => s.mock.calls.map((args) => args.map(printed).join(' '))).join('\n');

/** A client on a stubbed fetch answering `answers` in turn (a thrown error = network failure). */
function setup(answers: readonly (number | 'network')[] = [200]) {
  const logger = memoryLogger();
  const errors: string[] = [];
  const bodies: string[] = [];
  let n = 0;
  const fetch: FetchLike = async (_url, init) => {
    bodies.push(init.body);
    const answer = answers[n++ % answers.length]!;
    if (answer === 'network') throw new TypeError('fetch failed');
    return new Response(answer === 200 ? '{}' : '{"error":{"message":"bad"}}', { status: answer, headers: answer === 429 ? { 'retry-after': '1' } : {} });
  };
  const clock = fakeClock();
  const client: CapiClient = createClient({
    pixelId: 'px',
    apiKey: API_KEY,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    timers: manualTimers(),
    random: () => 0.5,
    maxRetries: 2,
    logger,
    logLevel: 'debug',
    onError: (error, context) => errors.push(`${error.message} ${JSON.stringify(context.events.map((e) => e.issues ?? null))}`),
  });
  return { client, logger, errors, bodies };
}

describe('createClient(...).track (properties)', () => {
  it('throws only CapiValidationError, and no raw personal data reaches an error, a log line, the console or the wire', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(friendlyEvent(markedUser), { minLength: 1, maxLength: 4 }), async (inputs) => {
        const { client, logger, errors, bodies } = setup();
        const thrown: string[] = [];
        for (const input of inputs) {
          try {
            client.track(input as EventInput);
          } catch (error) {
            expect(CapiValidationError.isInstance(error)).toBe(true);
            thrown.push(`${(error as Error).message} ${JSON.stringify((error as CapiValidationError).issues)}`);
          }
        }
        await client.flush();
        const all = [...thrown, ...errors, ...logger.lines, consoleText(), ...bodies].join('\n');
        expect(leaks(all), all).toBe(false);
        expect(all).not.toContain(API_KEY);
      }),
      { numRuns: 200 },
    );
  });
});

const anything = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, maxDepth: 3 });
/** Wire-ish events: valid ones, valid ones with a field replaced, and anything. */
const wireish = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,6}$/).map((id) => wireEvent(id)),
  fc.tuple(fc.stringMatching(/^[a-z0-9]{1,6}$/), fc.constantFrom('id', 'type', 'timestamp_ms', 'data', 'user', 'source_url', 'custom_event_name', 'x'), anything).map(([id, key, value]) => ({ ...wireEvent(id), [key]: value })),
  fc.constantFrom(wireEvent('old', NOW - 8 * 86_400_000), wireEvent('future', NOW + 3_600_000), wireEvent('dup'), { ...wireEvent('big'), data: { type: 'customer_action' }, oppref: 'x'.repeat(2_000_000) }),
  anything,
);
const answers = fc.array(fc.constantFrom<number | 'network'>(200, 202, 400, 401, 403, 408, 413, 422, 429, 500, 503, 'network'), { minLength: 1, maxLength: 4 });

describe('createClient(...).send (properties)', () => {
  it('never rejects for random wire-ish events and API answers, and accounts for every valid event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wireish, { maxLength: 6 }), answers, async (events, replies) => {
        const { client, logger, errors } = setup(replies);
        const report = await client.send(events as WireEvent[]);
        expect(report.retries).toBeLessThanOrEqual(report.requests);
        for (const r of report.rejected) expect(CapiError.isInstance(r.error)).toBe(true);
        expect(new Set([...report.delivered, ...report.rejected.map((r) => r.id)]).size).toBeLessThanOrEqual(events.length);
        const all = [...errors, ...logger.lines, consoleText()].join('\n');
        expect(all).not.toContain(API_KEY);
      }),
      { numRuns: 200 },
    );
  });

  it('send() delivers the first valid copy of each (name, id) in order, and lists every later one in duplicates', async () => {
    // A simple model: a Map of the (name, id) pairs seen, over the valid events only.
    const names = ['lead_created', 'quote', 'other'];
    const item = fc.record({ name: fc.nat(2), id: fc.nat(5), stale: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 40 }), async (items) => {
        const { client, bodies } = setup([200]);
        const events = items.map(({ name, id, stale }) => {
          const ts = stale ? NOW - 8 * 86_400_000 : NOW;
          return name === 0 ? wireEvent(`o${id}`, ts) : wireEvent(`o${id}`, ts, { type: 'custom', custom_event_name: names[name]!, data: { type: 'custom' } });
        });
        const firsts = new Set<string>();
        const sent: string[] = [];
        const repeats: string[] = [];
        for (const { name, id, stale } of items) {
          if (stale) continue;
          const key = `${names[name]} o${id}`;
          (firsts.has(key) ? repeats : sent).push(key);
          firsts.add(key);
        }
        const report = await client.send(events);
        const keyOf = (e: { type: string; custom_event_name?: string; customEventName?: string; id: string }) =>
          `${e.type === 'custom' ? (e.custom_event_name ?? e.customEventName) : e.type} ${e.id}`;
        const wire = bodies.flatMap((b) => (JSON.parse(b) as { events: WireEvent[] }).events);
        expect(wire.map(keyOf)).toEqual(sent);
        expect(report.delivered).toEqual(sent.map((k) => k.split(' ')[1]));
        expect(report.duplicates.map(keyOf)).toEqual(repeats);
        expect(report.rejected.map((r) => r.reason)).toEqual(items.filter((i) => i.stale).map(() => 'stale'));
        expect(client.stats()).toMatchObject({ delivered: sent.length, deduplicated: repeats.length });
      }),
      { numRuns: 300 },
    );
  });

  it('flush() leaves out exactly the queued events that went stale while they waited (core rule, per event)', async () => {
    const DAY = 86_400_000;
    const offset = fc.integer({ min: -7 * DAY + 1, max: 10 * 60_000 }); // accepted at track time
    const advance = fc.oneof(fc.integer({ min: -2 * 3_600_000, max: 8 * DAY }), fc.constantFrom(0, 1, -1, 7 * DAY, -600_001));
    await fc.assert(
      fc.asyncProperty(fc.array(offset, { minLength: 1, maxLength: 30 }), advance, async (offsets, by) => {
        const clock = fakeClock();
        const bodies: string[] = [];
        const fetch: FetchLike = async (_url, init) => {
          bodies.push(init.body);
          return new Response('{}', { status: 200 });
        };
        const client = createClient({ pixelId: 'px', apiKey: API_KEY, fetch, now: clock.now, sleep: clock.sleep, timers: manualTimers(), logLevel: 'error' });
        offsets.forEach((o, i) => client.track({ type: 'lead_created', id: `l${i}`, timestamp: NOW + o, sourceUrl: 'https://shop.example/' }));
        clock.t += by;
        const report = await client.flush();
        const stale = offsets.map((o, i) => [`l${i}`, timestampIssueCode(NOW + o, clock.t)] as const).filter(([, code]) => code !== undefined);
        expect(report.rejected.map((r) => [r.id, r.reason, r.issues?.[0]?.code])).toEqual(stale.map(([id, code]) => [id, 'stale', code]));
        const sent = bodies.flatMap((b) => (JSON.parse(b) as { events: WireEvent[] }).events.map((e) => e.id));
        expect(sent).toEqual(offsets.map((_, i) => `l${i}`).filter((id) => !stale.some(([s]) => s === id)));
        expect(report.delivered).toEqual(sent);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects (throws CapiValidationError) only for a non-array argument', async () => {
    await fc.assert(
      fc.asyncProperty(anything, async (value) => {
        const { client } = setup();
        try {
          await client.send(value as WireEvent[]);
          expect(Array.isArray(value)).toBe(true);
        } catch (error) {
          expect(CapiValidationError.isInstance(error)).toBe(true);
          expect(Array.isArray(value)).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('createClient(...).send with hostile events', () => {
  it('does not reject for an event whose getters throw', async () => {
    const { client } = setup();
    const hostile = new Proxy(wireEvent('h1'), {
      get() {
        throw new Error('boom');
      },
      ownKeys() {
        throw new Error('boom');
      },
    });
    const report = await client.send([hostile as WireEvent, wireEvent('ok1')]);
    expect(report.delivered).toEqual(['ok1']);
    expect(report.rejected).toEqual([expect.objectContaining({ reason: 'invalid', issues: [expect.objectContaining({ code: 'unreadable' })] })]);
  });
});
