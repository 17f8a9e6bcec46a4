/**
 * What strict projects write and the issue reported failing under `exactOptionalPropertyTypes`:
 * values that may be undefined passed straight into optional input fields and options.
 */
import { buildEvent, type EventInput, type UserInput } from '@x/openai-capi-core';
import { createClient, createRelayHandler, readAttribution } from '@x/openai-capi-node';
import { createTracker, identify } from '@x/openai-capi-browser';

declare const order: { id: string; email?: string; phone?: string | undefined; total: string; coupon?: string };
declare const request: Request;
declare const env: Record<string, string | undefined>;

const attribution = readAttribution(request, { trustProxy: env['TRUST_PROXY'] ? 1 : undefined });

const capi = createClient({
  pixelId: env['OPENAI_CAPI_PIXEL_ID'] ?? '',
  apiKey: env['OPENAI_CAPI_API_KEY'] ?? '',
  endpoint: env['OPENAI_CAPI_ENDPOINT'],
  validateOnly: env['OPENAI_CAPI_VALIDATE_ONLY'] === 'true' ? true : undefined,
});

const user: UserInput = {
  email: order.email,
  phone: order.phone,
  ipAddress: attribution.ipAddress,
  userAgent: attribution.userAgent,
  obref: attribution.obref,
};
const input: EventInput = {
  type: 'order_created',
  id: order.id,
  oppref: attribution.oppref,
  sourceUrl: request.headers.get('referer') ?? undefined,
  user,
  data: { value: order.total, currency: 'USD', planId: order.coupon },
};
buildEvent(input);
capi.track({ ...input, timestamp: undefined, customEventName: undefined });
await capi.flush({ timeoutMs: env['FLUSH_MS'] ? Number(env['FLUSH_MS']) : undefined });
createRelayHandler(capi, { allowedOrigins: env['ORIGIN'] ? [env['ORIGIN']] : undefined, onError: undefined });

const tracker = createTracker({ endpoint: '/api/openai-capi', pixelId: env['PIXEL_ID'], debug: undefined });
tracker.track('order_created', { value: order.total, currency: 'USD' }, { eventId: order.id, optOut: undefined });
identify(tracker, { email: order.email, externalId: undefined });

// Still refused: a wrong type stays wrong, undefined is not a licence for anything.
// @ts-expect-error — `email` is a string or a list of strings
buildEvent({ type: 'order_created', id: 'o', user: { email: 42 } });
// @ts-expect-error — `type` is required
buildEvent({ id: 'o' });

export {};
