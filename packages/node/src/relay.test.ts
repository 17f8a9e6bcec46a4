import { describe, expect, it, vi } from 'vitest';
import { CapiError, CapiValidationError, sha256Hex } from '@x/openai-capi-core';
import { createRelayHandler, type RelayOptions } from './relay.js';
import { NOW } from './__tests__/helpers.js';
import { recordingRelay } from './__tests__/recording-relay.js';

const URL_ = 'https://shop.example/api/openai-capi';

function relayEvent(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    type: 'order_created',
    timestamp: NOW,
    sourceUrl: 'https://shop.example/checkout',
    data: { type: 'contents', amount: 2599, currency: 'USD' },
    ...extra,
  };
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const setup = (options: RelayOptions = {}, clientOptions: Parameters<typeof recordingRelay>[1] = {}) => recordingRelay(options, clientOptions);

describe('relay: happy path', () => {
  it('tracks each event with IP, UA and cookies taken from the request, and answers 200', async () => {
    const { client, sent, handler } = setup();
    const response = await handler(
      post({ v: 2, consent: 'granted', events: [relayEvent('o1')] }, { 'user-agent': 'UA/1', cookie: '__oppref=CLICK; __obref=OB' }),
      { remoteAddress: '203.0.113.5' },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: ['o1'], rejected: [] });
    await client.flush();
    expect(sent).toEqual([
      {
        id: 'o1',
        type: 'order_created',
        timestamp_ms: NOW,
        oppref: 'CLICK',
        source_url: 'https://shop.example/checkout',
        action_source: 'web',
        user: { obref: 'OB', ip_address: '203.0.113.5', user_agent: 'UA/1' },
        data: { type: 'contents', amount: 2599, currency: 'USD' },
      },
    ]);
  });

  it('prefers the body oppref/obref, else the Referer, and re-issues __oppref from a Referer click id', async () => {
    const { client, sent, handler } = setup();
    const response = await handler(
      post({ v: 2, consent: 'granted', events: [relayEvent('a', { oppref: 'BODY', obref: 'OBBODY' }), relayEvent('b', { sourceUrl: undefined })] }, {
        referer: 'https://shop.example/landing?oppref=REF&utm=x',
        cookie: '__obref=OBCOOKIE',
      }),
    );
    expect(response.headers.getSetCookie()).toEqual(['__oppref=REF; Max-Age=2592000; Path=/; SameSite=Lax; Secure']);
    await client.flush();
    expect(sent.map((e) => [e.oppref, e.user?.obref, e.source_url])).toEqual([
      ['BODY', 'OBBODY', 'https://shop.example/checkout'],
      ['REF', 'OBCOOKIE', 'https://shop.example/landing'],
    ]);
  });

  it('strips the query and fragment of source_url and of the Referer, unless keepSourceUrlQuery', async () => {
    const body = { v: 2, consent: 'granted', events: [relayEvent('a', { sourceUrl: 'https://shop.example/p?utm=1#x' }), relayEvent('b', { sourceUrl: undefined })] };
    const headers = { referer: 'https://shop.example/landing?utm=2' };
    const stripped = setup();
    await stripped.handler(post(body, headers));
    await stripped.client.flush();
    expect(stripped.sent.map((e) => e.source_url)).toEqual(['https://shop.example/p', 'https://shop.example/landing']);
    const kept = setup({ keepSourceUrlQuery: true });
    await kept.handler(post(body, headers));
    await kept.client.flush();
    expect(kept.sent.map((e) => e.source_url)).toEqual(['https://shop.example/p?utm=1#x', 'https://shop.example/landing?utm=2']);
  });

  it('does not call an event the client dropped accepted: queue full → 503 with queue_full, after shutdown → client_closed', async () => {
    const errors: string[] = [];
    // queueShare off: with a 1-event queue, browser events' own share would refuse 'b' first.
    const { client, handler } = setup({ queueShare: false }, { maxQueueSize: 1, flushAt: 1000, onError: (e) => errors.push(e.message) });
    const full = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a'), relayEvent('b')] }));
    expect(full.status).toBe(503);
    expect(await full.json()).toEqual({
      accepted: ['a'],
      rejected: [{ index: 1, id: 'b', issues: [{ path: '', code: 'queue_full', message: 'not queued: the Conversions API client queue is full' }] }],
    });
    await client.shutdown();
    const closed = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('c')] }));
    expect(closed.status).toBe(503);
    expect(((await closed.json()) as { rejected: { issues: { code: string }[] }[] }).rejected[0]!.issues[0]!.code).toBe('client_closed');
    expect(errors).toHaveLength(2);
  });

  it('still accepts events when client.stats throws (it cannot tell drops apart then)', async () => {
    const tracked: string[] = [];
    const handler = createRelayHandler(
      { track: (i) => (tracked.push(i.id as string), i.id as string), stats: () => { throw new Error('no stats'); } },
      { rateLimit: false },
    );
    const r = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('s1'), relayEvent('s2')] }));
    expect(r.status).toBe(200);
    expect(tracked).toEqual(['s1', 's2']);
  });

  it('accepts application/json bodies too', async () => {
    const { handler } = setup();
    const r = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'content-type': 'application/json' }));
    expect(r.status).toBe(200);
  });

  it('lets enrich add the logged-in user, after IP and UA are attached', async () => {
    const { client, sent, handler } = setup({
      enrich: (input, request) => {
        expect(request.url).toBe(URL_);
        return { ...input, user: { ...input.user, email: 'Ada@Example.com' } };
      },
    });
    await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'user-agent': 'UA' }));
    await client.flush();
    expect(sent[0]!.user).toEqual({
      emails_sha256: [sha256Hex('ada@example.com')],
      user_agent: 'UA',
    });
  });
});

describe('relay: never trusts the client', () => {
  it('drops client-sent user (IP, UA, identities) by default, sends action_source web, and refuses a client actionSource', async () => {
    const { client, sent, handler } = setup();
    const event = relayEvent('a', { user: { ip_address: '1.1.1.1', user_agent: 'fake', emails_sha256: ['a'.repeat(64)] } });
    const r = await handler(post({ v: 2, consent: 'granted', events: [event] }, { 'user-agent': 'real' }), { remoteAddress: '203.0.113.5' });
    expect(r.status).toBe(200);
    await client.flush();
    expect(sent[0]!.action_source).toBe('web');
    expect(sent[0]!.user).toEqual({ ip_address: '203.0.113.5', user_agent: 'real' });
    const refused = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('b', { actionSource: 'physical_store' })] }), { remoteAddress: '203.0.113.5' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ rejected: [{ index: 0, id: 'b', issues: [{ path: 'actionSource', code: 'unknown_field' }] }] });
  });

  it('keeps client identities with acceptClientUser, but still never its IP or UA', async () => {
    const { client, sent, handler } = setup({ acceptClientUser: true });
    const event = relayEvent('a', { user: { ip_address: '1.1.1.1', user_agent: 'fake', emails_sha256: ['A'.repeat(64)], countries: ['US'] } });
    await handler(post({ v: 2, consent: 'granted', events: [event] }), { remoteAddress: '203.0.113.5' });
    await client.flush();
    expect(sent[0]!.user).toEqual({ emails_sha256: ['a'.repeat(64)], countries: ['US'], ip_address: '203.0.113.5' });
  });

  it('with acceptClientUser, drops camelCase IP/UA too and rejects a user that is not an object', async () => {
    const { client, sent, handler } = setup({ acceptClientUser: true });
    const r = await handler(
      post({ v: 2, consent: 'granted', events: [relayEvent('a', { user: { ipAddress: '1.1.1.1', userAgent: 'fake', country: 'US' } }), relayEvent('b', { user: 'x' })] }),
      { remoteAddress: '203.0.113.5' },
    );
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      accepted: ['a'],
      rejected: [{ index: 1, id: 'b', issues: [{ path: 'user', code: 'invalid_type', message: 'must be an object' }] }],
    });
    await client.flush();
    expect(sent[0]!.user).toEqual({ countries: ['US'], ip_address: '203.0.113.5' });
  });

  it('ignores X-Forwarded-For unless trustProxy is set', async () => {
    const plain = setup();
    await plain.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'x-forwarded-for': '198.51.100.1' }), { remoteAddress: '10.0.0.1' });
    await plain.client.flush();
    expect(plain.sent[0]!.user?.ip_address).toBe('10.0.0.1');
    const proxied = setup({ trustProxy: 1 });
    await proxied.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'x-forwarded-for': '198.51.100.1' }), { remoteAddress: '10.0.0.1' });
    await proxied.client.flush();
    expect(proxied.sent[0]!.user?.ip_address).toBe('198.51.100.1');
  });
});

describe('relay: strict validation', () => {
  it('rejects invalid events one by one with their issues (400) and still tracks the valid ones', async () => {
    const { client, sent, handler } = setup();
    const r = await handler(
      post({ v: 2, consent: 'granted', events: [relayEvent('ok'), relayEvent('bad', { type: 'purchase' }), 'nope', relayEvent('x', { bogus: 1 })] }),
    );
    expect(r.status).toBe(400);
    const body = (await r.json()) as { accepted: string[]; rejected: Array<{ index: number; id?: string; issues: Array<{ path: string; code: string }> }> };
    expect(body.accepted).toEqual(['ok']);
    expect(body.rejected.map((x) => [x.index, x.id])).toEqual([[1, 'bad'], [2, undefined], [3, 'x']]);
    expect(body.rejected[0]!.issues.some((i) => i.path === 'type')).toBe(true);
    expect(body.rejected[2]!.issues).toEqual([expect.objectContaining({ path: 'bogus', code: 'unknown_field' })]);
    await client.flush();
    expect(sent.map((e) => e.id)).toEqual(['ok']);
  });

  it('answers 400 for bad JSON, a wrong envelope, and too many events', async () => {
    const { handler } = setup({ maxEventsPerRequest: 2 });
    const cases: Array<[unknown, string]> = [
      ['{not json', 'invalid_json'],
      [[], 'invalid_envelope'],
      [{ events: [relayEvent('a')] }, 'invalid_envelope'],
      [{ v: 2, consent: 'granted', events: [] }, 'invalid_envelope'],
      [{ v: 2, consent: 'granted', events: [relayEvent('a')], extra: true }, 'invalid_envelope'],
      [{ v: 2, consent: 'granted', events: [relayEvent('a'), relayEvent('b'), relayEvent('c')] }, 'too_many_events'],
    ];
    for (const [body, error] of cases) {
      const r = await handler(post(body));
      expect(r.status).toBe(400);
      const json = (await r.json()) as { error: string; issues: unknown[] };
      expect(json.error).toBe(error);
      expect(json.issues.length).toBeGreaterThan(0);
    }
  });

  it('answers 413 above maxBodyBytes, by Content-Length or while reading a stream', async () => {
    const { handler } = setup({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ v: 2, consent: 'granted', events: [relayEvent('a', { source_url: `https://shop.example/${'x'.repeat(2000)}` })] });
    expect((await handler(post(big))).status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = new Request(URL_, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' }, body: stream, duplex: 'half' } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
  });

  it('answers 405 for other methods and 415 for other content types', async () => {
    const { handler } = setup();
    const get = await handler(new Request(URL_));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ error: 'method_not_allowed', issues: [{ path: '', code: 'method_not_allowed', message: 'only POST is accepted' }] });
    expect((await handler(post('{}', { 'content-type': 'application/x-www-form-urlencoded' }))).status).toBe(415);
  });

  it('restricts event types with eventTypes', async () => {
    const { handler } = setup({ eventTypes: ['page_viewed'] });
    const r = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { rejected: Array<{ issues: Array<{ code: string }> }> }).rejected[0]!.issues[0]!.code).toBe('not_allowed');
  });

  it('lets enrich reject an event with a CapiValidationError, and answers 500 for other enrich errors', async () => {
    const rejecting = setup({
      enrich: () => {
        throw new CapiValidationError([{ path: 'user', code: 'no_session', message: 'no logged-in user' }]);
      },
    });
    expect((await rejecting.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }))).status).toBe(400);
    const onError = vi.fn();
    const failing = setup({ onError, enrich: () => { throw new Error('db down'); } });
    const r = await failing.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }));
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: 'internal_error' });
    expect(onError).toHaveBeenCalledOnce();
  });
});

describe('relay: origin, rate limit, privacy', () => {
  it('lets a cross-site request through only from allowedOrigins (403 when missing or foreign)', async () => {
    const { handler } = setup({ allowedOrigins: ['https://shop.example'] });
    const body = { v: 2, consent: 'granted', events: [relayEvent('a')] };
    const crossSite = { 'sec-fetch-site': 'cross-site' };
    expect((await handler(post(body, { ...crossSite, origin: 'https://shop.example' }))).status).toBe(200);
    expect((await handler(post(body, { ...crossSite, origin: 'https://evil.example' }))).status).toBe(403);
    expect((await handler(post(body, crossSite))).status).toBe(403);
  });

  it('rate-limits per client IP with 429 and Retry-After', async () => {
    let t = 0;
    const { handler } = setup({ rateLimit: { limit: 2, windowMs: 10_000 }, now: () => t });
    const send = (ip: string) => handler(post({ v: 2, consent: 'granted', events: [relayEvent(`e${t}${ip}`)] }), { remoteAddress: ip });
    expect((await send('192.0.2.1')).status).toBe(200);
    expect((await send('192.0.2.1')).status).toBe(200);
    const limited = await send('192.0.2.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect((await send('192.0.2.2')).status).toBe(200);
    t += 5000;
    expect((await send('192.0.2.1')).status).toBe(200);
  });

  it('does not rate-limit requests whose client IP is unknown (one shared bucket would refuse real visitors), and says so once', async () => {
    const errors: unknown[] = [];
    const { handler } = setup({ rateLimit: { limit: 1, windowMs: 60_000 }, onError: (error) => errors.push(error) });
    for (let i = 0; i < 5; i++) expect((await handler(post({ v: 2, consent: 'granted', events: [relayEvent(`u${i}`)] }))).status).toBe(200);
    expect(errors).toHaveLength(1);
    expect(CapiError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as Error).message).toMatch(/cannot see client IP addresses.*trustProxy.*remoteAddress/);
    // With rateLimit: false there is nothing to say.
    const quiet: unknown[] = [];
    const off = setup({ rateLimit: false, onError: (error) => quiet.push(error) });
    await off.handler(post({ v: 2, consent: 'granted', events: [relayEvent('q')] }));
    expect(quiet).toEqual([]);
  });

  it('prints its own configuration errors by default, but only the name of an application error', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await setup({ rateLimit: { limit: 1, windowMs: 60_000 } }).handler(post({ v: 2, consent: 'granted', events: [relayEvent('d')] }));
      const failing = setup({ enrich: () => { throw new Error('db down for ada@example.com'); } });
      await failing.handler(post({ v: 2, consent: 'granted', events: [relayEvent('e')] }), { remoteAddress: '192.0.2.9' });
      const lines = spy.mock.calls.map((args) => args.join(' '));
      expect(lines[0]).toMatch(/cannot see client IP addresses/);
      expect(lines[1]).toMatch(/relay handler failed \(Error\)/);
      expect(lines.join('\n')).not.toContain('ada@example.com');
    } finally {
      spy.mockRestore();
    }
  });

  it('drops events under Sec-GPC: 1 by default (202), and tracks nothing', async () => {
    const { client, sent, handler } = setup();
    const r = await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a'), relayEvent('b')] }, { 'sec-gpc': '1', referer: 'https://shop.example/?oppref=X' }));
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ accepted: [], dropped: 2, reason: 'gpc' });
    expect(r.headers.getSetCookie()).toEqual([]);
    await client.flush();
    expect(sent).toEqual([]);
  });

  it("sends with opt_out under GPC when globalPrivacyControl is 'opt_out', unchanged when 'ignore'", async () => {
    const optOut = setup({ globalPrivacyControl: 'opt_out' });
    await optOut.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'sec-gpc': '1' }));
    await optOut.client.flush();
    expect(optOut.sent[0]!.opt_out).toBe(true);
    const ignore = setup({ globalPrivacyControl: 'ignore' });
    await ignore.handler(post({ v: 2, consent: 'granted', events: [relayEvent('a')] }, { 'sec-gpc': '1' }));
    await ignore.client.flush();
    expect(ignore.sent[0]!.opt_out).toBeUndefined();
  });

  it('passes a client opt_out through', async () => {
    const { client, sent, handler } = setup();
    await handler(post({ v: 2, consent: 'granted', events: [relayEvent('a', { optOut: true })] }));
    await client.flush();
    expect(sent[0]!.opt_out).toBe(true);
  });
});

describe('relay: options', () => {
  const client = { track: () => 'id' };
  const issuesOf = (options: unknown, target: unknown = client): Array<string> => {
    try {
      createRelayHandler(target as never, options as RelayOptions);
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      return error.issues.map((i) => `${i.path}:${i.code}`);
    }
    return [];
  };

  it('accepts every documented option', () => {
    expect(issuesOf({
      maxBodyBytes: 1024, maxEventsPerRequest: 5, allowedOrigins: ['https://shop.example'], rateLimit: { limit: 1, windowMs: 10, maxKeys: 2 },
      eventTypes: ['order_created', 'custom'], trustProxy: 1, cookie: { domain: 'shop.example', maxAgeDays: 7, secure: 'auto', sameSite: 'Strict', path: '/' },
      enrich: (i: unknown) => i, acceptClientUser: true, keepSourceUrlQuery: true, globalPrivacyControl: 'opt_out', onError: () => undefined, now: () => 0,
    })).toEqual([]);
    expect(issuesOf({ rateLimit: false, allowedOrigins: () => true, trustProxy: (a: string) => a === '10.0.0.1' })).toEqual([]);
  });

  it('refuses bad options at creation with a CapiValidationError naming each one, not a TypeError or a 500 later', () => {
    expect(issuesOf({
      maxBodyBytes: '64k', maxEventsPerRequest: null, allowedOrigins: 'https://shop.example', rateLimit: { limit: '60' }, eventTypes: ['purchase'],
      trustProxy: 'yes', cookie: { domain: 'shop.example; HttpOnly', sameSite: 'lax', secure: 'yes', maxAgeDays: Number.NaN },
      enrich: 'session', acceptClientUser: 'true', keepSourceUrlQuery: 1, onError: console, now: 0,
    })).toEqual([
      'maxBodyBytes:invalid_type', 'maxEventsPerRequest:invalid_type', 'allowedOrigins:invalid_type', 'rateLimit.limit:invalid_type',
      'eventTypes[0]:invalid_value', 'enrich:invalid_type', 'onError:invalid_type', 'now:invalid_type', 'acceptClientUser:invalid_type', 'keepSourceUrlQuery:invalid_type',
      'trustProxy:invalid_type', 'cookie.maxAgeDays:invalid_type', 'cookie.secure:invalid_type', 'cookie.domain:invalid_format', 'cookie.sameSite:invalid_value',
    ]);
    expect(issuesOf(undefined, {})).toEqual(['client:invalid_type']);
    expect(issuesOf('strict')).toEqual(['options:invalid_type']);
  });

  it('refuses an unknown option, so a misspelt allowedOrigins cannot turn the origin check off', () => {
    expect(issuesOf({ allowedOrigin: ['https://shop.example'], rate_limit: false })).toEqual(['allowedOrigin:unknown_option', 'rate_limit:unknown_option']);
    expect(() => createRelayHandler(client as never, { allowedOrigin: ['https://shop.example'] } as never)).toThrow(
      'allowedOrigin: is not an option of createRelayHandler (did you mean allowedOrigins?)',
    );
  });

  it('never reads a misspelt GPC policy as "ignore": it is refused', async () => {
    for (const policy of ['Drop', 'opt-out', 'none', '']) expect(issuesOf({ globalPrivacyControl: policy })).toEqual(['globalPrivacyControl:invalid_value']);
  });
});
