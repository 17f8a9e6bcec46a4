import { createTracker, type Tracker } from '@x/openai-capi-browser';

let tracker: Tracker | undefined;

/**
 * The page's one tracker, created on first use in the browser (during server rendering
 * `createTracker` returns an inert tracker, so calling this there is harmless).
 */
export function getTracker(): Tracker {
  // The same pixel id as the server's OPENAI_CAPI_PIXEL_ID, under Next.js's public prefix. Dot
  // access: Next.js inlines `process.env.NEXT_PUBLIC_…` into the browser bundle at build time.
  const pixelId = process.env.NEXT_PUBLIC_OPENAI_CAPI_PIXEL_ID;
  return (tracker ??= createTracker({ endpoint: '/api/openai-capi', ...(pixelId ? { pixelId } : {}) }));
}

/** A random order id; `crypto.getRandomValues` works on plain-http pages too. */
export function newOrderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `ORD-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}
