/**
 * Posts events to the site's own relay endpoint (never to OpenAI, never with a key), in the format
 * agreed in RELAY.md: `{ v: 1, events: RelayEvent[] }` as a text/plain JSON string, with
 * `navigator.sendBeacon` and `fetch(…, { keepalive: true })` as fallback.
 */
import { CapiApiError, CapiConnectionError } from '@x/openai-capi-core';
import type { CapiError, EventType, WireEvent, WireEventData } from '@x/openai-capi-core';

/** One event as the relay receives it: the wire event without `user`/`action_source`, plus `obref`. */
export interface RelayEvent {
  /** The event id, the same as the pixel's `event_id` (the dedupe key). */
  id: string;
  /** The event type. */
  type: EventType;
  /** The custom event name, on `custom` events only. */
  custom_event_name?: string;
  /** When the event happened, in Unix ms (the browser's clock). */
  timestamp_ms: number;
  /** The page URL, origin + path unless the tracker keeps the query (`keepSourceUrlQuery`). */
  source_url?: string;
  /** The click id captured from the URL or the `__oppref` cookie, unchanged. */
  oppref?: string;
  /** The pixel's browser id from the `__obref` cookie, when present. */
  obref?: string;
  /** `true` excludes the event from user-level personalization (it is still counted). */
  opt_out?: boolean;
  /** The event data in wire form (`type` set, `amount` in integer minor units). */
  data: WireEventData;
}

/** Body of one relay request. */
export interface RelayBody {
  /** Version of the relay wire format: always 1. */
  v: 1;
  /**
   * The visitor's consent, as the tracker knows it: it posts only while consent is granted. The
   * relay writes the `__oppref` cookie only for a same-origin request carrying it.
   */
  consent: 'granted';
  /** The events, in the order they were tracked. */
  events: RelayEvent[];
}

/** At most this many events per request (the relay's default `maxEventsPerRequest`). */
export const MAX_RELAY_EVENTS = 50;
/** Body byte cap per request: the relay's default `maxBodyBytes` and the keepalive/beacon quota. */
export const MAX_RELAY_BYTES = 64 * 1024;

/** Builds the relay form of a built wire event. */
export function toRelayEvent(event: WireEvent, obref: string | undefined): RelayEvent {
  const { user: _user, action_source: _source, ...relay } = event;
  return obref ? { ...relay, obref } : relay;
}

/**
 * Serializes events into request bodies of at most {@link MAX_RELAY_EVENTS} events and
 * {@link MAX_RELAY_BYTES} UTF-8 bytes each (an event larger than that on its own goes alone).
 */
export function toRelayBodies(events: readonly RelayEvent[]): string[] {
  const bodies: string[] = [];
  const encoder = new TextEncoder();
  const overhead = 38; // {"v":1,"consent":"granted","events":[]}
  let parts: string[] = [];
  let bytes = overhead;
  for (const event of events) {
    const json = JSON.stringify(event);
    const size = encoder.encode(json).length + 1;
    if (parts.length > 0 && (parts.length >= MAX_RELAY_EVENTS || bytes + size > MAX_RELAY_BYTES)) {
      bodies.push(wrap(parts));
      parts = [];
      bytes = overhead;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) bodies.push(wrap(parts));
  return bodies;
}

function wrap(parts: string[]): string {
  return `{"v":1,"consent":"granted","events":[${parts.join(',')}]}`;
}

/** Options of {@link createRelayTransport}. */
export interface RelayTransportOptions {
  /** The relay URL (absolute or relative to the page). */
  endpoint: string;
  /** Provides `navigator.sendBeacon`, `fetch` and `setTimeout`. */
  window: Window;
  /** How long to gather events before posting them together. */
  batchDelayMs: number;
  /** Receives delivery failures the page can see (fetch fallback only; beacons are fire-and-forget). */
  onError: (error: unknown) => void;
}

/** A batching relay sender. */
export interface RelayTransport {
  /** Adds an event to the current batch and schedules a flush. */
  enqueue(event: RelayEvent): void;
  /** Posts the current batch now; resolves when every request has been handed off or has failed. */
  flush(): Promise<void>;
  /** Drops the current batch unsent (consent revoked). */
  clear(): void;
}

/** Creates the batching relay sender. */
export function createRelayTransport(options: RelayTransportOptions): RelayTransport {
  const { endpoint, window: win, batchDelayMs, onError } = options;
  let batch: RelayEvent[] = [];
  let timer: number | undefined;
  let flushQueued = false;

  const cancelTimer = (): void => {
    if (timer !== undefined) win.clearTimeout(timer);
    timer = undefined;
  };

  const post = async (body: string): Promise<void> => {
    try {
      // sendBeacon returns false when the browser refuses (quota); some browsers throw instead.
      if (win.navigator.sendBeacon?.(endpoint, body) === true) return;
    } catch {
      // fall back to fetch
    }
    try {
      const response = await win.fetch(endpoint, {
        method: 'POST',
        body,
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      if (!response.ok) {
        onError(
          new CapiApiError(`Relay ${endpoint} answered ${response.status}`, {
            status: response.status,
            body: await response.text().catch(() => undefined),
          }),
        );
      }
    } catch (error) {
      onError(new CapiConnectionError(`Relay ${endpoint} could not be reached`, { cause: error }));
    }
  };

  const flush = async (): Promise<void> => {
    cancelTimer();
    const events = batch;
    batch = [];
    if (events.length > 0) await Promise.all(toRelayBodies(events).map(post));
  };

  return {
    enqueue(event) {
      batch.push(event);
      // Once the page is hidden it may be unloaded before a timer fires: post in this task, but once
      // for all the events of the task (a consent grant replays the whole pending queue at once).
      if (win.document.visibilityState !== 'hidden') timer ??= win.setTimeout(() => void flush().catch(onError), batchDelayMs);
      else if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(() => {
          flushQueued = false;
          void flush().catch(onError);
        });
      }
    },
    flush,
    clear() {
      cancelTimer();
      batch = [];
    },
  };
}
