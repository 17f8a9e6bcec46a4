// The shared client the docs import as './capi' (docs/server.md defines it the same way).
import { createClient } from '@x/openai-capi-node';

export const capi = createClient({
  pixelId: process.env.OPENAI_CAPI_PIXEL_ID ?? '',
  apiKey: process.env.OPENAI_CAPI_API_KEY ?? '',
});
