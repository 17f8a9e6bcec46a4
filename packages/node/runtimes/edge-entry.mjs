/** Bundle entry for Vercel's edge-runtime (service-worker style): the app with `event.waitUntil`. */
import * as sdk from '@x/openai-capi-node';
import { createApp } from './app.mjs';

// Vercel puts the visitor's address in X-Forwarded-For: trust one hop.
const handle = createApp(sdk, { trustProxy: 1 });

addEventListener('fetch', (event) => {
  event.respondWith(handle(event.request, { waitUntil: (promise) => event.waitUntil(promise) }));
});
