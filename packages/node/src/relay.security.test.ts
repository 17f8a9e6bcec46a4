/**
 * Security of the relay: it ignores client-sent IP, user agent and identities, enforces the
 * origin guard, the body-size and rate limits, and is immune to prototype-pollution keys.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@x/openai-capi-core';
import { toNodeHandler } from './node-handler.js';
import { createRelayHandler, type RelayOptions } from './relay.js';
import { NOW } from './__tests__/helpers.js';
import { recordingRelay } from './__tests__/recording-relay.js';

const URL_ = 'https://shop.example/api/openai-capi';
const HEX = 'b'.repeat(64);

const setup = (options: RelayOptions = {}) => recordingRelay(options);

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'lead_created',
  timestamp: NOW,
  sourceUrl: 'https://shop.example/contact',
  data: { type: 'customer_action' },
  ...extra,
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request(URL_, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'same-origin', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

function expectPrototypeClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

describe('relay ignores client-sent IP, user agent and identities (default acceptClientUser: false)', () => {
  const spoofedUser = {
    ip_address: '6.6.6.6',
    ipAddress: '6.6.6.6',
    user_agent: 'SpoofBot/1',
    userAgent: 'SpoofBot/1',
    emails_sha256: [HEX],
    emailSha256: HEX,
    external_ids_sha256: [HEX],
    phone_numbers_sha256: [HEX],
    email: 'victim@example.com',
  };

  it('events reaching the client carry the request IP and UA, never the body ones, and no client identity', async () => {
    const { client, sent, handler } = setup();
    const r = await handler(post({ v: 2, consent: 'granted', events: [event('a', { user: spoofedUser })] }, { 'user-agent': 'RealBrowser/1', 'x-forwarded-for': '7.7.7.7' }), {
      remoteAddress: '203.0.113.5',
    });
    expect(r.status).toBe(200);
    await client.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.user).toEqual({ ip_address: '203.0.113.5', user_agent: 'RealBrowser/1' });
    expect(JSON.stringify(sent)).not.toMatch(/6\.6\.6\.6|7\.7\.7\.7|SpoofBot|bbbbbbbb|victim/);
  });

  it('does not take an IP or UA placed at the event level either (unknown fields are refused)', async () => {
    const { client, sent, handler } = setup();
    const r = await handler(post({ v: 2, consent: 'granted', events: [event('a', { ip_address: '6.6.6.6', user_agent: 'SpoofBot/1' })] }), { remoteAddress: '203.0.113.5' });
    expect(r.status).toBe(400);
    const answer = (await r.json()) as { rejected: { issues: { path: string; code: string }[] }[] };
    expect(answer.rejected[0]!.issues.map((i) => `${i.path}:${i.code}`)).toEqual(['ip_address:unknown_field', 'user_agent:unknown_field']);
    await client.flush();
    expect(sent).toEqual([]);
  });

  it('even with acceptClientUser the IP and UA come from the request', async () => {
    const { client, sent, handler } = setup({ acceptClientUser: true });
    await handler(post({ v: 2, consent: 'granted', events: [event('a', { user: { ...spoofedUser, email: undefined } })] }, { 'user-agent': 'RealBrowser/1' }), { remoteAddress: '203.0.113.5' });
    await client.flush();
    expect(sent[0]!.user).toMatchObject({ ip_address: '203.0.113.5', user_agent: 'RealBrowser/1' });
    expect(JSON.stringify(sent)).not.toMatch(/6\.6\.6\.6|SpoofBot/);
  });

  it('without a socket address and without trustProxy, an X-Forwarded-For header gives no IP at all', async () => {
    const { client, sent, handler } = setup();
    await handler(post({ v: 2, consent: 'granted', events: [event('a')] }, { 'x-forwarded-for': '6.6.6.6', 'user-agent': 'UA' }));
    await client.flush();
    expect(sent[0]!.user).toEqual({ user_agent: 'UA' });
  });
});

describe('relay origin guard (same-origin by default)', () => {
  const body = { v: 2, consent: 'granted', events: [event('a')] };
  /** A request as a browser sends it: only the headers given (no default Sec-Fetch-Site). */
  const browser = (headers: Record<string, string>, url = URL_) =>
    new Request(url, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: JSON.stringify(body) });
  const REFUSED = {
    error: 'origin_not_allowed',
    issues: [{ path: '', code: 'origin_not_allowed', message: 'the request does not come from this site (Sec-Fetch-Site, Origin or Referer) nor from allowedOrigins' }],
  };

  it('accepts Sec-Fetch-Site: same-origin, else an Origin or Referer naming the request host; refuses the rest, tracking nothing', async () => {
    const { client, sent, handler } = setup();
    for (const ok of [
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'https://shop.example' },
      { origin: 'http://SHOP.example:443' }, // a TLS-terminating proxy: scheme not compared, default ports equal
      { referer: 'https://shop.example/checkout?x=1' },
    ]) expect((await handler(browser(ok))).status, JSON.stringify(ok)).toBe(200);
    const refused = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://www.shop.example' },
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'cross-site', origin: 'https://shop.example' }, // the browser's word wins
      { origin: 'https://evil.example' },
      { origin: 'https://shop.example.evil.com' },
      { origin: 'https://shop.example:8443' },
      { origin: 'null' },
      { referer: 'https://evil.example/shop.example' },
      { origin: 'https://evil.example', referer: 'https://shop.example/' }, // Origin wins over Referer
      {},
    ];
    for (const headers of refused) {
      const r = await handler(browser(headers));
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(await r.json()).toEqual(REFUSED);
    }
    await client.flush();
    expect(sent.map((e) => e.id)).toEqual(['a']); // the 4 accepted requests repeat one id: sent once
  });

  it('reports each refused origin once through onError, naming it and what would let it in', async () => {
    const errors: string[] = [];
    const { handler } = setup({ onError: (e) => errors.push((e as Error).message) });
    for (let i = 0; i < 3; i++) await handler(browser({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }));
    await handler(browser({ origin: 'https://other.example' }));
    await handler(browser({}));
    expect(errors).toEqual([
      expect.stringMatching(/^relay refused a request from https:\/\/evil\.example \(403\): .*allowedOrigins/),
      expect.stringMatching(/^relay refused a request from https:\/\/other\.example \(403\)/),
      expect.stringMatching(/without Origin, Referer or Sec-Fetch-Site \(403\): set allowServerToServer/),
    ]);
  });

  it('lets allowedOrigins (case-insensitive, list or predicate) through cross-site, and never sets __oppref for them', async () => {
    const { handler } = setup({ allowedOrigins: ['https://WWW.shop.example/'] });
    const withClick = { v: 2, consent: 'granted', events: [event('a')] };
    const r = await handler(new Request(`${URL_}?oppref=C`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', origin: 'https://www.shop.example' }, body: JSON.stringify(withClick) }));
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toEqual([]);
    for (const origin of ['https://evil.example', 'https://www.shop.example.evil.com', 'http://www.shop.example', 'https://www.shop.example:8443', 'null', '*', '']) {
      expect((await handler(browser({ 'sec-fetch-site': 'cross-site', origin }))).status, origin).toBe(403);
    }
    const predicate = setup({ allowedOrigins: (origin) => origin.endsWith('.shop.example') }).handler;
    expect((await predicate(browser({ 'sec-fetch-site': 'cross-site', origin: 'https://www.shop.example' }))).status).toBe(200);
    expect((await predicate(browser({ 'sec-fetch-site': 'cross-site', origin: 'https://evilshop.example' }))).status).toBe(403);
  });

  it('accepts same-site only with allowSameSite, server callers only with allowServerToServer', async () => {
    const { handler } = setup({ allowSameSite: true, allowServerToServer: true });
    expect((await handler(browser({ 'sec-fetch-site': 'same-site', origin: 'https://www.shop.example' }))).status).toBe(200);
    expect((await handler(browser({}))).status).toBe(200);
    // Still refused: a browser request from another site says so in its headers.
    expect((await handler(browser({ 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    expect((await handler(browser({ origin: 'https://evil.example' }))).status).toBe(403);
  });

  it('believes X-Forwarded-Host only with trustProxy', async () => {
    const behindProxy = browser({ origin: 'https://shop.example', 'x-forwarded-host': 'shop.example' }, 'http://10.0.0.2:3000/api/openai-capi');
    expect((await setup().handler(behindProxy.clone())).status).toBe(403);
    expect((await setup({ trustProxy: 0 }).handler(behindProxy.clone())).status).toBe(403);
    expect((await setup({ trustProxy: 1 }).handler(behindProxy)).status).toBe(200);
    const forged = browser({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' });
    expect((await setup().handler(forged)).status).toBe(403);
  });
});

describe('relay body-size limit', () => {
  it('answers 413 by Content-Length, and while reading a body that lies about its length', async () => {
    const { handler } = setup({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ v: 2, consent: 'granted', events: [event('a', { oppref: 'x'.repeat(2000) })] });
    const declared = await handler(post(big));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'body_too_large', issues: [{ code: 'too_large' }] });
    const lying = await handler(post(big, { 'content-length': '10' }));
    expect(lying.status).toBe(413);
  });

  describe('through toNodeHandler on a real loopback server', () => {
    let server: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    });

    it('answers 413 to a chunked body without Content-Length, and tracks nothing', async () => {
      const tracked: EventInput[] = [];
      const client = { track: (input: EventInput) => (tracked.push(input), input.id ?? '') };
      server = createServer(toNodeHandler(createRelayHandler(client, { rateLimit: false, maxBodyBytes: 1024 })));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; chunked: boolean; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/openai-capi', method: 'POST', headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, chunked: req.getHeader('transfer-encoding') === 'chunked' || !req.getHeader('content-length'), body: text }));
        });
        req.on('error', reject);
        // Valid JSON start, then far more than the limit, in chunks: only counting can stop it.
        req.write(`{"v":2,"consent":"granted","events":[{"id":"a","type":"lead_created","oppref":"`);
        for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
        req.end('"}]}');
      });
      expect(answer.chunked).toBe(true);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'body_too_large', issues: [{ code: 'too_large' }] });
      expect(tracked).toEqual([]);
    });
  });
});

describe('relay rate limit', () => {
  it('answers 429 with Retry-After (whole seconds) after N requests per IP, per IP, and a spoofed X-Forwarded-For does not reset it', async () => {
    const { handler, clock } = setup({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const send = (ip: string, headers: Record<string, string> = {}) => handler(post({ v: 2, consent: 'granted', events: [event(`e${Math.random()}`)] }, headers), { remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await send('203.0.113.5')).status).toBe(200);
    const limited = await send('203.0.113.5', { 'x-forwarded-for': '198.51.100.1' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const retryAfter = limited.headers.get('retry-after');
    expect(await limited.json()).toEqual({
      error: 'rate_limited',
      issues: [{ path: '', code: 'rate_limited', message: `too many requests from this client; retry after ${retryAfter} s` }],
    });
    expect((await send('203.0.113.6')).status).toBe(200); // another client is not affected
    clock.t += 20_000; // one token back (3 per 60 s)
    expect((await send('203.0.113.5')).status).toBe(200);
    expect((await send('203.0.113.5')).status).toBe(429);
  });
});

describe('relay and prototype pollution', () => {
  afterEach(expectPrototypeClean);

  it('refuses __proto__/constructor/prototype in the envelope and in events, and keeps them inert in custom data', async () => {
    // The real client (its track runs core's buildEvent), with every input it is given kept.
    const { client, sent } = setup();
    const tracked: EventInput[] = [];
    const handler = createRelayHandler({ track: (input: EventInput) => (tracked.push(input), client.track(input)) }, { rateLimit: false, acceptClientUser: true });
    const poison = '{"polluted":"yes"}';
    const envelope = await handler(post(`{"__proto__":${poison},"constructor":{"prototype":${poison}},"v":2,"consent":"granted","events":[{}]}`));
    expect(envelope.status).toBe(400);
    expect(await envelope.json()).toMatchObject({ error: 'invalid_envelope', issues: [{ path: '__proto__', code: 'unknown_field' }, { path: 'constructor', code: 'unknown_field' }] });

    const base = `"id":"c1","type":"custom","customEventName":"quiz","timestamp":${NOW},"sourceUrl":"https://shop.example/"`;
    const body = `{"v":2,"consent":"granted","events":[
      {${base},"data":{"type":"custom","__proto__":${poison},"constructor":{"prototype":${poison}},"prototype":${poison},"contents":[{"id":"a","__proto__":${poison}}]},"user":{"__proto__":${poison},"countries":["US"]}},
      {${base.replace('c1', 'c2')},"__proto__":${poison},"data":{"type":"custom"}},
      {${base.replace('c1', 'c3')},"data":{"type":"custom","__proto__":${poison},"step":1},"user":{"constructor":${poison}}}
    ]}`;
    const r = await handler(post(body), { remoteAddress: '203.0.113.5' });
    expect(r.status).toBe(400);
    const answer = (await r.json()) as { accepted: string[]; rejected: { index: number; issues: { path: string }[] }[] };
    expect(answer.accepted).toEqual([]);
    expect(answer.rejected.map((x) => x.index)).toEqual([0, 1, 2]);
    expect(answer.rejected[0]!.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['data.contents[0].__proto__', 'user.__proto__']));
    expect(answer.rejected[1]!.issues.map((i) => i.path)).toContain('__proto__');
    expect(answer.rejected[2]!.issues.map((i) => i.path)).toContain('user.constructor');

    // Without the user, the custom event is tracked: its __proto__ data key stays a plain own key.
    const ok = await handler(post(`{"v":2,"consent":"granted","events":[{${base.replace('c1', 'c4')},"data":{"type":"custom","__proto__":${poison},"step":1}}]}`), { remoteAddress: '203.0.113.5' });
    expect(ok.status).toBe(200);
    const input = tracked.at(-1)!;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(input.data)).toBe(Object.prototype);
    expect((input.data as Record<string, unknown>).polluted).toBeUndefined();
    await client.flush();
    expect(sent.map((e) => e.id)).toEqual(['c4']);
    expect(Object.getPrototypeOf(sent[0]!.data)).toBe(Object.prototype);
  });
});
