import { fail } from './errors.js';

/**
 * The ISO 4217 edition the exponent table below is pinned to: List One as published by the
 * maintenance agency (SIX) on 2025-05-12 (includes XCG and ZWG; ANG, HRK, SLL and ZWL are withdrawn).
 */
export const ISO_4217_EDITION = 'ISO 4217 List One, published 2025-05-12';

/*
 * Every active code of that list with a defined minor unit, and its exponent (the number of decimals
 * of the minor unit). Compact because it ships in browser bundles: one group per first letter, then
 * the last two letters of each code, followed by its exponent when that is not 2
 * ("B AM ... HD3 IF0" is BAM: 2, BHD: 3, BIF: 0).
 * Excluded on purpose, because they have no minor unit ("N.A.") and are not a price a shop charges
 * in: precious metals (XAU XAG XPD XPT), bond-market units (XBA XBB XBC XBD), XDR, XSU, XUA, the
 * test code XTS, XXX ("no currency"), and XAD (the Arab Monetary Fund's accounting dinar).
 */
const TABLE =
  'AEDFNLLMDOARSUDWGZN BAMBDDTGNHD3IF0MDNDOBOVRLSDTNWPYNZD CADDFHEHFHWLF4LP0NYOPOURCUPVEZK DJF0KKOPZD EGPRNTBUR ' +
  'FJDKP GBPELHSIPMDNF0TQYD HKDNLTGUF IDRLSNRQD3RRSK0 JMDOD3PY0 KESGSHRMF0PWRW0WD3YDZT LAKBPKRRDSLYD3 ' +
  'MADDLGAKDMKNTOPRUURVRWKXNXVYRZN NADGNIOOKPRZD OMR3 PABENGKHPKRLNYG0 QAR RONSDUBWF0 ' +
  'SARBDCRDGEKGDHPLEOSRDSPTNVCYPZL THBJSMTND3OPRYTDWDZS UAHGX0SDSNYI0YUYW4ZS VEDESND0UV0 WST XAF0CDCGOF0PF0 YER ZARMWWG';

let table: Map<string, number> | undefined;

function exponents(): Map<string, number> {
  if (!table) {
    table = new Map();
    for (const group of TABLE.split(' ')) {
      for (const [, code, digit] of group.slice(1).matchAll(/([A-Z]{2})(\d?)/g)) table.set(group[0]! + code, digit ? +digit : 2);
    }
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
  return knownExponent(code) !== undefined;
}

/**
 * The exponent of `code` when it is a known currency ({@link isKnownCurrency}), else `undefined`:
 * one lookup where a test and then {@link currencyExponent} would be two.
 */
export function knownExponent(code: unknown): number | undefined {
  // Most events of a server carry one currency, which the builder and then the validator look up:
  // the last code's answer is kept.
  if (code !== lastCode) {
    lastExponent = exponents().get(code as string);
    lastCode = typeof code === 'string' ? code : undefined; // keeps no object alive
  }
  return lastExponent;
}

let lastCode: unknown;
let lastExponent: number | undefined;

/**
 * The number of decimals of `code`'s minor unit (`USD` → 2, `JPY` → 0, `KWD` → 3, `CLF` → 4).
 *
 * @param code - uppercase ISO 4217 code
 * @param path - the field named in the error (default `currency`)
 * @throws CapiValidationError (`unknown_currency`) when the code is not in the pinned table
 */
export function currencyExponent(code: string, path = 'currency'): number {
  return exponents().get(code) ?? fail(path, 'unknown_currency', 'must be an uppercase ISO 4217 code');
}
