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

  it('writes cookie-safe values as they are (byte for byte what OpenAI\'s script writes)', () => {
    expect(encodeCookieValue('AbC-12_x.y+z/w==')).toBe('AbC-12_x.y+z/w==');
    expect(encodeCookieValue('click:abc')).toBe('click:abc');
    expect(encodeCookieValue('100%')).toBe('100%25');
    expect(encodeCookieValue('é')).toBe('%C3%A9');
  });

  it('decodes exactly what it encodes, and keeps malformed text raw', () => {
    expect(decodeCookieValue('x%20y%3Bz')).toBe('x y;z');
    expect(decodeCookieValue('a%252B')).toBe('a%2B');
    expect(decodeCookieValue('a+b')).toBe('a+b');
    expect(decodeCookieValue('yes%ZZ')).toBe('yes%ZZ');
    expect(decodeCookieValue('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('cookies written by a foreign script reach the API unchanged', () => {
  // What OpenAI's script, a GTM template or a shop plugin may leave in __oppref / __obref: raw text,
  // sometimes holding a % of its own. decodeCookieValue must hand it on byte for byte.
  it.each([
    'click%3Aabc', // an escape of a cookie-safe char: we would have written "click:abc"
    'a%2Bb%3D%3D', // base64 kept percent-encoded, as it stood in the landing URL
    'AbCd%2f12', // lowercase hex: encodeURIComponent never writes that
    'oppref_%41BC', // an escape of a letter
    '100%', // a stray %
    'yes%ZZ',
    'v1.abc+def/ghi==', // raw base64
    'ob_7f3a9c',
  ])('%s', (raw) => {
    expect(decodeCookieValue(raw)).toBe(raw);
  });

  it('reads a foreign raw value exactly as a document.cookie string carries it', () => {
    const cookie = '_ga=GA1.2.3; __oppref=click%3Aabc; __obref=ob+1/2=';
    const read = (name: string) => decodeCookieValue(cookie.split('; ').find((c) => c.startsWith(`${name}=`))!.slice(name.length + 1));
    expect(read('__oppref')).toBe('click%3Aabc');
    expect(read('__obref')).toBe('ob+1/2=');
  });
});

describe('readQueryParam: values another integration put in the URL', () => {
  it('decodes the URL form once; text that is not valid percent-encoding passes unchanged', () => {
    expect(readQueryParam('?oppref=click%3Aabc', 'oppref')).toBe('click:abc');
    expect(readQueryParam('?oppref=50%off', 'oppref')).toBe('50%off');
    expect(readQueryParam('?oppref=a%2', 'oppref')).toBe('a%2');
  });
});
