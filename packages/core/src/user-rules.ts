/**
 * Predicates for the raw and pre-hashed fields of `user` (spec §4). Each rule lives here once:
 * `user.ts` (friendly input) and `validate.ts` (wire events) both call these.
 * Every predicate accepts `unknown` and narrows to `string`.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const POSTAL_CODE = /^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,30}[A-Za-z0-9])?$/;

/** Max length (in Unicode code points) of a city or region (§4). */
export const MAX_GEO_TEXT_LENGTH = 128;
/** Max length of a postal code (§4). */
export const MAX_POSTAL_CODE_LENGTH = 32;

/**
 * ISO 3166-1 alpha-2 codes officially assigned (249, as of the ISO 3166 Maintenance Agency list of
 * 2024; no user-assigned codes such as `XK`, no exceptionally reserved ones such as `UK` or `EU`).
 * Kept as one string (2 chars each) so it stays small in the browser bundle.
 */
const COUNTRY_CODES =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZ' +
  'BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ' +
  'CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ' +
  'DEDJDKDMDODZ' +
  'ECEEEGEHERESET' +
  'FIFJFKFMFOFR' +
  'GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY' +
  'HKHMHNHRHTHU' +
  'IDIEILIMINIOIQIRISIT' +
  'JEJMJOJP' +
  'KEKGKHKIKMKNKPKRKWKYKZ' +
  'LALBLCLILKLRLSLTLULVLY' +
  'MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ' +
  'NANCNENFNGNINLNONPNRNUNZ' +
  'OM' +
  'PAPEPFPGPHPKPLPMPNPRPSPTPWPY' +
  'QA' +
  'RERORSRURW' +
  'SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ' +
  'TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ' +
  'UAUGUMUSUYUZ' +
  'VAVCVEVGVIVNVU' +
  'WFWS' +
  'YEYT' +
  'ZAZMZW';

let countrySet: ReadonlySet<string> | undefined;

function countries(): ReadonlySet<string> {
  if (countrySet === undefined) {
    const set = new Set<string>();
    for (let i = 0; i < COUNTRY_CODES.length; i += 2) set.add(COUNTRY_CODES.slice(i, i + 2));
    countrySet = set;
  }
  return countrySet;
}

/** Every assigned ISO 3166-1 alpha-2 code, in alphabetical order. */
export function countryCodes(): readonly string[] {
  return [...countries()];
}

// The length test first: it settles most values (every raw e-mail, phone or name checked for
// looking hashed) without walking the chars.

/** A SHA-256 digest as 64 hex chars, either case (`^[0-9a-fA-F]{64}$`). */
export function isSha256Hex(value: unknown): value is string {
  return isHex64(value, 2);
}

/** A SHA-256 digest as 64 lowercase hex chars: the form sent on the wire. */
export function isLowerSha256Hex(value: unknown): value is string {
  return isHex64(value, 1);
}

// Per char code below 128, two flags: 1 on 0-9 and a-f, 2 on 0-9, a-f and A-F (so 0-9 and a-f
// hold 3, A-F hold 2, anything else 0). Built on first use.
let hexBits: Uint8Array | undefined;

/**
 * 64 chars, each with the flag `bit` in `hexBits`. A table walk, not a regex: every hashed value of every
 * event is checked here, and on this form (digests as hashers build them) it takes about half the
 * time of `^[0-9a-f]+$`.
 */
function isHex64(value: unknown, bit: number): value is string {
  if (typeof value !== 'string' || value.length !== 64) return false;
  if (!hexBits) {
    hexBits = new Uint8Array(128);
    for (const c of '0123456789abcdefABCDEF') hexBits[c.charCodeAt(0)] = c < 'A' || c > 'F' ? 3 : 2;
  }
  let all = bit;
  for (let i = 0; i < 64; i++) {
    const code = value.charCodeAt(i);
    all &= code < 128 ? hexBits[code]! : 0;
  }
  return all !== 0;
}

/** An assigned ISO 3166-1 alpha-2 code in uppercase (`US`); names and lowercase codes are not. */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && value.length === 2 && countries().has(value);
}

/** A string with at least one non-whitespace character. */
export function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** City or region: non-empty, no surrounding whitespace, at most 128 code points. */
export function isGeoText(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.trim() !== value) return false;
  return codePointLength(value) <= MAX_GEO_TEXT_LENGTH;
}

/** The postal-code rule as issues state it (raw fields and wire lists alike). */
export const POSTAL_CODE_RULE = 'must be 1-32 ASCII letters, digits, spaces or hyphens';

/**
 * Postal code: 1–32 ASCII letters, digits, spaces and hyphens, starting and ending with a letter or
 * digit (so it is already trimmed).
 */
export function isPostalCode(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_POSTAL_CODE_LENGTH && POSTAL_CODE.test(value);
}

/** Google Advertising ID: UUID format `8-4-4-4-12` hex digits, either case. */
export function isAndroidAdvertisingId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** True for a GAID made only of zeros (limit-ad-tracking): the API ignores it. */
export function isZeroAdvertisingId(value: string): boolean {
  return /^[0-]+$/.test(value);
}

/**
 * A textual IPv4 address (dotted quad, each part 0–255 in decimal without leading zeros) or IPv6
 * address (RFC 4291 text forms: `::` compression, embedded IPv4 suffix). No brackets, ports, zone
 * ids (`%eth0`) or prefix lengths.
 */
export function isValidIp(value: unknown): value is string {
  return typeof value === 'string' && (isIpv4(value) || isIpv6(value));
}

// Each part 0-255 in decimal without a leading zero: 250-255, 200-249, 100-199, 0-99. One regex, not
// a split and a regex per part: an IP is checked in every event that carries one.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted-quad IPv4 without leading zeros (which some parsers read as octal). */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** IPv6 text form (RFC 4291 §2.2), with optional `::` and trailing dotted IPv4. */
export function isIpv6(value: string): boolean {
  if (value.length > 45 || !value.includes(':')) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const compressed = halves.length === 2;
  const groups: string[] = [];
  for (const half of halves) if (half !== '') groups.push(...half.split(':'));
  let slots = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    if (i === groups.length - 1 && group.includes('.')) {
      // The embedded IPv4 must come last and be the final part of the address.
      if (!value.endsWith(group) || !isIpv4(group)) return false;
      slots += 2;
    } else if (IPV6_GROUP.test(group)) {
      slots += 1;
    } else {
      return false;
    }
  }
  return compressed ? slots <= 7 : slots === 8;
}

function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
