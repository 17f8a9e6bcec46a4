/** Valid wire events and requests for the tests of this package. */
import type { WireEvent } from '@x/openai-capi-core';
import type { CapiRequest } from '../handle-request.js';

/** The frozen clock of the tests: 2026-11-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 1);
export const PIXEL = 'px_test_1';
export const KEY = 'sk_test_emulator';
export const HASH = 'a'.repeat(64);

/** A valid `order_created` event with an oppref. */
export function order(id: string, extra: Partial<WireEvent> = {}): WireEvent {
  return {
    id,
    type: 'order_created',
    timestamp_ms: NOW - 60_000,
    action_source: 'web',
    source_url: 'https://shop.example/thanks',
    oppref: 'clk_123',
    data: { type: 'contents', amount: 12999, currency: 'USD' },
    ...extra,
  };
}

/** A valid custom event named `name`. */
export function custom(id: string, name: string, extra: Partial<WireEvent> = {}): WireEvent {
  return {
    id,
    type: 'custom',
    custom_event_name: name,
    timestamp_ms: NOW - 60_000,
    action_source: 'web',
    source_url: 'https://shop.example/quiz',
    user: { external_ids_sha256: [HASH] },
    data: { type: 'custom' },
    ...extra,
  };
}

/** A well-formed request carrying `body` (JSON-encoded unless a string). */
export function request(body: unknown, overrides: Partial<CapiRequest> & { pid?: string | null } = {}): CapiRequest {
  const { pid = PIXEL, ...rest } = overrides;
  return {
    method: 'POST',
    url: pid === null ? '/v1/events' : `/v1/events?pid=${encodeURIComponent(pid)}`,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    ...rest,
  };
}
