import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse } from 'msw';
import { CapiValidationError } from '@x/openai-capi-core';
import { createClient } from './client.js';
import { API_KEY, baseOptions, ENDPOINT, fakeClock, memoryLogger, mockApi, NOW, server, wireEvent } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('send', () => {
  it('POSTs to endpoint?pid=<encoded pixel id> with the bearer key and the JSON envelope', async () => {
    const seen = mockApi();
    const client = createClient(baseOptions());
    const report = await client.send([wireEvent('a'), wireEvent('b')]);
    expect(report).toEqual({ delivered: ['a', 'b'], rejected: [], duplicates: [], warnings: [], retries: 0, requests: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`${ENDPOINT}?pid=px%201%2F2`);
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(seen[0]!.text).toBe(
      JSON.stringify({ integration_source: 'x-openai-capi-node', events: [wireEvent('a'), wireEvent('b')] }),
    );
  });

  it('sends validate_only from the client option, the per-call option and validate()', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), validateOnly: false });
    await client.send([wireEvent('a')]);
    await client.send([wireEvent('b')], { validateOnly: true });
    const report = await client.validate([wireEvent('c')]);
    expect(seen.map((r) => r.body.validate_only)).toEqual([false, true, true]);
    expect(report.delivered).toEqual(['c']);
  });

  it('omits validate_only by default, and integration_source when set to false', async () => {
    const seen = mockApi();
    await createClient({ ...baseOptions(), integrationSource: false }).send([wireEvent('a')]);
    expect(Object.keys(seen[0]!.body)).toEqual(['events']);
  });

  it('sends a custom integrationSource and refuses one breaking the spec rule', async () => {
    const seen = mockApi();
    await createClient({ ...baseOptions(), integrationSource: 'acme_measurement' }).send([wireEvent('a')]);
    expect(seen[0]!.body.integration_source).toBe('acme_measurement');
    expect(() => createClient({ ...baseOptions(), integrationSource: '-bad source' })).toThrow(CapiValidationError);
  });

  it('reports invalid events with their local issues and never sends them', async () => {
    const seen = mockApi();
    const client = createClient(baseOptions());
    const bad = { ...wireEvent('bad'), type: 'purchase' } as unknown as ReturnType<typeof wireEvent>;
    const report = await client.send([bad, wireEvent('good')]);
    expect(report.delivered).toEqual(['good']);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ id: 'bad', reason: 'invalid' });
    expect(report.rejected[0]!.issues!.some((i) => i.path === 'type')).toBe(true);
    expect(seen[0]!.body.events.map((e) => e.id)).toEqual(['good']);
  });

  it('checks the timestamp window at send time: a stale event is reported, not sent', async () => {
    const seen = mockApi();
    const clock = fakeClock();
    const client = createClient(baseOptions(clock));
    const old = wireEvent('old', NOW - 8 * 86_400_000);
    const future = wireEvent('future', NOW + 11 * 60_000);
    const report = await client.send([old, future, wireEvent('ok')]);
    expect(report.delivered).toEqual(['ok']);
    expect(report.rejected.map((r) => [r.id, r.reason, r.issues?.[0]?.code])).toEqual([
      ['old', 'stale', 'too_old'],
      ['future', 'stale', 'in_future'],
    ]);
    expect(seen).toHaveLength(1);
  });

  it('sends an event duplicated in one call once', async () => {
    const seen = mockApi();
    const report = await createClient(baseOptions()).send([wireEvent('a'), wireEvent('a'), wireEvent('a', NOW, { type: 'custom', custom_event_name: 'quote', data: { type: 'custom' } })]);
    expect(seen[0]!.body.events).toHaveLength(2);
    expect(report.delivered).toEqual(['a', 'a']);
  });

  it('reports each repeated (name, id) of one call in duplicates, counts it, and never calls onError for it', async () => {
    const seen = mockApi();
    const errors: unknown[] = [];
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), logger, logLevel: 'debug', onError: (e) => errors.push(e) });
    const custom = (name: string) => wireEvent('a', NOW, { type: 'custom', custom_event_name: name, data: { type: 'custom' } });
    const report = await client.send([wireEvent('a'), custom('quote'), wireEvent('a'), custom('quote'), custom('other'), wireEvent('a')]);
    expect(seen[0]!.body.events.map((e) => e.custom_event_name ?? e.type)).toEqual(['lead_created', 'quote', 'other']);
    expect(report.delivered).toEqual(['a', 'a', 'a']);
    expect(report.rejected).toEqual([]);
    expect(report.duplicates).toEqual([
      { id: 'a', type: 'lead_created' },
      { id: 'a', type: 'custom', customEventName: 'quote' },
      { id: 'a', type: 'lead_created' },
    ]);
    expect(client.stats()).toMatchObject({ deduplicated: 3, delivered: 3, rejected: 0 });
    expect(errors).toEqual([]);
    expect(logger.lines.filter((l) => l.includes('sent once'))).toHaveLength(3);
  });

  it('splits by count (1000 per request) and by bytes (maxBatchBytes)', async () => {
    const seen = mockApi();
    const events = Array.from({ length: 2500 }, (_, i) => wireEvent(`e${i}`));
    const report = await createClient(baseOptions()).send(events);
    expect(seen.map((r) => r.body.events.length)).toEqual([1000, 1000, 500]);
    expect(report.delivered).toHaveLength(2500);

    const small = mockApi();
    const bytes = createClient({ ...baseOptions(), maxBatchBytes: 2048 });
    await bytes.send(events.slice(0, 40));
    expect(small.length).toBeGreaterThan(1);
    for (const r of small) expect(new TextEncoder().encode(r.text).length).toBeLessThanOrEqual(2048);
    expect(small.flatMap((r) => r.body.events.map((e) => e.id))).toEqual(events.slice(0, 40).map((e) => e.id));
  });

  it('reports an event larger than maxBatchBytes on its own as too_large', async () => {
    mockApi();
    const client = createClient({ ...baseOptions(), maxBatchBytes: 1024 });
    const huge = wireEvent('huge', NOW, { source_url: `https://shop.example/${'x'.repeat(2000)}` });
    const report = await client.send([huge, wireEvent('ok')]);
    expect(report.delivered).toEqual(['ok']);
    expect(report.rejected[0]).toMatchObject({ id: 'huge', reason: 'too_large' });
  });

  it('throws for programmer errors only: a non-array, bad options', async () => {
    const client = createClient(baseOptions());
    await expect(client.send('nope' as never)).rejects.toThrow(CapiValidationError);
    expect(() => createClient({ ...baseOptions(), apiKey: '' })).toThrow(/Conversions API key/);
    expect(() => createClient({ ...baseOptions(), pixelId: undefined as never })).toThrow(CapiValidationError);
    expect(() => createClient({ ...baseOptions(), endpoint: 'ftp://x' })).toThrow(/endpoint/);
    expect(() => createClient({ ...baseOptions(), flushAt: 'ten' as never })).toThrow(/flushAt/);
  });

  it('runs 20 send() calls at once without a "possible EventTarget memory leak" warning', async () => {
    mockApi(() => HttpResponse.json({}));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const client = createClient(baseOptions());
      const reports = await Promise.all(Array.from({ length: 20 }, (_, i) => client.send([wireEvent(`w${i}`)])));
      expect(reports.flatMap((r) => r.delivered)).toHaveLength(20);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('leaves a rejection nobody handles unhandled (holding the process open does not swallow it)', async () => {
    const seen: unknown[] = [];
    const onUnhandled = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void createClient(baseOptions()).send('not an array' as never);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toHaveLength(1);
      expect(CapiValidationError.isInstance(seen[0])).toBe(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('calls onDelivered once per successful request, with the request id', async () => {
    mockApi(() => HttpResponse.json({}, { headers: { 'x-request-id': 'req_1' } }));
    const seen: unknown[] = [];
    const client = createClient({ ...baseOptions(), maxBatchEvents: 2, onDelivered: (info) => seen.push(info) });
    await client.send([wireEvent('a'), wireEvent('b'), wireEvent('c')], { validateOnly: true });
    expect(seen).toEqual([
      { eventIds: ['a', 'b'], status: 200, validateOnly: true, requestId: 'req_1' },
      { eventIds: ['c'], status: 200, validateOnly: true, requestId: 'req_1' },
    ]);
    expect(client.stats()).toMatchObject({ delivered: 3, requests: 2 });
  });

  it('resolves (never rejects) when the API is down', async () => {
    mockApi(() => HttpResponse.error());
    const report = await createClient({ ...baseOptions(), maxRetries: 1 }).send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ id: 'a', reason: 'network' });
    expect(report.retries).toBe(1);
  });
});

describe('events unlikely to be attributed (spec §4)', () => {
  const HASH = 'b'.repeat(64);

  it('logs one debug line with the ids of sent events that carry no strong match key, and no personal data', async () => {
    mockApi();
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), logger, logLevel: 'debug' });
    await client.send([
      wireEvent('bare', NOW, { user: { ip_address: '203.0.113.9', user_agent: 'UA/1', phone_numbers_sha256: [HASH] } }),
      wireEvent('clicked', NOW, { oppref: 'click-1' }),
      wireEvent('known', NOW, { user: { emails_sha256: [HASH] } }),
    ]);
    const warnings = logger.lines.filter((l) => l.includes('unlikely to be attributed'));
    expect(warnings).toEqual([expect.stringMatching(/^debug .*1 event\(s\) have no oppref, obref, hashed email or hashed external id/)]);
    expect(warnings[0]).toContain('"eventIds":["bare"]');
    for (const data of ['203.0.113.9', 'UA/1', HASH, 'click-1']) expect(warnings[0]).not.toContain(data);
  });

  it('says it for tracked events too, once, when they are sent; nothing when every event has a key', async () => {
    mockApi();
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), logger, logLevel: 'debug' });
    client.track({ type: 'lead_created', id: 't1', sourceUrl: 'https://s.example/' });
    client.track({ type: 'lead_created', id: 't2', sourceUrl: 'https://s.example/', user: { externalId: 'u-1' } });
    await client.flush();
    await client.send([wireEvent('ok', NOW, { user: { obref: 'ob' } })]);
    const warnings = logger.lines.filter((l) => l.includes('unlikely to be attributed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"eventIds":["t1"]');
  });

  it('stays silent above debug level', async () => {
    mockApi();
    const logger = memoryLogger();
    await createClient({ ...baseOptions(), logger, logLevel: 'info' }).send([wireEvent('bare')]);
    expect(logger.lines.filter((l) => l.includes('unlikely'))).toEqual([]);
  });
});

describe('send() and the serialization of its batches', () => {
  it('send() sends what it validated: a change to an event after send() was called is not sent', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), maxBatchEvents: 1 });
    const events = [wireEvent('a'), wireEvent('b')];
    const pending = client.send(events);
    // The caller reuses its objects right after the call (send() already validated them).
    (events[1] as { data: unknown }).data = { type: 'not_a_data_type', junk: true };
    events[1]!.user = { emails_sha256: ['not a digest'] };
    const report = await pending;
    expect(seen).toHaveLength(2);
    // Every batch of a send() is serialized inside the call: the API gets the validated event 'b'.
    expect(seen[1]!.body.events[0]).toEqual(wireEvent('b'));
    expect(report.delivered).toEqual(['a', 'b']);
  });

  it('an event too large to send is reported too_large, also in a batch after a 401', async () => {
    mockApi(() => HttpResponse.json({ error: { message: 'bad key' } }, { status: 401 }));
    const client = createClient({ ...baseOptions(), maxBatchEvents: 1, maxBatchBytes: 1024 });
    const huge = wireEvent('huge', NOW, { source_url: `https://shop.example/${'x'.repeat(2000)}` });
    const report = await client.send([wireEvent('ok'), huge]);
    // It can never be sent, refused key or not: reported too_large, not auth.
    expect(report.rejected.map((r) => [r.id, r.reason]).sort()).toEqual([['huge', 'too_large'], ['ok', 'auth']]);
  });
});
