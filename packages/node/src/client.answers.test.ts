/**
 * The answers recorded from the live API (spec §7b), each driven through msw with the recorded body
 * (the emulator's side: client.answers.emulator.test.ts), and how the client classifies them: fatal configuration (no retry),
 * per-event (bisected, the others delivered), retryable.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse } from 'msw';
import { createClient } from './client.js';
import type { ErrorContext } from './report.js';
import { API_KEY, baseOptions, fakeClock, memoryLogger, mockApi, NOW, PIXEL_ID, server, wireEvent } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The error body shape recorded from the live API. */
function recorded(status: number, message: string, code: string, param: string | null) {
  return HttpResponse.json({ error: { message, type: 'invalid_request_error', param, code, errors: [{ message, param, code }] } }, { status });
}

function collect() {
  const errors: Array<{ message: string; context: ErrorContext }> = [];
  return { errors, onError: (error: Error, context: ErrorContext) => errors.push({ message: error.message, context }) };
}

describe('recorded answers through msw', () => {
  it('403 "unknown pid": fatal configuration, no retry, the message names the pixel id and not the key', async () => {
    const seen = mockApi(() => recorded(403, '403: unknown pid', 'unknown_pid', 'pid'));
    const { errors, onError } = collect();
    const logger = memoryLogger();
    const client = createClient({ ...baseOptions(), maxBatchEvents: 1, onError, logger, logLevel: 'error' });
    const report = await client.send([wireEvent('a'), wireEvent('b')]);
    expect(seen).toHaveLength(1); // no retry, and the second batch is not sent
    expect(report.rejected.map((r) => [r.id, r.reason, r.status])).toEqual([['a', 'config', 403], ['b', 'config', 403]]);
    expect(errors[0]?.message).toContain(`pixel "${PIXEL_ID}"`);
    expect(errors[0]?.message).toMatch(/unknown pid/);
    expect(errors[0]?.message).not.toMatch(/API key/);
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
    expect(logger.lines[0]).toMatch(/^error /);
  });

  it('a 403 about the key stays an auth error that names the key', async () => {
    mockApi(() => recorded(403, 'Forbidden', 'forbidden', null));
    const report = await createClient(baseOptions()).send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ reason: 'auth', status: 403 });
    expect(report.rejected[0]?.error.message).toMatch(/API key/);
  });

  it('401 (bad key): fatal auth, no retry', async () => {
    const seen = mockApi(() => recorded(401, 'Incorrect API key provided', 'invalid_api_key', null));
    const report = await createClient(baseOptions()).send([wireEvent('a')]);
    expect(seen).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ reason: 'auth', status: 401 });
  });

  it('422 event_timestamp_too_old: per event — bisected, the offender reported with the code and param, the rest delivered', async () => {
    const old = NOW - 3_600_000;
    const seen = mockApi((body) => {
      const i = body.events.findIndex((e) => e.timestamp_ms === old);
      return i < 0 ? HttpResponse.json({}) : recorded(422, 'Event timestamp is too old', 'event_timestamp_too_old', `events[${i}].timestamp_ms`);
    });
    const report = await createClient(baseOptions()).send([wireEvent('a'), wireEvent('b', old), wireEvent('c'), wireEvent('d')]);
    expect(new Set(report.delivered)).toEqual(new Set(['a', 'c', 'd']));
    expect(report.rejected).toEqual([expect.objectContaining({ id: 'b', reason: 'api', status: 422 })]);
    expect(report.rejected[0]?.error.message).toBe('The Conversions API rejected the batch (HTTP 422: event_timestamp_too_old at events[0].timestamp_ms)');
    expect(seen.length).toBeGreaterThan(1);
  });

  it('400 invalid field: per event, with code and param; a message that may quote a value is not repeated', async () => {
    mockApi(() => recorded(400, "Invalid email 'ada@example.com'", 'invalid_value', 'events[0].user.emails_sha256[0]'));
    const report = await createClient(baseOptions()).send([wireEvent('a')]);
    expect(report.rejected[0]).toMatchObject({ reason: 'api', status: 400 });
    expect(report.rejected[0]?.error.message).toBe('The Conversions API rejected the batch (HTTP 400: invalid_value at events[0].user.emails_sha256[0])');
  });

  it('429 and 5xx in the recorded shape stay retryable', async () => {
    const seen = mockApi((_b, n) => (n === 0 ? recorded(429, 'Rate limit', 'rate_limit_exceeded', null) : n === 1 ? recorded(503, 'down', 'server_error', null) : HttpResponse.json({})));
    const report = await createClient(baseOptions(fakeClock())).send([wireEvent('a')]);
    expect(report).toMatchObject({ delivered: ['a'], retries: 2 });
    expect(seen).toHaveLength(3);
  });
});

describe('optional-field warnings reach the report, onError and the logger', () => {
  it('send(): the event is delivered without the bad optional field, listed in report.warnings', async () => {
    const seen = mockApi();
    const { errors, onError } = collect();
    const logger = memoryLogger();
    const event = wireEvent('a', NOW, { user: { emails_sha256: ['b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514'], countries: ['France'] } });
    const report = await createClient({ ...baseOptions(), onError, logger, logLevel: 'warn' }).send([event]);
    expect(report.delivered).toEqual(['a']);
    expect(report.warnings).toEqual([{ id: 'a', type: 'lead_created', warnings: [expect.objectContaining({ path: 'user.countries[0]', code: 'invalid_format' })] }]);
    expect(seen[0]?.body.events[0]?.user).toEqual({ emails_sha256: event.user?.emails_sha256 });
    expect(errors[0]?.context).toMatchObject({ reason: 'warning', eventIds: ['a'] });
    expect(logger.lines.some((l) => l.startsWith('warn ') && l.includes('user.countries[0]'))).toBe(true);
    expect(logger.lines.join()).not.toContain('France');
  });

  it('track(): the event is queued without the bad city, the warning goes to onError at once', async () => {
    const seen = mockApi();
    const { errors, onError } = collect();
    const client = createClient({ ...baseOptions(), onError });
    client.track({ type: 'lead_created', id: 'L-9', sourceUrl: 'https://shop.example/', user: { email: 'ada@example.com', city: 'x'.repeat(300) } });
    expect(errors).toEqual([{ message: expect.stringContaining('user.city: must be at most 128 characters'), context: expect.objectContaining({ reason: 'warning', eventIds: ['L-9'] }) }]);
    const report = await client.flush();
    expect(report.delivered).toEqual(['L-9']);
    expect(seen[0]?.body.events[0]?.user).not.toHaveProperty('cities');
  });
});
