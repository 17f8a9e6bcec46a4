/**
 * Everything the relay does is bounded: the time a body may take, the size of its answers, the
 * length of forwarded click and browser ids, the methods it serves. And `__oppref` is written only
 * for the site's own pages with the tracker's consent signal.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@x/openai-capi-core';
import { toNodeHandler } from './node-handler.js';
import { createRelayHandler, type RelayOptions } from './relay.js';
import { MAX_REF_LENGTH } from './relay-cookie.js';
import { NOW } from './__tests__/helpers.js';
import { recordingRelay } from './__tests__/recording-relay.js';
import { waitFor } from './__tests__/soak-helpers.js';

const URL_ = 'https://shop.example/api/openai-capi';
const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'page_viewed',
  timestamp: NOW,
  sourceUrl: 'https://shop.example/',
  data: { type: 'contents' },
  ...extra,
});
const post = (body: unknown, headers: Record<string, string> = {}, url = URL_) =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(options: RelayOptions, errors: unknown[] = []) {
  const tracked: EventInput[] = [];
  const client = { track: (input: EventInput) => (tracked.push(input), input.id ?? '') };
  server = createServer(toNodeHandler(createRelayHandler(client, { rateLimit: false, onError: (e) => errors.push(e), ...options })));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { tracked, port };
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('relay body read deadline', () => {
  it('answers 408 to a body trickled slower than bodyTimeoutMs, closes the connection and tracks nothing', async () => {
    const errors: unknown[] = [];
    const { tracked, port } = await listen({ bodyTimeoutMs: 300 }, errors);
    let closed = false;
    const answer = await new Promise<RawAnswer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain', 'content-length': '1000' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', (e) => (closed ? undefined : reject(e)));
      req.on('close', () => (closed = true));
      const body = JSON.stringify({ v: 2, consent: 'granted', events: [event('slow')] });
      let i = 0;
      const trickle = setInterval(() => {
        if (i >= body.length || closed) return clearInterval(trickle);
        req.write(body[i++]!);
      }, 100);
    });
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({
      error: 'body_timeout',
      issues: [{ path: '', code: 'timeout', message: 'the request body must arrive within 300 ms' }],
    });
    await waitFor(() => closed, 5_000, 'the relay to close the connection');
    expect(tracked).toEqual([]);
  });

  it('answers 408 to a Fetch body stream that never ends', async () => {
    const { handler } = recordingRelay({ bodyTimeoutMs: 100 });
    const stream = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{"v":2,')) });
    const r = await handler(new Request(URL_, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' }, body: stream, duplex: 'half' } as RequestInit));
    expect(r.status).toBe(408);
  });
});

describe('relay methods', () => {
  // TRACE is one a Fetch Request refuses to carry: toNodeHandler passes it in the context. (TRACK
  // never reaches a handler: Node's HTTP parser answers it 400 itself.)
  it('answers 405 with Allow: POST to every other method, TRACE included, and reports each method once', async () => {
    const errors: unknown[] = [];
    const { port } = await listen({}, errors);
    const methods = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH'];
    for (const method of [...methods, 'TRACE']) {
      const answer = await new Promise<RawAnswer>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path: '/', headers: { 'sec-fetch-site': 'same-origin' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe('POST');
      if (method !== 'HEAD') expect(JSON.parse(answer.body), method).toMatchObject({ error: 'method_not_allowed' });
    }
    expect(errors.map((e) => (e as Error).message)).toEqual(methods.map((m) => `relay refused a ${m} request (405): only POST is accepted`));
  });
});

describe('relay answers are capped', () => {
  it('lists the first 10 issues of a bad envelope and counts the rest (56 KiB in, < 2 KiB out)', async () => {
    const { handler } = recordingRelay();
    const fields = Array.from({ length: 1400 }, (_, i) => `"${'k'.repeat(30)}${i}":1`).join(',');
    const body = `{${fields},"v":2,"events":[{}]}`;
    expect(body.length).toBeGreaterThan(48 * 1024);
    const r = await handler(post(body));
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text.length).toBeLessThan(2048);
    const answer = JSON.parse(text) as { error: string; issues: unknown[]; issueCount: number };
    expect(answer.error).toBe('invalid_envelope');
    expect(answer.issues).toHaveLength(10);
    expect(answer.issueCount).toBe(1400);
  });

  it('lists the first 20 refused events, each with its first 5 issues, cuts echoed ids and counts the rest', async () => {
    const { handler } = recordingRelay();
    const junk = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`bad_${i}`, i]));
    const events = Array.from({ length: 50 }, (_, i) => ({ ...event(`${'i'.repeat(300)}${i}`), ...junk }));
    const r = await handler(post({ v: 2, consent: 'granted', events }));
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text.length).toBeLessThan(16 * 1024);
    const answer = JSON.parse(text) as { rejected: { id: string; issues: unknown[]; issueCount: number }[]; rejectedCount: number };
    expect(answer.rejected).toHaveLength(20);
    expect(answer.rejectedCount).toBe(50);
    for (const rejected of answer.rejected) {
      expect(rejected.issues).toHaveLength(5);
      expect(rejected.issueCount).toBeGreaterThanOrEqual(12);
      expect(rejected.id.length).toBeLessThanOrEqual(129);
    }
  });
});

describe(`relay oppref / obref cap (${MAX_REF_LENGTH} characters)`, () => {
  it('leaves an over-long body oppref/obref out of the event, says so in the answer and once to onError, and tracks the rest', async () => {
    const errors: unknown[] = [];
    const { client, sent, handler } = recordingRelay({ onError: (e) => errors.push(e), maxBodyBytes: 200_000 });
    const long = 'x'.repeat(40_000);
    const ok = 'y'.repeat(MAX_REF_LENGTH);
    for (let i = 0; i < 2; i++) {
      const r = await handler(post({ v: 2, consent: 'granted', events: [event(`a${i}`, { oppref: long, obref: long }), event(`b${i}`, { oppref: ok })] }));
      expect(r.status).toBe(200);
      const answer = (await r.json()) as { accepted: string[]; warnings: { path: string; code: string }[] };
      expect(answer.accepted).toEqual([`a${i}`, `b${i}`]);
      expect(answer.warnings.map((w) => [w.path, w.code])).toEqual([['events[0].oppref', 'too_long'], ['events[0].obref', 'too_long']]);
    }
    await client.flush();
    expect(sent.map((e) => [e.id, e.oppref?.length, e.user?.obref?.length])).toEqual([
      ['a0', undefined, undefined], ['b0', MAX_REF_LENGTH, undefined], ['a1', undefined, undefined], ['b1', MAX_REF_LENGTH, undefined],
    ]);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      `relay: this event's oppref is over ${MAX_REF_LENGTH} characters: left out`,
      `relay: this event's obref is over ${MAX_REF_LENGTH} characters: left out`,
    ]);
  });

  it('leaves an over-long Referer or cookie click id out, and never writes it into a cookie', async () => {
    const { client, sent, handler } = recordingRelay({ onError: () => undefined });
    const long = 'z'.repeat(MAX_REF_LENGTH + 1);
    const r = await handler(post({ v: 2, consent: 'granted', events: [event('r1')] }, { referer: `https://shop.example/?oppref=${long}`, cookie: `__obref=${long}` }));
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(((await r.json()) as { warnings: { path: string }[] }).warnings.map((w) => w.path)).toEqual(['oppref', 'obref']);
    await client.flush();
    expect(sent[0]!.oppref).toBeUndefined();
    expect(sent[0]!.user?.obref).toBeUndefined();
  });
});

describe('relay __oppref cookie policy', () => {
  const withClick = (consent: boolean) => JSON.stringify({ v: 2, ...(consent ? { consent: 'granted' } : {}), events: [event('c')] });
  const cookieOf = async (options: RelayOptions, headers: Record<string, string>, consent: boolean, url = `${URL_}?oppref=CLICK`) =>
    (await recordingRelay(options).handler(post(withClick(consent), headers, url))).headers.getSetCookie();

  it('is written only for a same-origin request carrying consent: "granted"', async () => {
    expect(await cookieOf({}, {}, true)).toEqual(['__oppref=CLICK; Max-Age=2592000; Path=/; SameSite=Lax; Secure']);
    expect(await cookieOf({}, { 'sec-fetch-site': '', origin: 'https://shop.example' }, true)).toHaveLength(1);
    expect(await cookieOf({}, { referer: 'https://shop.example/p?oppref=REF' }, true, URL_)).toEqual(['__oppref=REF; Max-Age=2592000; Path=/; SameSite=Lax; Secure']);
  });

  it('is never written without the consent signal, for another origin, a same-site or a server caller', async () => {
    expect(await cookieOf({}, {}, false)).toEqual([]);
    expect(await cookieOf({}, { referer: 'https://shop.example/p?oppref=REF' }, false, URL_)).toEqual([]);
    expect(await cookieOf({ allowedOrigins: ['https://partner.example'] }, { 'sec-fetch-site': 'cross-site', origin: 'https://partner.example' }, true)).toEqual([]);
    expect(await cookieOf({ allowSameSite: true }, { 'sec-fetch-site': 'same-site', origin: 'https://www.shop.example' }, true)).toEqual([]);
    expect(await cookieOf({ allowServerToServer: true }, { 'sec-fetch-site': '' }, true)).toEqual([]);
  });

  it('refuses a consent value other than "granted"', async () => {
    const r = await recordingRelay().handler(post({ v: 2, consent: 'denied', events: [event('d')] }));
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: 'invalid_envelope', issues: [{ path: 'consent', code: 'invalid_value' }] });
  });
});
