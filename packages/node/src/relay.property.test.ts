import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { toNodeHandler } from './node-handler.js';
import { createRelayHandler, type RelayClient, type RelayOptions } from './relay.js';
import { memoryLogger, NOW } from './__tests__/helpers.js';
import { recordingRelay } from './__tests__/recording-relay.js';

/** Lowercase letters and digits so normalizers keep it; letters outside hex so no digest holds it. */
const MARK = 'mk7leak7mk';
const leaks = (text: string) => text.toLowerCase().includes(MARK);

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug'] as const;
let spies: MockInstance[] = [];
beforeEach(() => {
  spies = CONSOLE.map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
});
afterEach(() => vi.restoreAllMocks());
const consoleText = () => spies.flatMap((s) => s.mock.calls.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a) ?? String(a))).join(' '))).join('\n');

/** A relay over a real client logging at debug level into memory. */
function setup(options: RelayOptions) {
  const logger = memoryLogger();
  return { logger, ...recordingRelay(options, { logger, logLevel: 'debug', maxRetries: 1 }) };
}

const anything = fc.anything({ withNullPrototype: true, maxDepth: 3 });
const marked = fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })).map(([a, b]) => `${a}${MARK}${b}`);
/** A client `user` in wire or camelCase form whose personal values carry the marker. */
const markedUser = fc.oneof(
  fc.record({ email: fc.constant(`${MARK}@example.com`), firstName: fc.constant(`O'${MARK}`), externalId: fc.constant(`${MARK}-1`), ip_address: fc.constant('192.0.2.1') }, { requiredKeys: [] }),
  fc.dictionary(
  fc.constantFrom('emails_sha256', 'email', 'phone', 'firstName', 'first_names_sha256', 'externalId', 'ip_address', 'user_agent', 'userAgent', 'cities', '__proto__'),
    fc.oneof(marked, fc.array(marked, { maxLength: 2 }), fc.constant(`${MARK}@example.com`)),
  ),
);
/**
 * A sent body without the geo fields the spec sends raw (§4): with `acceptClientUser` a client's
 * `cities` legitimately reach the API as typed, so only they may carry the marker.
 */
function withoutRawGeo(body: string): string {
  const parsed = JSON.parse(body) as { events: { user?: Record<string, unknown> }[] };
  for (const event of parsed.events) {
    for (const key of RAW_GEO) delete event.user?.[key];
  }
  return JSON.stringify(parsed);
}
const RAW_GEO = ['cities', 'regions', 'postal_codes', 'countries'];
/** `arb` most of the time, anything now and then. */
const mostly = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anything });
/** A relay event: often valid, with random fields mixed in. */
const relayEvent = fc.record(
  {
    id: mostly(fc.stringMatching(/^[a-z0-9]{1,8}$/)),
    type: mostly(fc.constantFrom('page_viewed', 'order_created', 'lead_created', 'app_opened')),
    timestamp: mostly(fc.oneof(fc.constant(NOW), fc.integer({ min: NOW - 7e8, max: NOW + 7e5 }))),
    sourceUrl: mostly(fc.constantFrom('https://shop.example/p?email=x', 'https://shop.example/', 'nope')),
    oppref: mostly(fc.string({ maxLength: 6 })),
    obref: mostly(fc.string({ maxLength: 6 })),
    optOut: mostly(fc.boolean()),
    actionSource: fc.constantFrom('web', 'offline'),
    user: mostly(markedUser),
    data: mostly(fc.oneof(fc.constant({}), fc.record({ amount: fc.nat(), currency: fc.constantFrom('USD', 'USD', 'usd') }), fc.record({ amount: fc.nat() }))),
    extra: anything,
  },
  { requiredKeys: ['id', 'type', 'timestamp', 'sourceUrl'] },
).map((e) => {
  // The data shape the type needs (or a wrong one, when data is random).
  const shape = e.type === 'page_viewed' || e.type === 'order_created' ? 'contents' : 'customer_action';
  if (e.extra !== undefined && typeof e.id === 'string' && e.id.length % 3 !== 0) delete e.extra; // now and then only
  return typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? { ...e, data: { type: shape, ...e.data } } : e;
});
const customEvent = fc.record({ id: fc.stringMatching(/^[a-z0-9]{1,8}$/), type: fc.constant('custom'), customEventName: fc.constantFrom('quiz', 'quiz', 'Bad'), timestamp: fc.constant(NOW), sourceUrl: fc.constant('https://shop.example/q'), data: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })).map((d) => ({ ...d, type: 'custom' })), user: markedUser });
/** Bodies: well-formed envelopes with random events, and random text. */
const body = fc.oneof(
  { weight: 6, arbitrary: fc.record({ v: fc.constantFrom(2, 2, 2, 1), consent: fc.constantFrom('granted', 'granted', 'denied', 1), events: fc.array(fc.oneof({ weight: 6, arbitrary: relayEvent }, { weight: 2, arbitrary: customEvent }, { weight: 1, arbitrary: anything }), { minLength: 0, maxLength: 3 }) }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"v":2,"consent":"granted","events":[]}', `{"v":2,"consent":"granted","events":[${'{},'.repeat(60)}{}]}`, '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]', '{"__proto__":{"polluted":1},"v":2,"consent":"granted","events":[{}]}') },
);
/** Header values a Fetch `Headers` accepts (latin-1, no CR/LF/NUL), edgy ones included. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,30}$/),
  fc.constantFrom('1', '0', ' 1 ', '203.0.113.9', '::1', '[::1]:80, 10.0.0.1', 'garbage, , ,', '__oppref=A; __obref=B', '__oppref="%E0%A4%A"; __obref=%', 'https://shop.example/?oppref=R%20%2B', 'text/plain', 'application/json; charset=utf-8', 'text/html', '99999999', '-1', 'abc'),
);
const headers = fc.record(
  {
    'content-type': fc.oneof({ weight: 5, arbitrary: fc.constantFrom('text/plain;charset=UTF-8', 'application/json') }, { weight: 1, arbitrary: headerValue }),
    'content-length': headerValue,
    origin: fc.oneof(fc.constant('https://shop.example'), fc.constant('https://evil.example'), headerValue),
    'sec-fetch-site': fc.oneof({ weight: 4, arbitrary: fc.constantFrom('same-origin', 'same-origin', 'same-site', 'cross-site', 'none') }, { weight: 1, arbitrary: headerValue }),
    'x-forwarded-host': headerValue,
    referer: headerValue,
    'user-agent': fc.oneof(fc.constant('Mozilla/5.0 UA'), headerValue),
    cookie: headerValue,
    'sec-gpc': headerValue,
    'x-forwarded-for': headerValue,
    'x-forwarded-proto': headerValue,
    host: headerValue,
  },
  { requiredKeys: [] },
).map((h) => {
  // A random Content-Length is rare in real traffic and mostly ends in 413 early.
  const { 'content-length': length, ...rest } = h;
  return length !== undefined && length.length % 4 === 0 ? { ...rest, 'content-length': length } : rest;
});
const options = fc.record(
  {
    trustProxy: fc.oneof(fc.boolean(), fc.nat(3)),
    acceptClientUser: fc.boolean(),
    globalPrivacyControl: fc.constantFrom('drop', 'opt_out', 'ignore'),
    maxBodyBytes: fc.constantFrom(512, 65_536, 65_536),
    maxEventsPerRequest: fc.constantFrom(2, 50, 50),
    allowSameSite: fc.boolean(),
    allowServerToServer: fc.boolean(),
    allowedOrigins: fc.constantFrom(['https://evil.example'], ['https://shop.example']),
    queueShare: fc.constantFrom(false, { perClient: 0.001, relay: 0.002 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<RelayOptions>;

/** A Request, or undefined when the runtime refuses those headers (not the relay's business). */
function request(text: string, h: Record<string, string>, url: string): Request | undefined {
  try {
    return new Request(url, { method: 'POST', headers: h, body: text });
  } catch {
    return undefined;
  }
}

describe('createRelayHandler with random bodies and headers (properties)', () => {
  it('never answers 5xx; answers JSON; every 4xx names its issues; no raw personal data is printed or sent', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, options, fc.constantFrom('https://shop.example/api/capi', 'https://shop.example/api/capi?oppref=U1'), async (text, h, opts, url) => {
        const req = request(text, h, url);
        fc.pre(req !== undefined);
        const { client, logger, bodies, handler } = setup({ ...opts, rateLimit: false });
        const response = await handler(req!, { remoteAddress: '198.51.100.4' });
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const answer = (await response.json()) as Record<string, unknown>;
        if (response.status >= 400) {
          const issues = Array.isArray(answer.issues)
            ? answer.issues
            : (answer.rejected as { issues: unknown[] }[] | undefined)?.flatMap((r) => r.issues);
          expect(issues?.length, JSON.stringify(answer)).toBeGreaterThan(0);
          for (const issue of issues ?? []) expect(issue).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
        }
        await client.flush();
        const printed = [JSON.stringify(answer), logger.lines.join('\n'), consoleText(), bodies.map(withoutRawGeo).join('\n')].join('\n');
        expect(leaks(printed), printed).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx under a rate limit and an origin allowlist either', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(body, headers), { minLength: 1, maxLength: 5 }), async (requests) => {
        const { handler } = setup({ rateLimit: { limit: 2, windowMs: 60_000 }, allowedOrigins: ['https://shop.example'] });
        for (const [text, h] of requests) {
          const req = request(text, h, 'https://shop.example/api/capi');
          if (req === undefined) continue;
          const response = await handler(req);
          expect(response.status).toBeLessThan(500);
          expect(await response.json()).toBeTypeOf('object');
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('toNodeHandler + createRelayHandler on a real node:http server with random methods, headers and bodies (property)', () => {
  it('never answers 5xx, whatever the method (TRACE included), headers or body', async () => {
    const errors: unknown[] = [];
    const client = { track: (input: { id?: string }) => input.id ?? '', stats: () => ({ tracked: 0, queued: 0, dropped: 0, closed: false, maxQueueSize: 10 }) };
    const server = createServer(toNodeHandler(createRelayHandler(client as unknown as RelayClient, { bodyTimeoutMs: 200, onError: (e) => errors.push(e) })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const method = fc.oneof(fc.constantFrom('POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'M-SEARCH'), fc.stringMatching(/^[A-Z]{1,8}$/));
    try {
      await fc.assert(
        fc.asyncProperty(method, body, headers, async (m, text, h) => {
          // Node's client sets Host and Content-Length itself (a wrong one would break the connection, not the relay).
          const sent: Record<string, string> = { ...h };
          delete sent['host'];
          delete sent['content-length'];
          const status = await new Promise<number>((resolve, reject) => {
            const req = httpRequest({ host: '127.0.0.1', port, method: m, path: '/api/openai-capi', headers: sent }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            });
            req.on('error', reject);
            req.end(m === 'GET' || m === 'HEAD' ? undefined : text);
          });
          expect(status, `${m} ${JSON.stringify(sent)} ${text.slice(0, 80)}`).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(errors.every((e) => e instanceof Error && !/internal|TypeError/.test((e as Error).name))).toBe(true);
  });
});
