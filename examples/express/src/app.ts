import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { CapiValidationError } from '@x/openai-capi-core';
import { createRelayHandler, toNodeHandler, type CapiClient } from '@x/openai-capi-node';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The Conversions API client (its `endpoint` may be the emulator). */
  client: CapiClient;
  /** Shared secret the order system sends in `x-webhook-secret`. */
  webhookSecret: string;
}

/** The order system's webhook payload (what a shop backend typically posts on "order paid"). */
export interface OrderWebhook {
  id: string;
  total: string | number;
  currency: string;
  email?: string;
  customer_id?: string;
  /** The click id the shop stored with the order (from the `__oppref` cookie at checkout). */
  oppref?: string;
  /** The checkout page: the conversion happened on the web. */
  checkout_url: string;
  created_at?: string;
  client_ip?: string;
  user_agent?: string;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * An Express 5 app with the two server-side paths of a conversion:
 * - `POST /api/openai-capi`: the relay for the browser tracker (`toNodeHandler` over the Fetch
 *   handler; mounted before any body parser, because the relay reads the raw body itself);
 * - `POST /webhooks/orders`: the order system's webhook, sending the server twin with the order id as its event id.
 */
export function createApp({ client, webhookSecret }: AppOptions): Express {
  const app = express();

  app.post('/api/openai-capi', toNodeHandler(createRelayHandler(client)));

  app.post('/webhooks/orders', express.json({ limit: '32kb' }), (req: Request, res: Response) => {
    if (!sameSecret(req.get('x-webhook-secret'), webhookSecret)) {
      res.status(401).json({ error: 'bad or missing x-webhook-secret' });
      return;
    }
    const order = req.body as Partial<OrderWebhook> | undefined;
    if (typeof order?.id !== 'string' || order.id === '') {
      res.status(422).json({ error: 'id: the order id is required (it is the event id)' });
      return;
    }
    try {
      const eventId = client.track({
        type: 'order_created',
        id: order.id, // the order id itself: the browser and any pixel tag send the same one
        ...(order.created_at ? { timestamp: new Date(order.created_at) } : {}),
        ...(order.checkout_url !== undefined ? { sourceUrl: order.checkout_url } : {}),
        ...(order.oppref ? { oppref: order.oppref } : {}),
        user: {
          ...(order.email ? { email: order.email } : {}),
          ...(order.customer_id ? { externalId: order.customer_id } : {}),
          ...(order.client_ip ? { ipAddress: order.client_ip } : {}),
          ...(order.user_agent ? { userAgent: order.user_agent } : {}),
        },
        data: { value: order.total ?? 0, ...(order.currency ? { currency: order.currency } : {}) },
      });
      res.status(202).json({ eventId });
    } catch (error) {
      if (!CapiValidationError.isInstance(error)) throw error;
      // The issues name fields and rules, never the customer's values.
      res.status(422).json({ error: 'invalid order for the Conversions API', issues: error.issues });
    }
  });

  return app;
}
