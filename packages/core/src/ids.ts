/**
 * Event ids (spec §3, §7): the caller's own id (order id, lead id…) sent verbatim, as every other
 * integration sends it, so events from the pixel, shop plugins and this SDK deduplicate; without one,
 * a random UUID. The one rule for an id lives here.
 */
import { addIssue, CapiError } from './errors.js';
import { MAX_EVENT_ID_LENGTH } from './schema.js';
import { isWellFormedText } from './validate-common.js';
import type { Issue } from './types.js';

/** The subset of Web Crypto this module needs, read from `globalThis` (no DOM/Node types in core). */
interface MinimalCrypto {
  randomUUID?: () => string;
  getRandomValues?: <T extends Uint8Array>(array: T) => T;
}

/**
 * A random RFC 4122 version 4 UUID from the platform's cryptographic generator
 * (`crypto.randomUUID`, else `crypto.getRandomValues`). Never `Math.random`, never a timestamp.
 * Use it for conversions without an id of their own (a page view); for an order or a lead, pass
 * its own id so every integration sends the same one.
 *
 * @throws CapiError when the runtime has no Web Crypto (`globalThis.crypto`)
 */
export function createEventId(): string {
  const crypto = (globalThis as { crypto?: MinimalCrypto }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  if (!crypto?.getRandomValues) {
    throw new CapiError('No Web Crypto (globalThis.crypto) for a random event id: pass an id');
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10xx
  const hex = Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
  return hex.replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

// Something@something.tld, around optional whitespace: the shape of an address, not RFC 5322.
const EMAIL_LIKE = /^\s*[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+\s*$/;

/**
 * The rule of an event id (spec §3), for `buildEvent`, `validateEvent` and every package: a string,
 * not blank, at most {@link MAX_EVENT_ID_LENGTH} (256) chars, well-formed Unicode, and not shaped
 * like an e-mail address (an id travels in clear through the pixel). Numeric order ids such as
 * `1000123456` pass: no phone-number guessing. Appends at most one issue at `path`; never throws.
 */
export function checkEventId(id: unknown, path: string, issues: Issue[]): void {
  if (typeof id !== 'string') addIssue(issues, path, 'invalid_type', 'must be a string (your order or lead id, sent as given)');
  else if (!startsPrintable(id) && id.trim() === '') addIssue(issues, path, 'empty', 'must not be blank');
  else if (id.length > MAX_EVENT_ID_LENGTH) addIssue(issues, path, 'too_long', `must be at most ${MAX_EVENT_ID_LENGTH} characters`);
  else if (!isWellFormedText(id)) addIssue(issues, path, 'invalid_format', 'must be well-formed Unicode (a lone surrogate has no UTF-8 form)');
  else if (id.includes('@') && EMAIL_LIKE.test(id)) {
    addIssue(issues, path, 'invalid_format', 'must not be an e-mail address: the id travels in clear through the pixel, pass an order or lead id instead');
  }
}

/**
 * True when `text` starts with a printable ASCII char other than space (`!` to `~`): then it is not
 * blank, and the copy `trim()` may make is not needed. Order and lead ids nearly all start so.
 */
function startsPrintable(text: string): boolean {
  const first = text.charCodeAt(0);
  return first > 32 && first < 127;
}
