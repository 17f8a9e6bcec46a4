import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countryCodes,
  isAndroidAdvertisingId,
  isCountryCode,
  isGeoText,
  isLowerSha256Hex,
  isNonBlank,
  isPostalCode,
  isSha256Hex,
  isValidIp,
  isZeroAdvertisingId,
} from './user-rules.js';

const HEX = 'b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514';

describe('isSha256Hex / isLowerSha256Hex', () => {
  it('accepts 64 hex chars (any case for isSha256Hex, lowercase only for isLowerSha256Hex)', () => {
    expect(isSha256Hex(HEX)).toBe(true);
    expect(isSha256Hex(HEX.toUpperCase())).toBe(true);
    expect(isLowerSha256Hex(HEX)).toBe(true);
    expect(isLowerSha256Hex(HEX.toUpperCase())).toBe(false);
  });
  it.each([HEX.slice(1), HEX + '0', HEX.slice(1) + 'g', ` ${HEX}`, '', 42, null])('rejects %j', (value) => {
    expect(isSha256Hex(value)).toBe(false);
    expect(isLowerSha256Hex(value)).toBe(false);
  });
  // The table is read by a char's low 7 bits: a char ≥ 128 over a hex digit (á is 0xE1, over 'a') must still fail.
  it('rejects a char ≥ 128 whose low 7 bits are a hex digit, at any position', () => {
    for (const c of ['\u00e1', '\u00b0', '\u0130', '\u0161', '\uff41']) {
      for (let i = 0; i < 64; i++) {
        const value = HEX.slice(0, i) + c + HEX.slice(i + 1);
        expect(isSha256Hex(value), `${c} at ${i}`).toBe(false);
        expect(isLowerSha256Hex(value), `${c} at ${i}`).toBe(false);
      }
    }
  });
  it('agrees with the regexes of the rule on 64-char strings near a digest', () => {
    const near = fc.constantFrom(...'0123456789abcdefABCDEFgG/:@`\u00e1\u00c1\u0100\u0161 ');
    const value = fc.array(fc.oneof(fc.constantFrom(...'0123456789abcdef'), near), { minLength: 64, maxLength: 64 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(value, (v) => {
        expect(isSha256Hex(v)).toBe(/^[0-9a-fA-F]{64}$/.test(v));
        expect(isLowerSha256Hex(v)).toBe(/^[0-9a-f]{64}$/.test(v));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isCountryCode', () => {
  it('holds the 249 assigned ISO 3166-1 alpha-2 codes, without duplicates', () => {
    const codes = countryCodes();
    expect(codes).toHaveLength(249);
    expect(new Set(codes).size).toBe(249);
    expect([...codes].sort()).toEqual(codes);
  });
  it.each(['US', 'FR', 'DE', 'JP', 'AX', 'SS', 'BQ', 'CW', 'SX', 'ZW'])('accepts %s', (code) => {
    expect(isCountryCode(code)).toBe(true);
  });
  it.each(['us', 'USA', 'United States', 'UK', 'EU', 'XK', 'ZZ', 'AN', '', ' US', 1])('rejects %j', (code) => {
    expect(isCountryCode(code)).toBe(false);
  });
  it('agrees with the runtime ICU region names when available', () => {
    const Names = (Intl as unknown as { DisplayNames?: new (l: string[], o: object) => { of(c: string): string | undefined } })
      .DisplayNames;
    if (Names === undefined) return;
    const names = new Names(['en'], { type: 'region', fallback: 'code' });
    for (const code of countryCodes()) expect(names.of(code), code).not.toBe(code);
  });
});

describe('isValidIp', () => {
  it.each([
    '203.0.113.1',
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::1',
    '2001:db8::1',
    '2001:DB8:0:0:8:800:200C:417A',
    'fe80::',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '::ffff:192.0.2.128',
    '64:ff9b::198.51.100.7',
    '1:2:3:4:5:6:1.2.3.4',
  ])('accepts %s', (ip) => {
    expect(isValidIp(ip)).toBe(true);
  });
  it.each([
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.4 ',
    '1.2.3.-4',
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::1',
    'g::1',
    '1:2:3:4:5:6:7:8::',
    '::1.2.3.4:1',
    '1.2.3.4::',
    '::ffff:1.2.3.256',
    'fe80::1%eth0',
    '[::1]',
    'localhost',
    null,
  ])('rejects %j', (ip) => {
    expect(isValidIp(ip)).toBe(false);
  });
});

describe('isPostalCode', () => {
  it.each(['94107', 'SW1A 1AA', '10115', '100-0001', 'K1A 0B1', 'a'.repeat(32)])('accepts %s', (code) => {
    expect(isPostalCode(code)).toBe(true);
  });
  it.each(['', ' 94107', '94107 ', '941/07', '94107!', 'ü123', 'a'.repeat(33), '-123', 42])('rejects %j', (code) => {
    expect(isPostalCode(code)).toBe(false);
  });
});

describe('isGeoText', () => {
  it.each(['San Francisco', 'São Paulo', 'x', 'é'.repeat(128)])('accepts %s', (text) => {
    expect(isGeoText(text)).toBe(true);
  });
  it.each(['', ' ', ' Paris', 'Paris ', 'x'.repeat(129), 7])('rejects %j', (text) => {
    expect(isGeoText(text)).toBe(false);
  });
});

describe('isAndroidAdvertisingId', () => {
  it.each(['38400000-8cf0-11bd-b23e-10b96e40000d', '38400000-8CF0-11BD-B23E-10B96E40000D', '00000000-0000-0000-0000-000000000000'])(
    'accepts %s',
    (id) => {
      expect(isAndroidAdvertisingId(id)).toBe(true);
    },
  );
  it.each(['38400000-8cf0-11bd-b23e-10b96e40000', '384000008cf011bdb23e10b96e40000d', '{38400000-8cf0-11bd-b23e-10b96e40000d}', ''])(
    'rejects %j',
    (id) => {
      expect(isAndroidAdvertisingId(id)).toBe(false);
    },
  );
  it('recognizes the all-zero id', () => {
    expect(isZeroAdvertisingId('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isZeroAdvertisingId('38400000-8cf0-11bd-b23e-10b96e40000d')).toBe(false);
  });
});

describe('isNonBlank', () => {
  it('accepts text and rejects blank or non-strings', () => {
    expect(isNonBlank('a')).toBe(true);
    expect(isNonBlank(' a ')).toBe(true);
    expect(isNonBlank('')).toBe(false);
    expect(isNonBlank(' \t\n')).toBe(false);
    expect(isNonBlank(undefined)).toBe(false);
  });
});
