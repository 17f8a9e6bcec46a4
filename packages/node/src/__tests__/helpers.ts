/** Shared test helpers: msw server, request recorder, frozen clock, wire events. Not shipped. */
import { http, HttpResponse, type HttpResponseResolver } from 'msw';
import { setupServer } from 'msw/node';
import type { WireEvent } from '@x/openai-capi-core';
import type { Logger } from '../logger.js';

export const ENDPOINT = 'https://capi.test/v1/events';
export const API_KEY = 'sk-capi-SECRET-KEY-0123456789';
export const PIXEL_ID = 'px 1/2';
/** A fixed instant inside the docs' window (vectors.json `now_ms`). */
export const NOW = 1_773_892_860_000;

export const server = setupServer();

/** One request as the mock server saw it. */
export interface Recorded {
  url: string;
  headers: Headers;
  text: string;
  body: { validate_only?: boolean; integration_source?: string; events: WireEvent[] };
}

/**
 * Installs a handler on `ENDPOINT` that records every request and answers with `reply`
 * (default: 200 `{}`), called with the parsed body and the 0-based request number.
 */
export function mockApi(
  reply?: (body: Recorded['body'], n: number, request: Request) => Response | Promise<Response>,
): Recorded[] {
  const seen: Recorded[] = [];
  const resolver: HttpResponseResolver = async ({ request }) => {
    const text = await request.text();
    const body = JSON.parse(text) as Recorded['body'];
    seen.push({ url: request.url, headers: request.headers, text, body });
    return reply ? reply(body, seen.length - 1, request) : HttpResponse.json({}, { status: 200 });
  };
  server.use(http.post(ENDPOINT, resolver));
  return seen;
}

/** A clock that only moves when `sleep` (or the test) moves it. */
export function fakeClock(start = NOW) {
  const clock = {
    t: start,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

/** Timers run by hand: `fire()` runs every pending callback. */
export function manualTimers() {
  const pending = new Map<number, () => void>();
  let nextId = 1;
  return {
    pending,
    setTimeout: (callback: () => void) => {
      const id = nextId++;
      pending.set(id, callback);
      return id;
    },
    clearTimeout: (handle: unknown) => {
      pending.delete(handle as number);
    },
    fire: () => {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const c of callbacks) c();
    },
  };
}

/** A valid minimal wire event at `ts`. */
export function wireEvent(id: string, ts = NOW, extra: Partial<WireEvent> = {}): WireEvent {
  return {
    id,
    type: 'lead_created',
    timestamp_ms: ts,
    action_source: 'web',
    source_url: 'https://shop.example/thanks',
    data: { type: 'customer_action' },
    ...extra,
  };
}

/** A logger that keeps every line (message and context) as text. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, context?: unknown) => {
    lines.push(`${level} ${message} ${context === undefined ? '' : JSON.stringify(context)}`);
  };
  return { lines, error: push('error'), warn: push('warn'), info: push('info'), debug: push('debug') };
}

/** Base options for a client on the mock endpoint with a frozen clock and no real waiting. */
export function baseOptions(clock = fakeClock()) {
  return {
    pixelId: PIXEL_ID,
    apiKey: API_KEY,
    endpoint: ENDPOINT,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1,
    logLevel: 'off' as const,
    timers: manualTimers(),
  };
}
