import { getCapiServer } from '../../../lib/capi-server';

/** The relay needs Node's crypto-backed hashing only through Fetch APIs: both runtimes work. */
export const runtime = 'nodejs';

/**
 * `POST /api/openai-capi`: the browser tracker's relay. `createRelayHandler` is a Fetch handler,
 * so the App Router hands it the request as is. The flush before answering matters on serverless
 * hosts, where nothing runs once the response is sent.
 */
export async function POST(request: Request): Promise<Response> {
  const { relay, client } = getCapiServer();
  const response = await relay(request);
  await client.flush();
  return response;
}
