/**
 * `createTracker`: the browser side of a conversion. Captures `oppref`, keeps it in a first-party
 * cookie only with consent, and sends the event as the page gave it (same id) to the site's relay,
 * which builds and validates it with core's `buildEvent`, and to OpenAI's pixel. Production bundles
 * check only what keeps garbage out (a known event type, an id, a three-letter currency);
 * development bundles check every event with core's rules at the call site (dev-checks.ts).
 * Nothing here throws into the page: every problem goes to `onError` (and the console in debug mode).
 */
import { CapiError, createEventId, isPixelEventType } from '@x/openai-capi-core';
import type { EventDataInput, EventType, PixelUser, WireEventData } from '@x/openai-capi-core';
import { hasGlobalPrivacyControl, initialConsent, isConsentDecision } from './consent.js';
import type { ConsentDecision, ConsentState } from './consent.js';
import { readCookie } from './cookies.js';
import { checkCallShape, checkOptions, checkTrack } from './dev-checks.js';
import { createOpprefStore, OPPREF_COOKIE } from './oppref-store.js';
import { isCount, isPixelId, numberOr } from './option-values.js';
import { createPixelBridge } from './pixel.js';
import type { PixelBridge } from './pixel.js';
import { pixelDataOf } from './pixel-data.js';
import { linkPixelUser } from './pixel-user-link.js';
import { createReporter, guarded, invalid } from './report.js';
import { createRelayTransport } from './relay-transport.js';
import type { RelayEvent, RelayTransport } from './relay-transport.js';

declare const process: { env: { NODE_ENV?: string } };

export { OPPREF_COOKIE };
export { createReporter, invalid };

/** Cookie holding the pixel's browser id; read, never created. */
export const OBREF_COOKIE = '__obref';

/** Options of {@link createTracker}. There is deliberately no option for an API key. */
export interface TrackerOptions {
  /** URL of the site's own relay (e.g. `/api/openai-capi`); events are posted there. */
  endpoint?: string | undefined;
  /** OpenAI pixel id(s): installs the pixel bridge (`measureSingle` per pixel when several, or when the page has its own `window.oaiq`). */
  pixelId?: string | readonly string[] | undefined;
  /**
   * The pixel script loaded once consent is granted (default OpenAI's
   * `https://bzrcdn.openai.com/sdk/oaiq.min.js`). In demos and tests, give the emulator's stand-in
   * (`emulator.url + '/sdk/oaiq.min.js'` from `@x/openai-capi-testing`) so nothing leaves the machine.
   * Must be an absolute http(s) URL: development builds report anything else
   * (`invalid_pixel_script_url`); production builds load what they are given (an empty string or
   * none: OpenAI's).
   */
  pixelScriptUrl?: string | undefined;
  /**
   * Consent at start (default `'pending'`: events wait in memory until granted or denied). Any other
   * value is reported (`invalid_consent`) and `'pending'` is used.
   */
  consent?: ConsentState | undefined;
  /**
   * Honour Global Privacy Control (`navigator.globalPrivacyControl === true`) as a denial that
   * `setConsent('granted')` cannot lift (default `true`). Pass `false` only if you handle GPC
   * yourself (e.g. you ask for and record an explicit opt-in).
   */
  globalPrivacyControl?: boolean | undefined;
  /** The `__oppref` cookie: lifetime (default 30 days) and domain (`'auto'`: found by write-probe). */
  cookie?: {
    /** Lifetime of `__oppref` in days (default 30; a value that is not a positive number is reported and 30 used). */
    maxAgeDays?: number | undefined;
    /**
     * `Domain` of `__oppref`, e.g. `example.com`; `'auto'` (default) finds the registrable domain.
     * It must be the page's host or a parent of it: a domain the browser refuses is reported
     * (`cookie_refused`) when the cookie is written, and the registrable domain is used instead.
     */
    domain?: string | undefined;
  } | undefined;
  /**
   * Post `source_url` with its query string and fragment (default `false`: origin + path only). The
   * relay strips them again unless it has `keepSourceUrlQuery: true` too; the pixel never gets `source_url`.
   */
  keepSourceUrlQuery?: boolean | undefined;
  /** How long events gather before one relay request (default 25 ms; a value that is not a number ≥ 0 is reported and 25 used). While the page is hidden, events are posted at once. */
  batchDelayMs?: number | undefined;
  /** Events kept while consent is pending (default 100; an integer ≥ 0, else reported and 100 used); the oldest is dropped beyond that. */
  maxQueuedEvents?: number | undefined;
  /** Receives every problem (invalid input, delivery failure) as a `CapiError` (a value that is not a function counts as none: problems then go to the console). */
  onError?: ((error: CapiError) => void) | undefined;
  /** Logs problems and sent events to the console, and passes `debug: true` to the pixel. */
  debug?: boolean | undefined;
  /** The window to use (default the global one); inject for tests or iframes. */
  window?: Window | undefined;
  /** Clock in Unix ms (default `Date.now`). */
  now?: (() => number) | undefined;
}

/** Per-event options of {@link Tracker.track}. */
export interface TrackOptions {
  /**
   * The event id, sent verbatim to the relay and the pixel (e.g. your order id, the same id your
   * server sends for this conversion); default a random `createEventId()`.
   */
  eventId?: string | undefined;
  /** Required for `'custom'` events: lowercase `[a-z0-9_-]`, 1–64 chars. */
  customEventName?: string | undefined;
  /** Exclude this event from user-level personalization (still sent and counted). */
  optOut?: boolean | undefined;
}

/** The tracker returned by {@link createTracker}. No method throws. */
export interface Tracker {
  /**
   * Sends one event to the relay and the pixel under one id; returns that id, or `undefined` when
   * consent is denied or the event is refused (reported to `onError`). Development builds refuse
   * what core's rules refuse (the relay's rules), an unknown option such as `event_id` included;
   * production builds refuse only an unknown or app-only event type, an `eventId` that is not a
   * non-blank string, a currency that is not three letters and a `value` the pixel cannot take,
   * and leave the rest to the relay. While consent is pending the event waits in memory (with
   * `maxQueuedEvents: 0` it is dropped, reported, and `undefined` returned).
   */
  track(eventName: EventType, data?: EventDataInput, options?: TrackOptions): string | undefined;
  /** Grants or denies consent (storage and sending). Denial deletes `__oppref` and drops queued events. */
  setConsent(state: ConsentDecision): void;
  /** Current consent. */
  readonly consent: ConsentState;
  /** Grants or denies sending user data (`identify`) to the pixel (Consent Mode `ad_user_data`). */
  setUserDataConsent(state: ConsentDecision): void;
  /** The click id captured from the URL or cookie; `undefined` when absent or consent is denied. */
  getOppref(): string | undefined;
  /** The pixel's browser id from the `__obref` cookie; `undefined` when absent or consent is denied. */
  getObref(): string | undefined;
  /** Posts pending relay events now (also done on `pagehide` and when the page becomes hidden). */
  flush(): Promise<void>;
}

const DAY_SECONDS = 86_400;

/** One tracked event, ready for both destinations: the relay's copy and the pixel's data. */
type Pending = readonly [relay: RelayEvent, pixelData: WireEventData];

/**
 * Creates a tracker. Never throws: a broken setup is reported to `onError` and gives an inert
 * tracker. Safe during server-side rendering: without a `window` the tracker is inert too (its
 * `track` returns `undefined`).
 */
export function createTracker(options: TrackerOptions = {}): Tracker {
  // `null` or another non-object (easy from a script tag) means no options, never a TypeError.
  const opts: TrackerOptions = typeof options === 'object' && options !== null ? options : {};
  const report = createReporter(opts);
  try {
    return startTracker(opts, report);
  } catch (error) {
    report(error);
    return inertTracker(report);
  }
}

function startTracker(options: TrackerOptions, report: (error: unknown) => void): Tracker {
  const debug = options.debug === true;
  const guard = guarded(report);

  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  if (!win) return inertTracker(report);
  const doc = win.document;
  const location = win.location;
  const now = options.now ?? Date.now;
  // An invalid number (reported in development) gives the default: NaN would unbound the queue.
  const maxQueued = isCount(options.maxQueuedEvents) ? options.maxQueuedEvents : 100;
  const maxAgeDays = options.cookie?.maxAgeDays;
  const gpcDenies = options.globalPrivacyControl !== false && hasGlobalPrivacyControl(win.navigator);
  // An invalid pixel id is left out (and reported in development): the pixel never sees it.
  const pixelIds = [...new Set([options.pixelId].flat().filter(isPixelId))];

  if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production') checkOptions(options, pixelIds.length, report);

  let consent = initialConsent(options.consent, gpcDenies);
  let userDataConsent: ConsentState = 'pending';
  let queue: Pending[] = [];
  let pixelUser: PixelUser | undefined;

  const oppref = createOpprefStore({
    doc,
    location,
    configuredDomain: options.cookie?.domain && options.cookie.domain !== 'auto' ? options.cookie.domain : undefined,
    // An invalid lifetime (0, negative, NaN) would delete the cookie as it is written: default used.
    maxAgeSeconds: numberOr(maxAgeDays, 30, Number.MIN_VALUE) * DAY_SECONDS,
    granted: () => consent === 'granted',
    report,
    guard,
  });
  const relay: RelayTransport | undefined = options.endpoint
    ? createRelayTransport({
        endpoint: options.endpoint,
        window: win,
        batchDelayMs: numberOr(options.batchDelayMs, 25, 0),
        onError: report,
      })
    : undefined;
  const pixel: PixelBridge | undefined =
    pixelIds.length > 0
      ? // The options go along for `pixelScriptUrl` (the shortest way in bytes); the bridge's own keys win.
        createPixelBridge({ ...options, window: win, pixelIds, granted: consent === 'granted', debug, onError: report })
      : undefined;

  const readObref = guard((): string | undefined => readCookie(doc, OBREF_COOKIE));
  const userDataAllowed = (): boolean => consent === 'granted' && userDataConsent !== 'denied';

  const dispatch = ([event, pixelData]: Pending): void => {
    const obref = readObref();
    relay?.enqueue(obref ? { ...event, obref } : event);
    pixel?.measure(event, pixelData);
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production' && debug) console.info('[openai-capi] sent', event.type, event.id);
  };

  const flush = async (): Promise<void> => {
    try {
      await relay?.flush();
    } catch (error) {
      report(error);
    }
  };

  if (relay) {
    win.addEventListener('pagehide', () => void flush());
    // Neither handler can throw: `flush` reports its own failures.
    doc.addEventListener('visibilitychange', () => {
      if (doc.visibilityState === 'hidden') void flush();
    });
  }
  guard(() => {
    oppref.capture();
    if (consent === 'denied') oppref.remove();
  })();

  const setConsent = (state: ConsentDecision): void => {
    checkDecision(state, 'consent');
    if (state === 'granted' && gpcDenies) {
      return; // GPC: consent stays denied
    }
    if (state === consent) return;
    consent = state;
    if (state === 'granted') {
      oppref.save();
      pixel?.setConsent(true);
      if (pixelUser && userDataAllowed()) pixel?.setUser(pixelUser);
      const queued = queue;
      queue = [];
      for (const event of queued) dispatch(event);
    } else {
      queue = [];
      relay?.clear();
      oppref.remove();
      pixel?.setConsent(false);
    }
  };

  const track = (eventName: EventType, data?: EventDataInput, givenOptions?: TrackOptions | null): string | undefined => {
    oppref.capture();
    if (consent === 'denied') return undefined;
    const trackOptions = givenOptions ?? {};
    const timestamp = now();
    const href = location.href;
    const sourceUrl = options.keepSourceUrlQuery === true ? href : href.replace(/[?#][\s\S]*/, '');
    const clickId = oppref.get();
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production') checkCallShape(eventName);
    // What keeps garbage out, in every build (the relay checks the rest).
    if (!isPixelEventType(eventName)) invalid('type', 'not_browser_event', 'must be a browser event type');
    const { eventId, customEventName, optOut } = trackOptions;
    if (eventId !== undefined && (typeof eventId !== 'string' || !eventId.trim())) invalid('options.eventId', 'invalid_type', 'must be a non-blank string');
    const currency = (data as { currency?: unknown } | undefined)?.currency;
    if (currency !== undefined && !/^[a-z]{3}$/i.test(currency as string)) invalid('data.currency', 'invalid_format', 'must be a three-letter ISO 4217 code');
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production') {
      checkTrack({ type: eventName, data, sourceUrl: href, timestamp, oppref: clickId }, trackOptions, options.keepSourceUrlQuery, report);
    }

    const id = eventId ?? createEventId();
    const event: Pending = [
      // A JSON copy: what the page changes after `track` is not sent (the relay gets JSON anyway, so a
      // falsy `data` kept as given posts the same).
      { type: eventName, id, customEventName, timestamp, sourceUrl, oppref: clickId, optOut, data: data && JSON.parse(JSON.stringify(data)) },
      pixelDataOf(eventName, data),
    ];
    if (consent === 'granted') {
      dispatch(event);
    } else {
      queue.push(event);
      if (queue.length > maxQueued) {
        const dropped = queue.shift()!;
        report(new CapiError(`Consent pending, maxQueuedEvents (${maxQueued}) reached: dropped event ${dropped[0].id}`));
        // With maxQueuedEvents 0 the dropped event is this one: no id for an event that will never be sent.
        if (dropped === event) return undefined;
      }
    }
    return id;
  };

  const setPixelUser = (user: PixelUser): void => {
    pixelUser = user;
    if (userDataAllowed()) pixel?.setUser(user);
  };

  const setUserDataConsent = (state: ConsentDecision): void => {
    checkDecision(state, 'userDataConsent');
    if (state === userDataConsent) return;
    const before = userDataAllowed();
    userDataConsent = state;
    if (pixelUser && before !== userDataAllowed()) pixel?.setUser(userDataAllowed() ? pixelUser : undefined);
  };

  const tracker: Tracker = {
    track: guard(track),
    setConsent: guard(setConsent),
    get consent() {
      return consent;
    },
    setUserDataConsent: guard(setUserDataConsent),
    getOppref: guard(() => {
      oppref.capture();
      return consent === 'denied' ? undefined : oppref.get();
    }),
    getObref: () => (consent === 'denied' ? undefined : readObref()),
    flush,
  };
  return linkPixelUser(tracker, { user: {}, setUser: setPixelUser, report });
}

function checkDecision(state: unknown, path: string): void {
  if (!isConsentDecision(state)) invalid(path, 'invalid_consent', "must be 'granted' or 'denied'");
}

/**
 * The tracker used where there is no `window` (server-side rendering) or the setup failed;
 * `identify` on it still checks its input (reported with `report`).
 */
function inertTracker(report: (error: unknown) => void): Tracker {
  const noop = (): undefined => undefined;
  const tracker: Tracker = {
    track: noop,
    setConsent: noop,
    consent: 'pending',
    setUserDataConsent: noop,
    getOppref: noop,
    getObref: noop,
    flush: async () => {},
  };
  return linkPixelUser(tracker, { user: {}, setUser: noop, report });
}
