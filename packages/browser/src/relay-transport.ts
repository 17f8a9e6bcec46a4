/**
 * Posts events to the site's own relay endpoint (never to OpenAI, never with a key), in relay wire
 * format v2 (docs/relay-wire-format.md): `{ v: 2, consent: 'granted', events: RelayEvent[] }` as a
 * text/plain JSON string, with `navigator.sendBeacon` and `fetch(…, { keepalive: true })` as
 * fallback. Development builds post with `fetch` only and report the issues of a 400 answer.
 */
import { CapiApiError, CapiConnectionError, CapiValidationError } from '@x/openai-capi-core';
import type { EventDataInput, EventType, Issue } from '@x/openai-capi-core';

declare const process: { env: { NODE_ENV?: string } };

/**
 * One event as the relay receives it: the event as the page gave it (friendly input, e.g.
 * `data.value: '129.99'`), plus what the browser captured. The relay builds and validates it with
 * core's `buildEvent`.
 */
export interface RelayEvent {
  /** The event type. */
  type: EventType;
  /** The event id, the same as the pixel's `event_id` (the dedupe key). */
  id: string;
  /** The custom event name, on `custom` events. */
  customEventName?: string | undefined;
  /** When the event happened, in Unix ms (the browser's clock). */
  timestamp?: number | undefined;
  /** The page URL, origin + path unless the tracker keeps the query (`keepSourceUrlQuery`). */
  sourceUrl?: string | undefined;
  /** The click id captured from the URL or the `__oppref` cookie, unchanged. */
  oppref?: string | undefined;
  /** The pixel's browser id from the `__obref` cookie, when present. */
  obref?: string | undefined;
  /** `true` excludes the event from user-level personalization (it is still counted). */
  optOut?: boolean | undefined;
  /** The event data as given to `track` (a JSON copy taken at `track`). */
  data?: EventDataInput | undefined;
}

/** Body of one relay request (relay wire format version 2). */
export interface RelayBody {
  /** Version of the relay wire format: always 2. */
  v: 2;
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

/**
 * Serializes events into request bodies of at most {@link MAX_RELAY_EVENTS} events and
 * {@link MAX_RELAY_BYTES} UTF-8 bytes each (an event larger than that on its own goes alone).
 */
export function toRelayBodies(events: readonly RelayEvent[]): string[] {
  const bodies: string[] = [];
  const encoder = new TextEncoder();
  const overhead = 38; // {"v":2,"consent":"granted","events":[]}
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
  return `{"v":2,"consent":"granted","events":[${parts.join(',')}]}`;
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
    // Development builds use fetch only, to read the relay's answer (a beacon's is lost).
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') === 'production') {
      try {
        // sendBeacon returns false when the browser refuses (quota); some browsers throw instead.
        if (win.navigator.sendBeacon?.(endpoint, body) === true) return;
      } catch {
        // fall back to fetch
      }
    }
    try {
      // A string body is sent as text/plain;charset=UTF-8 (no preflight), and credentials default
      // to same-origin: what sendBeacon does.
      const response = await win.fetch(endpoint, { method: 'POST', body, keepalive: true });
      if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production' && response.status === 400) {
        reportRefusals(endpoint, await response.json().catch(() => undefined), onError);
      } else if (!response.ok) {
        onError(new CapiApiError(`Relay ${endpoint} answered ${response.status}`, { status: response.status }));
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

/**
 * Development builds: the issues of a relay's 400 answer (`{ rejected: [{ index, id, issues }] }` or
 * `{ error, issues }`), one `CapiValidationError` per refused event, paths relative to the event.
 */
function reportRefusals(endpoint: string, answer: unknown, onError: (error: unknown) => void): void {
  const { rejected, issues } = (answer ?? {}) as { rejected?: { id?: string; issues?: Issue[] }[]; issues?: Issue[] };
  const refusals: { id?: string; issues?: Issue[] | undefined }[] = Array.isArray(rejected) && rejected.length > 0 ? rejected : [{ issues }];
  for (const { id, issues: list } of refusals) {
    const found = Array.isArray(list) ? list : [];
    onError(
      new CapiValidationError(
        found,
        `Relay ${endpoint} refused ${id === undefined ? 'the request' : `event ${id}`}: ${found.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ') || 'no issues listed'}`,
      ),
    );
  }
}
