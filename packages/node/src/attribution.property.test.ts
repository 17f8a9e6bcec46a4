import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCookieValue, isValidIp } from '@x/openai-capi-core';
import { readAttribution, type AttributionOptions } from './attribution.js';
import type { NodeRequestLike } from './request-like.js';

const edgy = fc.constantFrom(
  '__oppref=A; __obref=B',
  '__oppref="%E0%A4%A"; __obref=%; __oppref=second',
  '__oppref=; __obref=',
  '=; ;;; __oppref',
  'https://shop.example/?oppref=R%20%2B&oppref=2',
  'https://shop.example/?oppref=%ED%A0%80',
  'not a url',
  '203.0.113.9, 10.0.0.1',
  '[::1]:443, ::ffff:1.2.3.4',
  '1',
  ' 1 ',
  'https',
  'a\r\nSet-Cookie: x=y',
  '\uD800oppref',
);
/** Any JS string: Node-like requests are plain objects, so nothing filters their header values. */
const anyText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 20 }), edgy);
/** Values a Fetch `Headers` accepts (latin-1, no CR/LF/NUL). */
const headerText = fc.oneof(fc.stringMatching(/^[\x20-\x7e\xa0-\xff]{0,30}$/), edgy.filter((v) => !/[\r\n\u0100-\uffff]/.test(v)));
const HEADER_NAMES = ['cookie', 'referer', 'user-agent', 'sec-gpc', 'x-forwarded-for', 'x-forwarded-proto', 'host'] as const;
const options = fc.record(
  { trustProxy: fc.oneof(fc.boolean(), fc.integer({ min: -2, max: 5 }), fc.constant((a: string) => a.startsWith('10.'))), remoteAddress: anyText, cookie: fc.record({ maxAgeDays: fc.oneof(fc.nat(400), fc.double({ min: 0, max: 400, noNaN: true })), secure: fc.constantFrom(true, false, 'auto' as const), sameSite: fc.constantFrom('Strict' as const, 'Lax' as const, 'None' as const) }, { requiredKeys: [] }) },
  { requiredKeys: [] },
) as fc.Arbitrary<AttributionOptions>;

function checkAttribution(a: ReturnType<typeof readAttribution>): void {
  expect(typeof a.gpc).toBe('boolean');
  if (a.ipAddress !== undefined) expect(isValidIp(a.ipAddress)).toBe(true);
  for (const value of [a.oppref, a.obref, a.userAgent]) if (value !== undefined) expect(value).not.toBe('');
  for (const cookie of a.setCookies) {
    // One cookie, its value encoded: no header injection, no attribute smuggled in through the value.
    expect(cookie).toMatch(/^__oppref=[^;\s]+; Max-Age=\d+; Path=\/; SameSite=(Strict|Lax|None)(; Secure)?$/);
  }
}

describe('readAttribution with random headers and cookies (properties)', () => {
  it('never throws for a Node request with any header strings, arrays, URL and socket', () => {
    const headers = fc.dictionary(fc.constantFrom(...HEADER_NAMES), fc.oneof(anyText, fc.array(anyText, { maxLength: 3 }), fc.constant(undefined)));
    const req = fc.record(
      { method: fc.constant('POST'), url: anyText, originalUrl: anyText, headers, socket: fc.oneof(fc.constant(null), fc.record({ remoteAddress: anyText, encrypted: fc.boolean() }, { requiredKeys: [] })) },
      { requiredKeys: ['headers'] },
    );
    fc.assert(
      fc.property(req, options, (r, o) => checkAttribution(readAttribution(r as NodeRequestLike, o))),
      { numRuns: 400 },
    );
  });

  it('never throws for a Fetch Request with any header values the runtime accepts', () => {
    const headers = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerText);
    const url = fc.oneof(fc.constantFrom('https://shop.example/p', 'http://localhost:3000/?oppref=abc%2B+x', 'https://shop.example/?oppref=&oppref=2'), fc.webUrl({ withQueryParameters: true }));
    fc.assert(
      fc.property(url, headers, options, (u, h, o) => {
        let request: Request;
        try {
          request = new Request(u, { headers: h });
        } catch {
          return fc.pre(false);
        }
        checkAttribution(readAttribution(request, o));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a cookie-borne oppref back exactly as the Cookie header carries it, and does not re-issue it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), (value) => {
        // As this SDK writes it (core encodeCookieValue): what it reads back is the value.
        const header = `other=1; __oppref=${encodeCookieValue(value)}`;
        const a = readAttribution({ headers: { cookie: header } });
        expect(a).toMatchObject({ oppref: value, opprefSource: 'cookie', setCookies: [] });
      }),
      { numRuns: 200 },
    );
  });
});

describe('readAttribution regressions found by the properties', () => {
  // maxAgeDays 11574074074074074 printed `Max-Age=1e+21`, NaN printed `Max-Age=NaN`.
  it('prints Max-Age as plain digits, and refuses a non-finite cookie lifetime as a typed error', () => {
    const req = { url: '/?oppref=c1', headers: { host: 'shop.example' } };
    expect(readAttribution(req, { cookie: { maxAgeDays: 11574074074074074 } }).setCookies).toEqual([
      `__oppref=c1; Max-Age=${Number.MAX_SAFE_INTEGER}; Path=/; SameSite=Lax`,
    ]);
    for (const maxAgeDays of [Number.NaN, Infinity]) {
      expect(() => readAttribution(req, { cookie: { maxAgeDays } })).toThrow(expect.objectContaining({ name: 'CapiValidationError' }));
    }
  });
});
