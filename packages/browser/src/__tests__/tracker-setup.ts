/** A tracker on a fresh happy-dom page, its errors collected. Not shipped. */
import type { CapiError } from '@x/openai-capi-core';
import { createTracker, type TrackerOptions } from '../tracker.js';
import { NOW, openPage, type PageOptions } from './page.js';

/** The landing page of most tests: a click id, another query parameter and a fragment. */
export const LANDING = 'https://www.shop.example.com/landing?oppref=click_123&utm_source=chatgpt#top';

/** `createTracker` with a relay endpoint, the page's window, a frozen clock and `onError` collecting into `errors`; `options` override. */
export function setupTracker(options: Partial<TrackerOptions> = {}, url = LANDING, pageOptions: PageOptions = {}) {
  const page = openPage(url, pageOptions);
  const errors: CapiError[] = [];
  const tracker = createTracker({
    endpoint: '/api/openai-capi',
    window: page.win,
    now: () => NOW,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { page, errors, tracker };
}
