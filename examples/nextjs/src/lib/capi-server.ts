import { createClient, createRelayHandler, type CapiClient } from '@x/openai-capi-node';

/** The server side of the example: one client and one relay per process. */
export interface CapiServer {
  client: CapiClient;
  relay: (request: Request) => Promise<Response>;
}

/**
 * Builds the client and the relay from environment variables: `OPENAI_CAPI_PIXEL_ID`,
 * `OPENAI_CAPI_API_KEY` (server-only: never `NEXT_PUBLIC_`), optional `OPENAI_CAPI_ENDPOINT`
 * (the emulator in development) and `OPENAI_CAPI_VALIDATE_ONLY=true`.
 */
export function createCapiServer(env: Readonly<Record<string, string | undefined>>): CapiServer {
  const pixelId = env['OPENAI_CAPI_PIXEL_ID'];
  const apiKey = env['OPENAI_CAPI_API_KEY'];
  if (!pixelId || !apiKey) throw new Error('OPENAI_CAPI_PIXEL_ID and OPENAI_CAPI_API_KEY must be set on the server');
  const client = createClient({
    pixelId,
    apiKey,
    ...(env['OPENAI_CAPI_ENDPOINT'] ? { endpoint: env['OPENAI_CAPI_ENDPOINT'] } : {}),
    ...(env['OPENAI_CAPI_VALIDATE_ONLY'] === 'true' ? { validateOnly: true } : {}),
  });
  // A route handler gets a Fetch Request, which has no socket address: the client IP comes from the
  // X-Forwarded-For that the platform's proxy (Vercel, Netlify, a load balancer) sets. With no proxy
  // in front of `next start`, set OPENAI_CAPI_TRUST_PROXY=0: the header would then be the visitor's.
  const trustProxy = Number(env['OPENAI_CAPI_TRUST_PROXY'] ?? 1);
  return { client, relay: createRelayHandler(client, { trustProxy: Number.isInteger(trustProxy) && trustProxy > 0 ? trustProxy : false }) };
}

let server: CapiServer | undefined;

/** The process-wide instance, created on first use (so a build never needs the secrets). */
export function getCapiServer(): CapiServer {
  return (server ??= createCapiServer(process.env));
}
