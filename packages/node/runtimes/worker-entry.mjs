/** Bundle entry for Cloudflare workerd (module worker): the app with `ctx.waitUntil`. */
import * as sdk from '@x/openai-capi-node';
import { createApp } from './app.mjs';

// Cloudflare puts the visitor's address in CF-Connecting-IP and X-Forwarded-For: trust one hop.
const handle = createApp(sdk, { trustProxy: 1 });

export default {
  fetch(request, env, ctx) {
    return handle(request, { waitUntil: (promise) => ctx.waitUntil(promise) });
  },
};
