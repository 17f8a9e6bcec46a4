import { describe, expect, it } from 'vitest';
import { CapiValidationError } from '@x/openai-capi-core';
import { clientIp, readAttribution } from './attribution.js';
import type { NodeRequestLike } from './request-like.js';

const req = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
const nodeReq = (headers: NodeRequestLike['headers'], remoteAddress?: string, encrypted = false): NodeRequestLike => ({
  method: 'GET',
  url: '/landing?oppref=fromnode',
  headers: { host: 'shop.example', ...headers },
  socket: { remoteAddress, encrypted },
});

describe('readAttribution: oppref and obref', () => {
  it('takes oppref from the URL first and re-issues it as a 30-day server cookie (Secure on https)', () => {
    const a = readAttribution(req('https://shop.example/p?oppref=A%2BB&x=1', { cookie: '__oppref=old; __obref=ob-1' }));
    expect(a).toMatchObject({ oppref: 'A+B', opprefSource: 'url', obref: 'ob-1', gpc: false });
    // Cookie-safe: written as it is, byte for byte what OpenAI's script would write (core encodeCookieValue).
    expect(a.setCookies).toEqual(['__oppref=A+B; Max-Age=2592000; Path=/; SameSite=Lax; Secure']);
    expect(a.setCookies[0]).not.toMatch(/HttpOnly/);
  });

  it('falls back to the Referer query, then to the __oppref cookie (which is not re-issued)', () => {
    const fromReferer = readAttribution(req('http://shop.example/api', { referer: 'http://shop.example/p?oppref=R1', cookie: '__oppref=C1' }));
    expect(fromReferer).toMatchObject({ oppref: 'R1', opprefSource: 'referer' });
    expect(fromReferer.setCookies).toEqual(['__oppref=R1; Max-Age=2592000; Path=/; SameSite=Lax']);
    const fromCookie = readAttribution(req('http://shop.example/api', { cookie: '__oppref=C1' }));
    expect(fromCookie).toMatchObject({ oppref: 'C1', opprefSource: 'cookie', setCookies: [] });
    expect(readAttribution(req('http://shop.example/api')).oppref).toBeUndefined();
  });

  it('honours cookie options: domain, lifetime, secure', () => {
    const a = readAttribution(req('http://shop.example/?oppref=z'), { cookie: { domain: 'shop.example', maxAgeDays: 7, secure: true } });
    expect(a.setCookies).toEqual(['__oppref=z; Max-Age=604800; Domain=shop.example; Path=/; SameSite=Lax; Secure']);
  });

  it('keeps + in a click id from the URL, the Referer and the cookie, exactly as the browser captures it', () => {
    // URLSearchParams would read `a b`; the browser tracker keeps `a+b` (core readQueryParam).
    expect(readAttribution(req('http://shop.example/p?oppref=a+b%2Fc')).oppref).toBe('a+b/c');
    expect(readAttribution(nodeReq({}, '203.0.113.9')).oppref).toBe('fromnode');
    const fromNode = readAttribution({ ...nodeReq({}), url: '/landing?oppref=x+y' });
    expect(fromNode.oppref).toBe('x+y');
    const fromReferer = readAttribution(req('http://shop.example/api', { referer: 'http://shop.example/p?oppref=r+1&x' }));
    expect(fromReferer).toMatchObject({ oppref: 'r+1', opprefSource: 'referer' });
    expect(fromReferer.setCookies).toEqual(['__oppref=r+1; Max-Age=2592000; Path=/; SameSite=Lax']);
    expect(readAttribution(req('http://shop.example/api', { cookie: '__oppref=c+1' })).oppref).toBe('c+1');
    // Not what we write for c+1: a foreign script wrote it, so it reaches the API unchanged.
    expect(readAttribution(req('http://shop.example/api', { cookie: '__oppref=c%2B1' })).oppref).toBe('c%2B1');
    expect(readAttribution(req('http://shop.example/api', { cookie: '__oppref=bad%E0%A4%A' })).oppref).toBe('bad%E0%A4%A');
    expect(readAttribution(req('http://shop.example/p?oppref=bad%E0%A4%A')).oppref).toBe('bad%E0%A4%A');
  });

  it('does not re-issue a host-only cookie when the __oppref cookie already holds that click id', () => {
    const headers = { referer: 'http://www.shop.example/p?oppref=a%2Bb', cookie: '__oppref=a+b' };
    const same = readAttribution(req('http://www.shop.example/api', headers));
    expect(same).toMatchObject({ oppref: 'a+b', opprefSource: 'referer', setCookies: [] });
    const fromUrl = readAttribution(req('http://www.shop.example/?oppref=a%2Bb', { cookie: '__oppref=a+b' }));
    expect(fromUrl.setCookies).toEqual([]);
    // A different (fresh) click id is still re-issued.
    const fresh = readAttribution(req('http://www.shop.example/api', { ...headers, cookie: '__oppref=older' }));
    expect(fresh.setCookies).toEqual(['__oppref=a+b; Max-Age=2592000; Path=/; SameSite=Lax']);
  });

  it('with a configured domain, re-issues even the same value: the server cookie overwrites the browser one in place', () => {
    const headers = { referer: 'http://www.shop.example/p?oppref=same', cookie: '__oppref=same' };
    const a = readAttribution(req('http://www.shop.example/api', headers), { cookie: { domain: 'shop.example' } });
    expect(a.setCookies).toEqual(['__oppref=same; Max-Age=2592000; Domain=shop.example; Path=/; SameSite=Lax']);
  });

  it('refuses invalid options as a typed error naming the option, whether or not a cookie is due', () => {
    const issuesOf = (options: unknown): string[] => {
      try {
        readAttribution(req('https://shop.example/api'), options as never);
      } catch (error) {
        if (!CapiValidationError.isInstance(error)) throw error;
        return error.issues.map((i) => `${i.path}:${i.code}`);
      }
      return [];
    };
    // Bun's server.requestIP(req) is an object: its `.address` is the string to pass.
    expect(issuesOf({ trustProxy: 'loopback', remoteAddress: { address: '203.0.113.9', family: 'IPv4', port: 1 } })).toEqual([
      'trustProxy:invalid_type',
      'remoteAddress:invalid_type',
    ]);
    expect(issuesOf({ cookie: { sameSite: 'Lax; Domain=evil.example', domain: 'a b', path: 'nope', secure: 1 } })).toEqual([
      'cookie.secure:invalid_type',
      'cookie.domain:invalid_format',
      'cookie.path:invalid_format',
      'cookie.sameSite:invalid_value',
    ]);
    expect(issuesOf({ cookie: 'shop.example' })).toEqual(['cookie:invalid_type']);
    expect(issuesOf(null)).toEqual([':invalid_type']);
    expect(issuesOf({ trustProxy: -1, remoteAddress: '203.0.113.9', cookie: { secure: 'auto', sameSite: 'None' } })).toEqual([]);
  });

  it('reads a Node IncomingMessage too', () => {
    const a = readAttribution(nodeReq({ 'user-agent': 'UA/1', 'sec-gpc': '1', cookie: '__obref=ob' }, '203.0.113.9', true));
    expect(a).toMatchObject({ oppref: 'fromnode', obref: 'ob', ipAddress: '203.0.113.9', userAgent: 'UA/1', gpc: true });
    expect(a.setCookies[0]).toMatch(/; Secure$/);
  });
});

describe('readAttribution: Secure behind a proxy', () => {
  const secureOf = (a: { setCookies: string[] }) => /; Secure$/.test(a.setCookies[0]!);

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const viaProxy = nodeReq({ 'x-forwarded-proto': 'https' }, '10.0.0.1', false);
    expect(secureOf(readAttribution(viaProxy, { trustProxy: (ip) => ip === '10.0.0.1' }))).toBe(true);
    expect(secureOf(readAttribution(viaProxy, { trustProxy: 1 }))).toBe(true);
    expect(secureOf(readAttribution(viaProxy, { trustProxy: true }))).toBe(true);
    // A client talking TLS to the server directly cannot strip Secure from its own cookie.
    const direct = nodeReq({ 'x-forwarded-proto': 'http' }, '198.51.100.7', true);
    expect(secureOf(readAttribution(direct, { trustProxy: (ip) => ip === '10.0.0.1' }))).toBe(true);
    expect(secureOf(readAttribution(direct, { trustProxy: 0 }))).toBe(true);
    expect(secureOf(readAttribution(direct, { trustProxy: false }))).toBe(true);
  });
});

describe('readAttribution: client IP', () => {
  const xff = { 'x-forwarded-for': '198.51.100.7, 10.0.0.1' };

  it('uses the socket address and ignores X-Forwarded-For unless trustProxy is set', () => {
    expect(clientIp(nodeReq(xff, '10.0.0.2'))).toBe('10.0.0.2');
    expect(clientIp(req('http://x/', xff))).toBeUndefined();
    expect(clientIp(req('http://x/', xff), { remoteAddress: '192.0.2.1' })).toBe('192.0.2.1');
  });

  it('with trustProxy n, takes the first untrusted hop', () => {
    expect(clientIp(nodeReq(xff, '10.0.0.2'), { trustProxy: 1 })).toBe('10.0.0.1');
    expect(clientIp(nodeReq(xff, '10.0.0.2'), { trustProxy: 2 })).toBe('198.51.100.7');
    expect(clientIp(nodeReq(xff, '10.0.0.2'), { trustProxy: 9 })).toBe('198.51.100.7');
  });

  it('with a predicate, skips trusted addresses; with true, takes the left-most', () => {
    const isPrivate = (ip: string) => ip.startsWith('10.');
    expect(clientIp(nodeReq(xff, '10.0.0.2'), { trustProxy: isPrivate })).toBe('198.51.100.7');
    expect(clientIp(nodeReq({ 'x-forwarded-for': '1.2.3.4, 198.51.100.7, 10.0.0.1' }, '10.0.0.2'), { trustProxy: isPrivate })).toBe('198.51.100.7');
    expect(clientIp(nodeReq(xff, '10.0.0.2'), { trustProxy: true })).toBe('198.51.100.7');
  });

  it('normalizes ports, brackets and IPv4-mapped addresses, and rejects garbage', () => {
    expect(clientIp(nodeReq({}, '::ffff:127.0.0.1'))).toBe('127.0.0.1');
    expect(clientIp(nodeReq({ 'x-forwarded-for': '[2001:db8::1]:443' }, '10.0.0.2'), { trustProxy: 1 })).toBe('2001:db8::1');
    expect(clientIp(nodeReq({ 'x-forwarded-for': '198.51.100.7:5555' }, '10.0.0.2'), { trustProxy: 1 })).toBe('198.51.100.7');
    expect(clientIp(nodeReq({ 'x-forwarded-for': 'evil<script>' }, '10.0.0.2'), { trustProxy: 1 })).toBeUndefined();
  });

  it('reads GPC only from Sec-GPC: 1', () => {
    expect(readAttribution(req('http://x/', { 'sec-gpc': '1' })).gpc).toBe(true);
    expect(readAttribution(req('http://x/', { 'sec-gpc': '0' })).gpc).toBe(false);
  });
});
