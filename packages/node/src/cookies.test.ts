import { describe, expect, it } from 'vitest';
import { CapiValidationError } from '@x/openai-capi-core';
import { parseCookies, serializeCookie } from './cookies.js';

describe('parseCookies', () => {
  it('reads name=value pairs, decodes percent-encoding and strips quotes', () => {
    const c = parseCookies('a=1; __oppref=click%3Aabc; __obref=x%20y; q="quoted"; broken=%E0%A4%A');
    expect(c.get('a')).toBe('1');
    // What we would have written for click:abc is click:abc: a foreign value, kept unchanged.
    expect(c.get('__oppref')).toBe('click%3Aabc');
    expect(c.get('__obref')).toBe('x y');
    expect(c.get('q')).toBe('quoted');
    expect(c.get('broken')).toBe('%E0%A4%A');
  });

  it('keeps the first of two cookies with the same name and skips junk', () => {
    const c = parseCookies('x=first; junk; =noname; x=second');
    expect([...c]).toEqual([['x', 'first']]);
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe('serializeCookie', () => {
  it('writes value and attributes in a fixed order', () => {
    expect(serializeCookie('__oppref', 'a b;c', { maxAgeSeconds: 60, domain: 'example.com', secure: true })).toBe(
      '__oppref=a%20b%3Bc; Max-Age=60; Domain=example.com; Path=/; SameSite=Lax; Secure',
    );
  });

  it('forces Secure with SameSite=None and supports HttpOnly', () => {
    expect(serializeCookie('n', 'v', { sameSite: 'None', httpOnly: true })).toBe('n=v; Path=/; SameSite=None; Secure; HttpOnly');
  });

  it('refuses names, domains and paths that would inject attributes', () => {
    expect(() => serializeCookie('a;b', 'v')).toThrow(CapiValidationError);
    expect(() => serializeCookie('n', 'v', { domain: 'x.com; HttpOnly' })).toThrow(/domain/);
    expect(() => serializeCookie('n', 'v', { path: '/a;b' })).toThrow(/path/);
    expect(() => serializeCookie('n', 'v', { sameSite: 'Lax; Domain=evil.example' as never })).toThrow(/SameSite/);
    expect(() => serializeCookie('n', 'v', { secure: 'yes' as never })).toThrow(/secure/);
  });
});
