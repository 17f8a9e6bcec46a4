import { describe, expect, it } from 'vitest';
import { openPage } from './__tests__/page.js';
import { cookieDomainCandidates, deleteCookie, probeCookieDomain, readCookie, writeCookie } from './cookies.js';

describe('cookies', () => {
  it('writes Max-Age, Path=/, SameSite=Lax, Domain and Secure', () => {
    const page = openPage('https://shop.example.com/');
    writeCookie(page.win.document, 'a', 'x y;z', { maxAgeSeconds: 2_592_000, domain: 'example.com', secure: true });
    expect(page.cookieWrites).toEqual(['a=x%20y%3Bz; Max-Age=2592000; Path=/; SameSite=Lax; Domain=example.com; Secure']);
    expect(readCookie(page.win.document, 'a')).toBe('x y;z');
  });

  it('writes a host-only, non-Secure cookie when asked', () => {
    const page = openPage('http://localhost:3000/');
    writeCookie(page.win.document, 'a', 'v', { maxAgeSeconds: 60, secure: false });
    expect(page.cookieWrites).toEqual(['a=v; Max-Age=60; Path=/; SameSite=Lax']);
    expect(readCookie(page.win.document, 'a')).toBe('v');
  });

  it('reads by exact name, and not empty values', () => {
    const page = openPage('https://shop.example.com/');
    page.win.document.cookie = 'x__oppref=no';
    page.win.document.cookie = '__oppref2=no';
    expect(readCookie(page.win.document, '__oppref')).toBeUndefined();
    page.win.document.cookie = '__oppref=yes%ZZ';
    expect(readCookie(page.win.document, '__oppref')).toBe('yes%ZZ');
  });

  it('deletes a cookie for its domain', () => {
    const page = openPage('https://shop.example.com/');
    writeCookie(page.win.document, 'a', 'v', { maxAgeSeconds: 60, domain: 'example.com', secure: true });
    deleteCookie(page.win.document, 'a', 'example.com', true);
    expect(readCookie(page.win.document, 'a')).toBeUndefined();
  });

  it('lists parent domains broadest first, none for localhost, IPs and single labels', () => {
    expect(cookieDomainCandidates('a.b.shop.co.uk')).toEqual(['co.uk', 'shop.co.uk', 'b.shop.co.uk', 'a.b.shop.co.uk']);
    expect(cookieDomainCandidates('example.com')).toEqual(['example.com']);
    expect(cookieDomainCandidates('Shop.Example.com.')).toEqual(['example.com', 'shop.example.com']);
    for (const host of ['localhost', '127.0.0.1', '[::1]', '::1', 'intranet']) expect(cookieDomainCandidates(host)).toEqual([]);
  });

  it('probes past a public suffix (co.uk is refused) and cleans up its probes', () => {
    const page = openPage('https://a.b.shop.co.uk/');
    expect(probeCookieDomain(page.win.document, cookieDomainCandidates('a.b.shop.co.uk'), true)).toBe('shop.co.uk');
    expect(page.win.document.cookie).toBe('');
    expect(page.cookieWrites.some((w) => w.includes('Domain=co.uk'))).toBe(true);
  });

  it('probes to the registrable domain of a subdomain', () => {
    const page = openPage('https://www.shop.example.com/');
    expect(probeCookieDomain(page.win.document, cookieDomainCandidates('www.shop.example.com'), true)).toBe('example.com');
    expect(page.win.document.cookie).toBe('');
  });

  it('gives a host-only cookie (undefined) on localhost without writing anything', () => {
    const page = openPage('http://localhost:3000/');
    expect(probeCookieDomain(page.win.document, cookieDomainCandidates('localhost'), false)).toBeUndefined();
    expect(page.cookieWrites).toEqual([]);
  });

  it('refuses a domain that is not the host or a parent of it (undefined), and cleans up', () => {
    const page = openPage('https://www.shop.example.com/');
    expect(probeCookieDomain(page.win.document, ['other.com'], true)).toBeUndefined();
    expect(probeCookieDomain(page.win.document, ['shop.example.com'], true)).toBe('shop.example.com');
    expect(page.win.document.cookie).toBe('');
  });
});
