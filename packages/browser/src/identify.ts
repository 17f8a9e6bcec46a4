/**
 * `identify`: user data for OpenAI's pixel. A function of its own rather than a tracker method, so
 * that its normalization and hashing code stays out of bundles that only call `createTracker`.
 */
import { toPixelUser } from '@x/openai-capi-core';
import type { UserInput } from '@x/openai-capi-core';
import { pixelUserLinkOf } from './pixel-user-link.js';
import { createReporter, invalid } from './tracker.js';
import type { Tracker } from './tracker.js';

/**
 * Adds user data for the pixel of `tracker`: merged with earlier calls (a field given again
 * replaces the previous value), normalized and hashed in the browser (`toPixelUser`), and sent as a
 * complete `init` to every pixel while consent is granted and user-data consent is not denied
 * (`setUserDataConsent`, Consent Mode's `ad_user_data`). Never sent to the relay: the server adds
 * the identities of its logged-in user there. Without a pixel (`pixelId`) it has no effect.
 *
 * Never throws: invalid user data (or a `user` that is not an object) goes to the tracker's
 * `onError` without the values, and the user given before is kept. A `tracker` that is not one
 * from `createTracker` is reported to the console.
 *
 * @example
 * ```ts
 * import { createTracker, identify } from '@x/openai-capi-browser';
 * const tracker = createTracker({ endpoint: '/api/openai-capi', pixelId: 'px_123' });
 * identify(tracker, { email: 'ada@example.com', externalId: 'cust_42' });
 * ```
 */
export function identify(tracker: Tracker, user: UserInput): void {
  const link = pixelUserLinkOf(tracker);
  try {
    if (!link) invalid('tracker', 'invalid_type', 'must be a tracker from createTracker: identify(tracker, user)');
    if (typeof user !== 'object' || user === null) invalid('user', 'invalid_type', 'must be an object');
    const merged = { ...link.user, ...user };
    const pixelUser = toPixelUser(merged);
    link.user = merged;
    link.setUser(pixelUser);
  } catch (error) {
    (link?.report ?? createReporter({}))(error);
  }
}
