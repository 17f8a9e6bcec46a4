'use client';

import { useState } from 'react';
import type { Tracker } from '@x/openai-capi-browser';
import { getTracker, newOrderId } from '../lib/tracker';

/** What the button sells. `price` is a decimal string: core converts it to minor units exactly. */
export interface Product {
  id: string;
  name: string;
  price: string;
  currency: string;
}

export interface BuyButtonProps {
  product: Product;
  /** Injected in tests; the page's tracker by default. */
  tracker?: Tracker;
}

/**
 * Tracks `order_created` with the order id as its event id, so the server's twin (sent with the same
 * id from the order webhook) is deduplicated by OpenAI. `track` never throws: without consent it returns
 * `undefined`.
 */
export function BuyButton({ product, tracker }: BuyButtonProps) {
  const [status, setStatus] = useState<string>();

  const buy = () => {
    const orderId = newOrderId();
    const eventId = (tracker ?? getTracker()).track(
      'order_created',
      {
        value: product.price,
        currency: product.currency,
        contents: [{ id: product.id, name: product.name, quantity: 1, value: product.price }],
      },
      { eventId: orderId },
    );
    setStatus(eventId ? `Order ${orderId} tracked (event ${eventId})` : `Order ${orderId} placed, not tracked (no consent)`);
  };

  return (
    <div>
      <button type="button" onClick={buy}>
        Buy {product.name} · {product.price} {product.currency}
      </button>
      {status ? <p role="status">{status}</p> : null}
    </div>
  );
}
