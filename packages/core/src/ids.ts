/**
 * Event ids: random ones for events without a natural key, derived ones so the browser and the
 * server compute the same id for the same conversion (spec §7).
 */
import { addIssue, CapiError, CapiValidationError } from './errors.js';
import { nobleSha256Hex } from './hash.js';
import { EVENT_NAME, EVENT_NAME_RULE } from './schema.js';
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

/** Prefix of every derived id; the `1` is the algorithm version. */
export const DERIVED_EVENT_ID_PREFIX = 'oac1_';

/**
 * The deterministic event id of a conversion, identical in every runtime, so a browser event and
 * its server twin deduplicate (spec §7). The key is hashed, so the id does not reveal it, and the
 * same key gives different ids under different event names.
 *
 * Algorithm (version 1), reproducible in any language:
 * `"oac1_" + lowercase_hex(SHA-256(UTF-8("openai-capi:v1\n" + eventName + "\n" + key)))[0..32]`,
 * i.e. the prefix plus the first 32 hex chars (128 bits) of the digest; 37 chars in all. The key is
 * used exactly as given (not trimmed or normalized).
 *
 * Test vector: `deriveEventId('order_created', 'order_12345')` →
 * `'oac1_a54e4d7264f50a9cfad3ab5b936e1333'`.
 *
 * @param eventName - the event type, or for custom events the custom event name (`custom` itself
 *   is reserved): 1–64 chars of `[a-z0-9_-]`, starting and ending with a letter or digit
 * @param key - the natural key (order id, lead id…): a non-blank string
 * @throws CapiValidationError `invalid_format` | `reserved_name` (for `custom`) | `invalid_type` | `empty`
 */
export function deriveEventId(eventName: string, key: string): string {
  const issues: Issue[] = [];
  if (typeof eventName !== 'string' || !EVENT_NAME.test(eventName)) {
    addIssue(issues, 'eventName', 'invalid_format', EVENT_NAME_RULE);
  } else if (eventName === 'custom') {
    addIssue(issues, 'eventName', 'reserved_name', 'must be the custom event name, not custom');
  }
  if (typeof key !== 'string') addIssue(issues, 'key', 'invalid_type', 'must be a string');
  else if (!key.trim()) addIssue(issues, 'key', 'empty', 'must not be blank');
  else if (!isWellFormedText(key)) addIssue(issues, 'key', 'invalid_format', 'must be well-formed Unicode (a lone surrogate has no UTF-8 form)');
  if (issues.length) throw new CapiValidationError(issues);
  return DERIVED_EVENT_ID_PREFIX + nobleSha256Hex(`openai-capi:v1\n${eventName}\n${key}`).slice(0, 32);
}
