import { CapiValidationError } from './errors.js';

/**
 * The ISO 4217 edition the exponent table below is pinned to: List One as published by the
 * maintenance agency (SIX) on 2025-05-12 (includes XCG and ZWG; ANG, HRK, SLL and ZWL are withdrawn).
 */
export const ISO_4217_EDITION = 'ISO 4217 List One, published 2025-05-12';

/*
 * Every active code of that list with a defined minor unit, grouped by exponent (the number of
 * decimals of the minor unit). Excluded on purpose, because they have no minor unit ("N.A.") and
 * are not a price a shop charges in: precious metals (XAU XAG XPD XPT), bond-market units
 * (XBA XBB XBC XBD), XDR, XSU, XUA, the test code XTS, XXX ("no currency"), and XAD (the Arab
 * Monetary Fund's accounting dinar). Kept as one string per exponent: it ships in browser bundles.
 */
const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
  'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL ' +
  'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK ' +
  'PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
  'TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';

let table: ReadonlyMap<string, number> | undefined;

function exponents(): ReadonlyMap<string, number> {
  if (table === undefined) {
    const map = new Map<string, number>();
    const groups: ReadonlyArray<readonly [string, number]> = [
      [EXPONENT_0, 0],
      [EXPONENT_2, 2],
      [EXPONENT_3, 3],
      [EXPONENT_4, 4],
    ];
    for (const [codes, exponent] of groups) for (const code of codes.split(' ')) map.set(code, exponent);
    table = map;
  }
  return table;
}

/** Every currency code of the pinned table, sorted. */
export function knownCurrencies(): readonly string[] {
  return [...exponents().keys()].sort();
}

/**
 * True when `code` is an uppercase ISO 4217 code of the pinned table ({@link ISO_4217_EDITION}).
 * Lowercase codes are not accepted here: callers that accept them uppercase first.
 */
export function isKnownCurrency(code: unknown): code is string {
  return typeof code === 'string' && code.length === 3 && exponents().has(code);
}

/**
 * The number of decimals of `code`'s minor unit (`USD` → 2, `JPY` → 0, `KWD` → 3, `CLF` → 4).
 *
 * @param code - uppercase ISO 4217 code
 * @param path - the field named in the error (default `currency`)
 * @throws CapiValidationError (`unknown_currency`) when the code is not in the pinned table
 */
export function currencyExponent(code: string, path = 'currency'): number {
  const exponent = typeof code === 'string' ? exponents().get(code) : undefined;
  if (exponent === undefined) {
    throw new CapiValidationError([
      {
        path,
        code: 'unknown_currency',
        message: `must be an uppercase ISO 4217 currency code with a minor unit (${ISO_4217_EDITION})`,
      },
    ]);
  }
  return exponent;
}
