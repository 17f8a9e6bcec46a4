import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { capiHandlers, OPENAI_CAPI_ENDPOINT } from '@x/openai-capi-testing/msw';
import { KEY, NOW, PIXEL, custom, order } from './__fixtures__/events.js';

const capi = capiHandlers({ apiKey: KEY, pixelIds: [PIXEL], now: NOW });
const other = capiHandlers({ endpoint: 'https://capi.test/custom/path', now: NOW });
const server = setupServer(...capi.handlers, ...other.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  capi.reset();
  other.reset();
});
afterAll(() => server.close());

function post(body: unknown, init: { key?: string; pid?: string; url?: string } = {}) {
  return fetch(`${init.url ?? OPENAI_CAPI_ENDPOINT}?pid=${encodeURIComponent(init.pid ?? PIXEL)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.key ?? KEY}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('capiHandlers (msw)', () => {
  it('intercepts the real endpoint and records accepted events', async () => {
    const res = await post({ events: [order('o1')], integration_source: 'x-openai-capi-node' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req_emu_000001');
    expect(await res.json()).toEqual({ received: 1, duplicates: 0, validate_only: false });
    expect(capi.events.map((e) => [e.event.id, e.integrationSource])).toEqual([['o1', 'x-openai-capi-node']]);
    expect(capi.endpoint).toBe('https://bzr.openai.com/v1/events');
  });

  it('answers 401, 403, 422 and 400 like the emulator, in the recorded body shape', async () => {
    expect((await post({ events: [order('o1')] }, { key: 'nope' })).status).toBe(401);
    const pid = await post({ events: [order('o1')] }, { pid: 'px_unknown' });
    expect(pid.status).toBe(403);
    expect(((await pid.json()) as { error: { message: string } }).error.message).toBe('403: unknown pid');
    const bad = await post({ events: [order('o1'), order('o2', { timestamp_ms: NOW + 3_600_000 })] });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; issues: unknown[] } };
    expect(body.error.code).toBe('event_timestamp_too_new');
    expect(body.error.issues).toEqual([expect.objectContaining({ index: 1, path: 'events[1].timestamp_ms', code: 'in_future' })]);
    const invalid = await post({ events: [order('o1', { id: '' })] });
    expect(invalid.status).toBe(400);
    expect(capi.events).toHaveLength(0);
    expect(capi.requests.map((r) => r.status)).toEqual([401, 403, 422, 400]);
  });

  it('honours validate_only and deduplicates custom events by name, first wins', async () => {
    await post({ events: [custom('c1', 'quiz_done')], validate_only: true });
    expect(capi.events).toHaveLength(0);
    await post({ events: [custom('c1', 'quiz_done')] });
    const res = await post({ events: [custom('c1', 'quiz_done'), custom('c1', 'quiz_started')] });
    expect(await res.json()).toMatchObject({ received: 2, duplicates: 1 });
    expect(capi.events.map((e) => e.event.custom_event_name)).toEqual(['quiz_done', 'quiz_started']);
    expect(capi.duplicates.map((d) => d.key.name)).toEqual(['quiz_done']);
  });

  it('turns a reset fault into a network error and a 429 fault into Retry-After', async () => {
    capi.setFaults({ resetRate: 1 });
    await expect(post({ events: [order('o1')] })).rejects.toThrow(TypeError);
    capi.setFaults({ rateLimitRate: 1, retryAfterS: 5 });
    const limited = await post({ events: [order('o1')] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(capi.events).toHaveLength(0);
  });

  it('is reproducible: the same seed gives the same fault sequence as a fresh mock', async () => {
    const faults = { status5xxRate: 0.5, seed: 2024 };
    const run = async () => {
      capi.setFaults(faults);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await post({ events: [order(`o${i}`)] })).status);
      return statuses;
    };
    const first = await run();
    capi.reset();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('intercepts a custom endpoint and accepts any key when no apiKey is set', async () => {
    const res = await post({ events: [order('o1')] }, { url: 'https://capi.test/custom/path', key: 'anything', pid: 'px_any' });
    expect(res.status).toBe(200);
    expect(other.events[0]?.pixelId).toBe('px_any');
    expect(capi.requests).toHaveLength(0);
  });

  it('accepts endpoint but checks the other options like the emulator', () => {
    expect(() => capiHandlers({ pixelIds: 'px_1' as never })).toThrow(/options\.pixelIds/);
    expect(() => capiHandlers({ port: 4318 } as never)).toThrow(/options\.port is not an option/);
    expect(() => capiHandlers({ endpoint: '/v1/events' })).toThrow(RangeError);
  });
});

describe('capiHandlers: same answers as the server', () => {
  it('answers 404 on a trailing slash and 400 on a body with a BOM, as the server does', async () => {
    const slash = await post({ events: [order('o1')] }, { url: `${OPENAI_CAPI_ENDPOINT}/` });
    expect(slash.status).toBe(404);
    const bom = await post(`\uFEFF${JSON.stringify({ events: [order('o2')] })}`);
    expect(bom.status).toBe(400);
    expect(capi.events).toEqual([]);
  });
});
