/** A relay in front of a real client whose fetch records what would be sent to OpenAI. Not shipped. */
import type { WireEvent } from '@x/openai-capi-core';
import { createClient, type CapiClient } from '../client.js';
import type { ClientOptions } from '../options.js';
import { createRelayHandler, type RelayOptions } from '../relay.js';
import { fakeClock, manualTimers } from './helpers.js';

export interface RecordingRelay {
  client: CapiClient;
  handler: ReturnType<typeof createRelayHandler>;
  /** The wire events the client sent, in order. */
  sent: WireEvent[];
  /** The raw request bodies the client sent. */
  bodies: string[];
  clock: ReturnType<typeof fakeClock>;
}

/**
 * `createRelayHandler` (rate limit off unless `options` sets one, the fake clock) over a client
 * with hand-run timers and logging off; `clientOptions` overrides any client option.
 */
export function recordingRelay(options: RelayOptions = {}, clientOptions: Partial<ClientOptions> = {}): RecordingRelay {
  const sent: WireEvent[] = [];
  const bodies: string[] = [];
  const clock = fakeClock();
  const client = createClient({
    pixelId: 'px',
    apiKey: 'key',
    now: clock.now,
    sleep: clock.sleep,
    timers: manualTimers(),
    logLevel: 'off',
    fetch: async (_url, init) => {
      bodies.push(init.body);
      sent.push(...(JSON.parse(init.body) as { events: WireEvent[] }).events);
      return new Response('{}', { status: 200 });
    },
    ...clientOptions,
  });
  const handler = createRelayHandler(client, { rateLimit: false, now: clock.now, ...options });
  return { client, handler, sent, bodies, clock };
}
