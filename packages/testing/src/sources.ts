/**
 * Where an event came from, inferred from the request's `integration_source`: the browser path
 * through the site's relay is recognised by the id its relay sends, the pixel stand-in's own posts
 * (`/v1/sdk/events`) by their `st=oaiq-web`.
 */
export type EventSource = 'pixel' | 'pixel relay' | 'server';

/** `integration_source` values of this project's packages (lowercase, as the API stores them). */
export const INTEGRATION_SOURCES = {
  /** Sent by the node client (`createClient`) by default. */
  node: 'x-openai-capi-node',
  /** Sent by a client dedicated to relayed browser events (labelled `pixel relay`). */
  relay: 'x-openai-capi-relay',
  /** The `st` of pixel posts (the emulator's stand-in script and OpenAI's), recorded as their source. */
  pixel: 'oaiq-web',
} as const;

/** `pixel` for the pixel's posts, `pixel relay` for the relay handler's id, `server` for anything else. */
export function sourceOf(integrationSource: string | undefined): EventSource {
  if (integrationSource === INTEGRATION_SOURCES.pixel) return 'pixel';
  return integrationSource === INTEGRATION_SOURCES.relay ? 'pixel relay' : 'server';
}
