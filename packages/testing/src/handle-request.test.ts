import { describe, expect, it } from 'vitest';
import { handleCapiRequest, type CapiRequest } from './handle-request.js';
import { createState, resolveOptions } from './state.js';
import type { CapiOutcome } from './responses.js';
import type { CapiEmulatorOptions } from './types.js';
import { HASH, KEY, NOW, PIXEL, custom, order, request } from './__fixtures__/events.js';

/** Key and pixel checks on, frozen clock, plus `extra`. */
function setup(extra: CapiEmulatorOptions = {}) {
  return setupExactly({ apiKey: KEY, pixelIds: [PIXEL], now: NOW, ...extra });
}

function setupExactly(options: CapiEmulatorOptions) {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const send = (req: CapiRequest) => answer(handleCapiRequest(req, state, resolved));
  return { state, send };
}

function answer(outcome: CapiOutcome) {
  if (outcome.kind === 'reset') throw new Error('unexpected reset');
  return { status: outcome.status, headers: outcome.headers, body: JSON.parse(outcome.body) as Record<string, any> };
}

describe('handleCapiRequest: transport checks', () => {
  it('accepts a valid batch with 200 and an x-request-id', () => {
    const { send, state } = setup();
    const res = send(request({ events: [order('o1')] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1, duplicates: 0, validate_only: false });
    expect(res.headers['x-request-id']).toBe('req_emu_000001');
    expect(state.events.map((e) => e.event.id)).toEqual(['o1']);
    expect(state.events[0]).toMatchObject({ pixelId: PIXEL, receivedAt: NOW, requestId: 'req_emu_000001' });
  });

  it('keeps only the latest maxRecordedRequests requests, but every event', () => {
    const { send, state } = setup({ maxRecordedRequests: 2 });
    for (const id of ['o1', 'o2', 'o3']) expect(send(request({ events: [order(id)] })).status).toBe(200);
    expect(state.requests.map((r) => r.requestId)).toEqual(['req_emu_000002', 'req_emu_000003']);
    expect(state.requestCounter).toBe(3);
    expect(state.events.map((e) => e.event.id)).toEqual(['o1', 'o2', 'o3']);
    expect(() => setup({ maxRecordedRequests: -1 })).toThrow(/maxRecordedRequests/);
    expect(() => setup({ maxRecordedRequests: 1.5 })).toThrow(/maxRecordedRequests/);
  });

  it('answers 405 with Allow: POST to other methods', () => {
    const { send } = setup();
    const res = send(request('', { method: 'GET' }));
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });

  it.each([
    ['missing', {}],
    ['not bearer', { authorization: `Basic ${KEY}` }],
    ['wrong key', { authorization: 'Bearer sk_wrong' }],
  ])('answers 401 when the key is %s, and never echoes it', (_, auth) => {
    const { send, state } = setup();
    const res = send(request({ events: [order('o1')] }, { headers: { 'content-type': 'application/json', ...auth } }));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: 'authorization' });
    expect(JSON.stringify(res.body)).not.toContain('sk_');
    expect(state.events).toHaveLength(0);
  });

  it('accepts any bearer key when no apiKey is configured', () => {
    const { send } = setupExactly({ pixelIds: [PIXEL], now: NOW });
    const res = send(request({ events: [order('o1')] }, { headers: { authorization: 'Bearer whatever', 'content-type': 'application/json' } }));
    expect(res.status).toBe(200);
  });

  it('answers 403 "unknown pid" for a pixel outside pixelIds (as recorded from the live API), and accepts any pixel without pixelIds', () => {
    const res = setup().send(request({ events: [order('o1')] }, { pid: 'px_other' }));
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      message: '403: unknown pid',
      type: 'invalid_request_error',
      param: 'pid',
      code: 'unknown_pid',
      errors: [{ message: '403: unknown pid', param: 'pid', code: 'unknown_pid' }],
    });
    expect(setupExactly({ apiKey: KEY, now: NOW }).send(request({ events: [order('o1')] }, { pid: 'px_other' })).status).toBe(200);
  });

  it('answers 400 without pid', () => {
    const res = setup().send(request({ events: [order('o1')] }, { pid: null }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'pid', code: 'missing_pid' });
    expect(res.body.error.issues).toEqual([expect.objectContaining({ path: 'pid', code: 'missing_pid' })]);
  });

  it('answers 413 over maxBodyBytes and accepts a body at the limit', () => {
    const body = JSON.stringify({ events: [order('o1')] });
    const atLimit = setup({ maxBodyBytes: Buffer.byteLength(body) });
    expect(atLimit.send(request(body)).status).toBe(200);
    const over = setup({ maxBodyBytes: Buffer.byteLength(body) - 1 });
    const res = over.send(request(body));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });

  it('answers 415 when the content type is not JSON', () => {
    const res = setup().send(request({ events: [order('o1')] }, { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' } }));
    expect(res.status).toBe(415);
  });

  it('answers 400 invalid_json to a body that is not JSON', () => {
    const res = setup().send(request('{"events": ['));
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([expect.objectContaining({ code: 'invalid_json' })]);
  });
});

describe('handleCapiRequest: envelope and validation (all or nothing)', () => {
  it.each([
    ['an array body', [order('o1')], '', 'invalid_type'],
    ['no events', {}, 'events', 'required'],
    ['empty events', { events: [] }, 'events', 'empty'],
    ['events not an array', { events: order('o1') }, 'events', 'invalid_type'],
    ['1001 events', { events: Array.from({ length: 1001 }, (_, i) => order(`o${i}`)) }, 'events', 'too_many'],
    ['an unknown envelope key', { events: [order('o1')], validateOnly: true }, 'validateOnly', 'unknown_field'],
    ['a non-boolean validate_only', { events: [order('o1')], validate_only: 'yes' }, 'validate_only', 'invalid_type'],
    ['a bad integration_source', { events: [order('o1')], integration_source: 'bad source!' }, 'integration_source', 'invalid_format'],
  ])('rejects %s with 400', (_, body, path, code) => {
    const { send, state } = setup();
    const res = send(request(body));
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.errors).toContainEqual(expect.objectContaining({ param: path || null, code }));
    expect(res.body.error.issues).toContainEqual(expect.objectContaining({ path, code }));
    expect(state.events).toHaveLength(0);
  });

  it('accepts exactly 1000 events', () => {
    const res = setup().send(request({ events: Array.from({ length: 1000 }, (_, i) => order(`o${i}`)) }));
    expect(res.status).toBe(200);
    expect(res.body['received']).toBe(1000);
  });

  it('rejects the whole batch when one event is invalid, listing every issue with its index and path', () => {
    const { send, state } = setup();
    const bad = order('o2', { data: { type: 'contents', amount: 12.5, currency: 'USD' } });
    const worse = order('o3', { timestamp_ms: NOW - 8 * 86_400_000 });
    const res = send(request({ events: [order('o1'), bad, worse] }));
    expect(res.status).toBe(400);
    const issues = res.body.error.issues as Array<Record<string, unknown>>;
    expect(issues).toContainEqual(expect.objectContaining({ index: 1, path: 'events[1].data.amount', code: 'not_integer' }));
    expect(issues).toContainEqual(expect.objectContaining({ index: 2, path: 'events[2].timestamp_ms', code: 'too_old' }));
    expect(issues.every((i) => i['index'] !== 0)).toBe(true);
    expect(state.events).toHaveLength(0);
    expect(state.requests[0]).toMatchObject({ status: 400, eventCount: 3 });
  });

  it('validates timestamps against the injected clock (number or function)', () => {
    let now = NOW;
    const { send } = setup({ now: () => now });
    expect(send(request({ events: [order('o1')] })).status).toBe(200);
    now = NOW + 8 * 86_400_000;
    expect(send(request({ events: [order('o2')] })).status).toBe(422);
  });

  it('answers a timestamp outside the window with 422 and the recorded codes; mixed with another problem, 400', () => {
    const { send, state } = setup();
    const old = send(request({ events: [order('o1'), { ...order('o2'), timestamp_ms: NOW - 8 * 86_400_000 }] }));
    expect(old.status).toBe(422);
    expect(old.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'event_timestamp_too_old',
      param: 'events[1].timestamp_ms',
      errors: [{ param: 'events[1].timestamp_ms', code: 'too_old', message: expect.stringContaining('events[1].timestamp_ms') }],
    });
    const ahead = send(request({ events: [{ ...order('o3'), timestamp_ms: NOW + 3_600_000 }] }));
    expect(ahead.status).toBe(422);
    expect(ahead.body.error.code).toBe('event_timestamp_too_new');
    const mixed = send(request({ events: [{ ...order('o4'), timestamp_ms: NOW - 8 * 86_400_000 }, { ...order('o5'), id: '' }] }));
    expect(mixed.status).toBe(400);
    expect(state.events).toHaveLength(0);
  });

  it('accepts a wire event without action_source, as the live API does (spec §7b)', () => {
    const { send, state } = setup();
    const { action_source: _a, ...event } = order('o1');
    expect(send(request({ events: [event] })).status).toBe(200);
    expect(state.events).toHaveLength(1);
  });

  it('validate_only validates without storing, and still rejects invalid events', () => {
    const { send, state } = setup();
    const ok = send(request({ events: [order('o1')], validate_only: true }));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ received: 1, duplicates: 0, validate_only: true });
    expect(state.events).toHaveLength(0);
    expect(state.requests[0]).toMatchObject({ validateOnly: true, status: 200 });
    const bad = send(request({ events: [order('')], validate_only: true }));
    expect(bad.status).toBe(400);
  });

  it('lowercases integration_source and records it on events and requests', () => {
    const { send, state } = setup();
    send(request({ events: [order('o1')], integration_source: 'X-OpenAI-Capi-Relay' }));
    expect(state.events[0]?.integrationSource).toBe('x-openai-capi-relay');
    expect(state.requests[0]?.integrationSource).toBe('x-openai-capi-relay');
  });
});

describe('handleCapiRequest: deduplication (first wins)', () => {
  it('keeps the first copy of (pixel, type, id) and records later copies as absorbed', () => {
    const { send, state } = setupExactly({ apiKey: KEY, now: NOW });
    send(request({ events: [order('o1', { oppref: 'first' })] }));
    const res = send(request({ events: [order('o1', { oppref: 'second' }), order('o2')], integration_source: 'x-openai-capi-relay' }));
    expect(res.body).toEqual({ received: 2, duplicates: 1, validate_only: false });
    expect(state.events.map((e) => [e.event.id, e.event.oppref])).toEqual([['o1', 'first'], ['o2', 'clk_123']]);
    expect(state.duplicates).toEqual([
      expect.objectContaining({
        key: { pixelId: PIXEL, name: 'order_created', id: 'o1' },
        requestId: 'req_emu_000002',
        firstRequestId: 'req_emu_000001',
        integrationSource: 'x-openai-capi-relay',
      }),
    ]);
    expect(state.duplicates[0]?.event.oppref).toBe('second');
  });

  it('keys on the type: the same id under another type is a different event', () => {
    const { send, state } = setup();
    send(request({ events: [order('k1')] }));
    send(request({ events: [order('k1', { type: 'checkout_started' })] }));
    expect(state.events).toHaveLength(2);
    expect(state.duplicates).toHaveLength(0);
  });

  it('keys custom events on custom_event_name', () => {
    const { send, state } = setup();
    send(request({ events: [custom('c1', 'quiz_done'), custom('c1', 'quiz_started')] }));
    const res = send(request({ events: [custom('c1', 'quiz_done')] }));
    expect(res.body['duplicates']).toBe(1);
    expect(state.events.map((e) => e.event.custom_event_name)).toEqual(['quiz_done', 'quiz_started']);
    expect(state.duplicates.map((d) => d.key)).toEqual([{ pixelId: PIXEL, name: 'quiz_done', id: 'c1' }]);
  });

  it('keys on the pixel: the same event sent to two pixels is stored twice', () => {
    const { send, state } = setupExactly({ apiKey: KEY, now: NOW });
    send(request({ events: [order('o1')] }, { pid: 'px_a' }));
    send(request({ events: [order('o1')] }, { pid: 'px_b' }));
    expect(state.events.map((e) => e.pixelId)).toEqual(['px_a', 'px_b']);
  });

  it('validate_only reports would-be duplicates without recording them', () => {
    const { send, state } = setup();
    send(request({ events: [order('o1')] }));
    const res = send(request({ events: [order('o1')], validate_only: true }));
    expect(res.body).toEqual({ received: 1, duplicates: 1, validate_only: true });
    expect(state.duplicates).toHaveLength(0);
  });
});

describe('handleCapiRequest: request log', () => {
  it('records each request with its body and the Authorization value redacted', () => {
    const { send, state } = setup();
    send(request({ events: [order('o1')], integration_source: 'x-openai-capi-node' }));
    send(request('nope'));
    expect(state.requests).toHaveLength(2);
    expect(state.requests[0]).toMatchObject({
      method: 'POST',
      url: `/v1/events?pid=${PIXEL}`,
      pixelId: PIXEL,
      status: 200,
      eventCount: 1,
      validateOnly: false,
      fault: undefined,
      headers: { authorization: 'Bearer [redacted]', 'content-type': 'application/json' },
    });
    expect(JSON.stringify(state.requests)).not.toContain(KEY);
    expect(state.requests[1]).toMatchObject({ status: 400, body: undefined, eventCount: 0 });
  });

  it('keeps hashed user data exactly as sent', () => {
    const { send, state } = setup();
    send(request({ events: [order('o1', { user: { emails_sha256: [HASH] } })] }));
    expect(state.events[0]?.event.user).toEqual({ emails_sha256: [HASH] });
  });
});

describe('handleCapiRequest: audit cases', () => {
  it('never records a key sent without the Bearer scheme', () => {
    const { send, state } = setup();
    for (const authorization of ['sk-live-SECRET123', 'Bearer:sk-live-SECRET123', 'Token=sk-live-SECRET123']) {
      expect(send(request({ events: [order('o1')] }, { headers: { authorization, 'content-type': 'application/json' } })).status).toBe(401);
    }
    send(request({ events: [order('o2')] }));
    expect(JSON.stringify(state.requests)).not.toContain('SECRET123');
    expect(state.requests.map((r) => r.headers['authorization'])).toEqual(['[redacted]', '[redacted]', '[redacted]', 'Bearer [redacted]']);
  });

  it('keeps only the latest 16 MiB of parsed bodies, so a run of large requests cannot exhaust memory', () => {
    const { send, state } = setup();
    const big = JSON.stringify({ events: [order('o1')], padding: 'x'.repeat(1_000_000) });
    for (let i = 0; i < 20; i++) send(request(big));
    expect(state.requests).toHaveLength(20);
    const kept = state.requests.filter((r) => r.body !== undefined).length;
    expect(kept).toBeGreaterThan(10);
    expect(kept).toBeLessThan(20);
    expect(state.requests.at(-1)!.body).toBeDefined();
    expect(state.requests[0]!.body).toBeUndefined();
  });

  it('keys dedupe so that no pixel id or event id can collide with another key', () => {
    const { send, state } = setupExactly({ now: NOW });
    send(request({ events: [order('page_viewed\u0000x')] }, { pid: 'p' }));
    send(request({ events: [{ ...order('x'), type: 'page_viewed', data: { type: 'contents' } }] }, { pid: 'p\u0000order_created' }));
    expect(state.duplicates).toEqual([]);
    expect(state.events).toHaveLength(2);
  });
});
