/**
 * `identify`: user data for OpenAI's pixel. A function of its own rather than a tracker method, so
 * that its normalization and hashing code stays out of bundles that only call `createTracker`.
 */
import { CapiError, pixelUserTexts, toPixelUserWith } from '@x/openai-capi-core';
import type { PixelUser, UserInput } from '@x/openai-capi-core';
import { pixelUserLinkOf } from './pixel-user-link.js';
import { createReporter, invalid } from './report.js';
import type { Tracker } from './tracker.js';

declare const process: { env: { NODE_ENV?: string } };

/** The subset of WebCrypto used here. */
type Subtle = { digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer> };

// Each identify call is numbered per tracker link: a slower digest of an older call never wins.
const latest = new WeakMap<object, number>();

/**
 * Adds user data for the pixel of `tracker`: merged with earlier calls (a field given again
 * replaces the previous value), normalized with core's normalizers, hashed with the platform's WebCrypto
 * (`crypto.subtle.digest('SHA-256')`, asynchronous; no SHA-256 code of this package's own), and sent
 * as a complete `init` to every pixel while consent is granted and user-data consent is not denied
 * (`setUserDataConsent`, Consent Mode's `ad_user_data`). Never sent to the relay: the server adds
 * the identities of its logged-in user there. Without a pixel (`pixelId`) it has no effect.
 *
 * Never throws, and the promise never rejects: invalid user data (or a `user` that is not an
 * object) goes to the tracker's `onError` without the values, and the user given before is kept.
 * Development builds check every field with core's `toPixelUser` rules; production builds only
 * what the normalizers refuse (an e-mail without `@`, a phone number without digits…).
 * A page without WebCrypto (not a secure context: `http:` other than localhost) is reported
 * (`CapiError`: it cannot hash) and no user data is sent. A `tracker` that is not one from
 * `createTracker` is reported to the console.
 *
 * @returns a promise that resolves once the hashed user is handed to the tracker
 * @example
 * ```ts
 * import { createTracker, identify } from '@x/openai-capi-browser';
 * const tracker = createTracker({ endpoint: '/api/openai-capi', pixelId: 'px_123' });
 * void identify(tracker, { email: 'ada@example.com', externalId: 'cust_42' });
 * ```
 */
export async function identify(tracker: Tracker, user: UserInput): Promise<void> {
  const link = pixelUserLinkOf(tracker);
  try {
    if (!link) invalid('tracker', 'invalid_type', 'must be a tracker from createTracker: identify(tracker, user)');
    if (typeof user !== 'object' || user === null) invalid('user', 'invalid_type', 'must be an object');
    const merged = { ...link.user, ...user };
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production') checkUser(merged);
    const texts = pixelUserTexts(merged);
    link.user = merged;
    const call = (latest.get(link) ?? 0) + 1;
    latest.set(link, call);
    const subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
    const pixelUser: Record<string, string> = {};
    for (const [key, { text, hash }] of Object.entries(texts)) {
      if (hash && !subtle) {
        throw new CapiError('identify cannot hash without WebCrypto (crypto.subtle needs a secure context: https or localhost): no user data sent');
      }
      pixelUser[key] = hash ? hex(await subtle!.digest('SHA-256', new TextEncoder().encode(text))) : text;
    }
    if (latest.get(link) === call) link.setUser(pixelUser as PixelUser);
  } catch (error) {
    (link?.report ?? createReporter({}))(error);
  }
}

/**
 * Development builds: every rule of core's `toPixelUser` (types, formats, at most 3 values, no
 * hashed value in a raw field…). The hasher only stands in for SHA-256 (one distinct 64-hex value
 * per distinct text, so core's deduplication is unchanged): the real hashing is WebCrypto's.
 *
 * @throws CapiValidationError listing every issue
 */
function checkUser(user: UserInput): void {
  const seen = new Map<string, string>();
  toPixelUserWith(user, (text) => {
    let digest = seen.get(text);
    if (digest === undefined) seen.set(text, (digest = seen.size.toString(16).padStart(64, '0')));
    return digest;
  });
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
