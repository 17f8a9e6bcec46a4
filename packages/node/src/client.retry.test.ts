import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { delay, HttpResponse } from 'msw';
import { CapiApiError, CapiTimeoutError } from '@x/openai-capi-core';
import { createClient } from './client.js';
import type { ErrorContext } from './report.js';
import { API_KEY, baseOptions, fakeClock, mockApi, NOW, server, wireEvent } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Answers with `statuses[n]` for request n (200 once the list runs out). */
function sequence(statuses: Array<number | 'network' | ((n: number) => Response)>) {
  return mockApi((_body, n) => {
    const s = statuses[n] ?? 200;
    if (s === 'network') return HttpResponse.error();
    if (typeof s === 'function') return s(n);
    return HttpResponse.json({ error: { message: `status ${s}` } }, { status: s });
  });
}

describe('retries', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`retries ${status} with backoff and resends the identical body`, async () => {
      const seen = sequence([status, status]);
      const clock = fakeClock();
      const report = await createClient(baseOptions(clock)).send([wireEvent('a')]);
      expect(report).toMatchObject({ delivered: ['a'], rejected: [], retries: 2, requests: 3 });
      expect(new Set(seen.map((r) => r.text)).size).toBe(1);
      // random() = 1: full jitter hits its ceiling, 500 ms · 2^n.
      expect(clock.sleeps).toEqual([500, 1000]);
    });
  }

  it('retries network errors', async () => {
    sequence(['network', 'network']);
    const report = await createClient(baseOptions()).send([wireEvent('a')]);
    expect(report).toMatchObject({ delivered: ['a'], retries: 2 });
  });

  it('draws the backoff with full jitter, capped by retryMaxDelayMs', async () => {
    sequence([503, 503, 503, 503]);
    const clock = fakeClock();
    await createClient({ ...baseOptions(clock), random: () => 0.5, retryMaxDelayMs: 1500 }).send([wireEvent('a')]);
    expect(clock.sleeps).toEqual([250, 500, 750, 750]);
  });

  it('honours Retry-After in seconds', async () => {
    sequence([() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '7' } })]);
    const clock = fakeClock();
    const report = await createClient(baseOptions(clock)).send([wireEvent('a')]);
    expect(clock.sleeps).toEqual([7000]);
    expect(report.delivered).toEqual(['a']);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(NOW + 12_000).toUTCString();
    sequence([() => new HttpResponse(null, { status: 503, headers: { 'retry-after': at } })]);
    const clock = fakeClock();
    await createClient(baseOptions(clock)).send([wireEvent('a')]);
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('ignores a Retry-After in no standard form, and backs off instead', async () => {
    sequence([() => new HttpResponse(null, { status: 503, headers: { 'retry-after': 'soon 5' } })]);
    const clock = fakeClock();
    await createClient(baseOptions(clock)).send([wireEvent('a')]);
    expect(clock.sleeps).toEqual([500]);
  });

  it('caps Retry-After at retryAfterMaxMs', async () => {
    sequence([() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } })]);
    const clock = fakeClock();
    await createClient({ ...baseOptions(clock), retryAfterMaxMs: 30_000 }).send([wireEvent('a')]);
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('gives up after maxRetries and reports the last status and body', async () => {
    sequence([503, 503, 503]);
    const errors: ErrorContext[] = [];
    const client = createClient({ ...baseOptions(), maxRetries: 2, onError: (_e, ctx) => errors.push(ctx) });
    const report = await client.send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ id: 'a', reason: 'api', status: 503, body: { error: { message: 'status 503' } } });
    expect(report.rejected[0]!.error).toBeInstanceOf(CapiApiError);
    expect(report.requests).toBe(3);
    expect(errors).toEqual([expect.objectContaining({ reason: 'api', eventIds: ['a'], status: 503 })]);
  });

  it('stops retrying when the next wait would pass retryDeadlineMs', async () => {
    sequence([() => new HttpResponse(null, { status: 503, headers: { 'retry-after': '50' } })]);
    const report = await createClient({ ...baseOptions(), retryDeadlineMs: 20_000 }).send([wireEvent('a')]);
    expect(report).toMatchObject({ requests: 1, retries: 0 });
    expect(report.rejected[0]).toMatchObject({ reason: 'api', status: 503 });
  });

  it('times out a hanging request (AbortSignal) and retries it', async () => {
    let calls = 0;
    mockApi(async () => {
      calls++;
      if (calls === 1) await delay('infinite');
      return HttpResponse.json({});
    });
    const report = await createClient({ ...baseOptions(), timeoutMs: 20 }).send([wireEvent('a')]);
    expect(report).toMatchObject({ delivered: ['a'], retries: 1 });
  });

  it('reports a request that always times out with reason timeout and a CapiTimeoutError', async () => {
    mockApi(async () => {
      await delay('infinite');
      return HttpResponse.json({});
    });
    const report = await createClient({ ...baseOptions(), timeoutMs: 20, maxRetries: 1 }).send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ reason: 'timeout' });
    expect(report.rejected[0]!.error).toBeInstanceOf(CapiTimeoutError);
  });
});

describe('injected fetch and sleep that do not follow the rules', () => {
  it('bounds a fetch that ignores the abort signal by timeoutMs, and shutdown by its deadline', async () => {
    const hanging = () => new Promise<never>(() => {});
    const client = createClient({ ...baseOptions(), fetch: hanging, timeoutMs: 30, maxRetries: 1 });
    const report = await client.send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ id: 'a', reason: 'timeout' });
    client.track({ type: 'page_viewed', id: 'b', sourceUrl: 'https://shop.example/' });
    const slow = createClient({ ...baseOptions(), fetch: hanging, timeoutMs: 60_000 });
    slow.track({ type: 'page_viewed', id: 'c', sourceUrl: 'https://shop.example/' });
    const shut = await slow.shutdown({ timeoutMs: 50 });
    expect(shut.rejected.map((r) => [r.id, r.reason])).toEqual([['c', 'shutdown']]);
    await client.shutdown({ timeoutMs: 50 });
  });

  it('reports the batch when an injected sleep rejects on the shutdown deadline, and shutdown still resolves', async () => {
    sequence([503, 503, 503]);
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    let sleeping!: () => void;
    const asleep = new Promise<void>((resolve) => (sleeping = resolve));
    const client = createClient({
      ...baseOptions(),
      sleep: (ms, signal) => (sleeping(), sleep(ms, signal)),
      retryInitialDelayMs: 10_000,
      random: () => 1,
    });
    client.track({ type: 'page_viewed', id: 'e1', sourceUrl: 'https://shop.example/' });
    const flushed = client.flush();
    await asleep; // the flush now waits 10 s to retry; shutdown's deadline aborts that wait
    const report = await client.shutdown({ timeoutMs: 50 });
    const flushReport = await flushed;
    expect(flushReport.rejected.map((r) => [r.id, r.reason])).toEqual([['e1', 'shutdown']]);
    expect(report.rejected.map((r) => [r.id, r.reason])).toEqual([['e1', 'shutdown']]);
  });
});

describe('redirects', () => {
  it('follows a 307/308 on the same origin with the same method, body and key', async () => {
    const seen: Array<{ url: string; auth: string | undefined; body: string }> = [];
    const fetch = async (url: string, init: { headers: Record<string, string>; body: string }) => {
      seen.push({ url, auth: init.headers['authorization'], body: init.body });
      return url.includes('/v2/')
        ? new Response('{}', { status: 200 })
        : new Response(null, { status: 308, headers: { location: '/v2/events?pid=px' } });
    };
    const report = await createClient({ ...baseOptions(), fetch }).send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual(['/v1/events', '/v2/events']);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(seen[1]!.auth).toBe(`Bearer ${API_KEY}`);
  });

  it('does not follow a 307/308 to another origin (the key would go there): fatal', async () => {
    const seen: string[] = [];
    const fetch = async (url: string) => {
      seen.push(url);
      return new Response(null, { status: 307, headers: { location: 'https://elsewhere.example/v1/events' } });
    };
    const report = await createClient({ ...baseOptions(), fetch }).send([wireEvent('a')]);
    expect(seen).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ reason: 'api', status: 307 });
  });

  it('takes an injected fetch that answers with a plain value, not a promise', async () => {
    const fetch = (() => ({ status: 200, headers: { get: () => null }, text: () => '{}' })) as never;
    const report = await createClient({ ...baseOptions(), fetch }).send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
  });

  it('does not follow one (a 302 would resend the POST as a GET and count it delivered): fatal, with the location', async () => {
    const seen = sequence([() => new HttpResponse(null, { status: 302, headers: { location: 'https://bzr.example/landing' } })]);
    const report = await createClient(baseOptions()).send([wireEvent('a')]);
    expect(seen).toHaveLength(1);
    expect(report.delivered).toEqual([]);
    expect(report.rejected[0]).toMatchObject({ id: 'a', reason: 'api', status: 302 });
    expect(report.rejected[0]!.error.message).toContain('redirect (HTTP 302 to https://bzr.example/landing)');
  });
});

describe('fatal and split statuses', () => {
  for (const status of [401, 403]) {
    it(`treats ${status} as fatal: no retry, a clear auth error, later batches not sent`, async () => {
      const seen = sequence([status, status, status]);
      const errors: Array<[Error, ErrorContext]> = [];
      const client = createClient({ ...baseOptions(), maxBatchEvents: 1, onError: (e, ctx) => errors.push([e, ctx]) });
      const report = await client.send([wireEvent('a'), wireEvent('b')]);
      expect(seen).toHaveLength(1);
      expect(report.rejected.map((r) => [r.id, r.reason, r.status])).toEqual([['a', 'auth', status], ['b', 'auth', status]]);
      const error = report.rejected[0]!.error;
      expect(error).toBeInstanceOf(CapiApiError);
      expect(error.message).toMatch(/Conversions API key/);
      expect(error.message).toMatch(/not the Advertiser/i);
      expect(error.message).not.toContain(API_KEY);
      expect(errors[0]![1].reason).toBe('auth');
    });
  }

  it('does not retry other 4xx (404) and reports them as api', async () => {
    const seen = sequence([404]);
    const report = await createClient(baseOptions()).send([wireEvent('a'), wireEvent('b')]);
    expect(seen).toHaveLength(1);
    expect(report.rejected.map((r) => r.reason)).toEqual(['api', 'api']);
  });

  it('splits a batch on 413 until the halves fit', async () => {
    const seen = mockApi((body) =>
      body.events.length > 2 ? HttpResponse.json({}, { status: 413 }) : HttpResponse.json({}),
    );
    const events = Array.from({ length: 8 }, (_, i) => wireEvent(`e${i}`));
    const report = await createClient(baseOptions()).send(events);
    expect(report.delivered).toEqual(events.map((e) => e.id));
    expect(seen.filter((r) => r.body.events.length <= 2)).toHaveLength(4);
  });

  it('reports one event refused with 413 on its own as too_large', async () => {
    mockApi(() => HttpResponse.json({}, { status: 413 }));
    const report = await createClient(baseOptions()).send([wireEvent('a'), wireEvent('b')]);
    expect(report.rejected.map((r) => [r.id, r.reason, r.status])).toEqual([['a', 'too_large', 413], ['b', 'too_large', 413]]);
  });

  it('bisects 1000 events with 3 poisoned ones: 997 delivered, 3 reported with status and body', async () => {
    const poisoned = new Set(['e13', 'e500', 'e999']);
    const seen = mockApi((body) => {
      const bad = body.events.filter((e) => poisoned.has(e.id)).map((e) => e.id);
      return bad.length > 0
        ? HttpResponse.json({ error: { message: 'invalid event', ids: bad } }, { status: 422 })
        : HttpResponse.json({ ok: true });
    });
    const events = Array.from({ length: 1000 }, (_, i) => wireEvent(`e${i}`));
    const report = await createClient(baseOptions()).send(events);
    expect(report.delivered).toHaveLength(997);
    expect(new Set(report.delivered)).toEqual(new Set(events.map((e) => e.id).filter((id) => !poisoned.has(id))));
    expect(report.rejected.map((r) => [r.id, r.reason, r.status])).toEqual([
      ['e13', 'api', 422],
      ['e500', 'api', 422],
      ['e999', 'api', 422],
    ]);
    expect(report.rejected[0]!.body).toEqual({ error: { message: 'invalid event', ids: ['e13'] } });
    expect(seen.length).toBeLessThan(70);
  });

  it('bisects on 400 too', async () => {
    mockApi((body) =>
      body.events.some((e) => e.id === 'bad') ? HttpResponse.text('bad event', { status: 400 }) : HttpResponse.json({}),
    );
    const report = await createClient(baseOptions()).send([wireEvent('a'), wireEvent('bad'), wireEvent('c')]);
    expect(report.delivered).toEqual(['a', 'c']);
    expect(report.rejected[0]).toMatchObject({ id: 'bad', reason: 'api', status: 400, body: 'bad event' });
  });
});
