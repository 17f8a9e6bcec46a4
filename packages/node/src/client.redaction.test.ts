import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse } from 'msw';
import { createClient } from './client.js';
import { unrefTimeout } from './platform.js';
import { API_KEY, baseOptions, memoryLogger, mockApi, server, wireEvent } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('secrets and personal data', () => {
  it('keeps the API key out of JSON.stringify and util.inspect', () => {
    const client = createClient(baseOptions());
    expect(JSON.stringify(client)).not.toContain(API_KEY);
    expect(JSON.stringify(client)).toContain('[redacted]');
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(API_KEY);
  });

  it('keeps the API key and raw personal data out of logs and errors', async () => {
    // The server echoes the key and the fetch error carries it: both must be scrubbed.
    mockApi((_body, n) =>
      n === 0
        ? HttpResponse.json({ echo: `Bearer ${API_KEY}` }, { status: 401 })
        : HttpResponse.json({}),
    );
    const logger = memoryLogger();
    const errors: Error[] = [];
    const client = createClient({ ...baseOptions(), logger, logLevel: 'debug', onError: (e) => errors.push(e) });
    client.track({ type: 'lead_created', id: 'x', sourceUrl: 'https://s.example/', user: { email: 'ada@example.com', phone: '+1 415 555 2671', firstName: 'Ada' } });
    const report = await client.flush();
    const failing = createClient({
      ...baseOptions(),
      logger,
      logLevel: 'debug',
      maxRetries: 0,
      fetch: () => Promise.reject(new Error(`connect failed for ${API_KEY}`)),
    });
    const network = await failing.send([wireEvent('y')]);
    const everything = [
      ...logger.lines,
      ...errors.map((e) => `${e.message} ${JSON.stringify(e)}`),
      JSON.stringify(report.rejected.map((r) => ({ ...r, error: r.error.message }))),
      network.rejected[0]!.error.message,
    ].join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(API_KEY);
    for (const pii of ['ada@example.com', '415', 'Ada']) expect(logger.lines.join('\n')).not.toContain(pii);
    expect(report.rejected[0]!.body).toEqual({ echo: 'Bearer [redacted]' });
  });

  it('logs only the name of an error thrown by an onError or onDelivered hook: its message may hold personal data', async () => {
    mockApi((_body, n) => (n === 0 ? HttpResponse.json({}) : HttpResponse.json({}, { status: 404 })));
    const logger = memoryLogger();
    const client = createClient({
      ...baseOptions(),
      logger,
      logLevel: 'error',
      onDelivered: () => {
        throw new TypeError('no session for ada@example.com');
      },
      onError: () => {
        throw new RangeError('retry budget exhausted for +1 415 555 2671');
      },
    });
    await client.send([wireEvent('a')]);
    await client.send([wireEvent('b')]);
    const text = logger.lines.join('\n');
    expect(text).toContain('onDelivered hook threw (TypeError)');
    expect(text).toContain('onError hook threw (RangeError)');
    for (const pii of ['ada@example.com', '415 555']) expect(text).not.toContain(pii);
  });

  it('does not keep the process alive: timers are unref()d', () => {
    const handle = unrefTimeout(() => undefined, 60_000) as { hasRef(): boolean };
    expect(handle.hasRef()).toBe(false);
    clearTimeout(handle as never);
  });
});
