import { describe, expect, it } from 'vitest';
import { readOpprefFromSearch } from './capture.js';

describe('readOpprefFromSearch', () => {
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
  ])('%s → %s', (search, expected) => {
    expect(readOpprefFromSearch(search)).toBe(expected);
  });

  it.each(['', '?', '?oppref=', '?xoppref=abc', '?oppref2=abc', '?OPPREF=abc'])('%s → nothing', (search) => {
    expect(readOpprefFromSearch(search)).toBeUndefined();
  });
});
