import { describe, expect, it } from 'vitest';
import { decodeCookieValue, encodeCookieValue, readQueryParam } from '@x/openai-capi-core';

describe('readQueryParam', () => {
  it.each([
    ['?oppref=abc123', 'abc123'],
    ['oppref=abc123', 'abc123'],
    ['?utm_source=x&oppref=abc123&b=2', 'abc123'],
    ['?oppref=a%2Bb%3D%3D', 'a+b=='], // percent-decoded once
    ['?oppref=a%252B', 'a%2B'], // …and only once
    ['?oppref=a+b', 'a+b'], // no form decoding of +
    ['?oppref=%20padded%20', ' padded '], // no trimming
    ['?oppref=first&oppref=second', 'first'],
    ['?oppref=bad%E0%A4%A', 'bad%E0%A4%A'], // invalid encoding: untouched
    ['?oppref=100%', '100%'],
    ['?oppref=a=b', 'a=b'], // only the first = separates name and value
    ['?oppref=x#frag&oppref=y', 'x'],
    ['?oppref=%C3%A9', 'é'],
  ])('%s → %s', (search, expected) => {
    expect(readQueryParam(search, 'oppref')).toBe(expected);
  });

  it.each(['', '?', '?oppref=', '?oppref', '?oppref=&oppref=late', '?xoppref=abc', '?oppref2=abc', '?OPPREF=abc', '?opp%72ef=abc', '?#oppref=abc'])(
    '%s → nothing',
    (search) => {
      expect(readQueryParam(search, 'oppref')).toBeUndefined();
    },
  );

  it('differs from URLSearchParams exactly where the spec asks: + is kept', () => {
    expect(new URLSearchParams('?oppref=a+b').get('oppref')).toBe('a b');
    expect(readQueryParam('?oppref=a+b', 'oppref')).toBe('a+b');
  });

  it('reads any parameter name', () => {
    expect(readQueryParam('?a=1&b=2', 'b')).toBe('2');
    expect(readQueryParam('?a=1', '')).toBeUndefined();
  });
});

describe('encodeCookieValue / decodeCookieValue', () => {
  it.each(['plain', 'a+b==', 'x y;z,w', 'é/ü', '100%', 'a%2Bb'])('round-trips %s', (value) => {
    expect(decodeCookieValue(encodeCookieValue(value))).toBe(value);
  });

  it('encodes what a cookie cannot carry raw', () => {
    expect(encodeCookieValue('x y;z')).toBe('x%20y%3Bz');
  });

  it('decodes once and keeps malformed text raw', () => {
    expect(decodeCookieValue('click%3Aabc')).toBe('click:abc');
    expect(decodeCookieValue('a%252B')).toBe('a%2B');
    expect(decodeCookieValue('a+b')).toBe('a+b');
    expect(decodeCookieValue('yes%ZZ')).toBe('yes%ZZ');
    expect(decodeCookieValue('%E0%A4%A')).toBe('%E0%A4%A');
  });
});
