/**
 * Where an event came from, inferred from the request's `integration_source`: the emulator only
 * sees server requests, so the browser path (pixel relay) is recognised by the id its relay sends.
 */
export type EventSource = 'pixel relay' | 'server';

/** `integration_source` values of this project's packages (lowercase, as the API stores them). */
export const INTEGRATION_SOURCES = {
  /** Sent by the node client (`createClient`) by default. */
  node: 'x-openai-capi-node',
  /** Sent by a client dedicated to relayed browser events (labelled `pixel relay`). */
  relay: 'x-openai-capi-relay',
} as const;

/** `pixel relay` for the relay handler's id, `server` for anything else (node client, other). */
export function sourceOf(integrationSource: string | undefined): EventSource {
  return integrationSource === INTEGRATION_SOURCES.relay ? 'pixel relay' : 'server';
}
