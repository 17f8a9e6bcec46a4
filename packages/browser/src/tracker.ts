/**
 * `createTracker`: the browser side of a conversion. Captures `oppref`, keeps it in a first-party
 * cookie only with consent, builds every event with core's `buildEventWithoutUser` (validation, money, ids),
 * and sends the same event (same id) to the site's relay and to OpenAI's pixel. Nothing here
 * throws into the page: every problem goes to `onError` (and the console in debug mode).
 */
import {
  buildEventWithoutUser,
  CapiError,
  CapiValidationError,
  isPixelEventType,
  readQueryParam,
  unknownOptionIssues,
} from '@x/openai-capi-core';
import type {
  EventDataInput,
  EventInput,
  EventType,
  Issue,
  PixelUser,
  WireEvent,
} from '@x/openai-capi-core';
import { hasGlobalPrivacyControl, initialConsent, isConsentDecision } from './consent.js';
import type { ConsentDecision, ConsentState } from './consent.js';
import { cookieDomainCandidates, deleteCookie, probeCookieDomain, readCookie, readCookieValues, writeCookie } from './cookies.js';
import { createPixelBridge } from './pixel.js';
import { linkPixelUser } from './pixel-user-link.js';
import type { PixelBridge } from './pixel.js';
import { createRelayTransport, toRelayEvent } from './relay-transport.js';
import type { RelayTransport } from './relay-transport.js';

/** Cookie holding OpenAI's click id (same name as OpenAI's own script uses). */
export const OPPREF_COOKIE = '__oppref';
/** Cookie holding the pixel's browser id; read, never created. */
export const OBREF_COOKIE = '__obref';

/** Options of {@link createTracker}. There is deliberately no option for an API key. */
export interface TrackerOptions {
  /** URL of the site's own relay (e.g. `/api/openai-capi`); events are posted there. */
  endpoint?: string;
  /** OpenAI pixel id(s): installs the pixel bridge (`measureSingle` per pixel when several, or when the page has its own `window.oaiq`). */
  pixelId?: string | readonly string[];
  /**
   * Consent at start (default `'pending'`: events wait in memory until granted or denied). Any other
   * value is reported (`invalid_consent`) and `'pending'` is used.
   */
  consent?: ConsentState;
  /**
   * Honour Global Privacy Control (`navigator.globalPrivacyControl === true`) as a denial that
   * `setConsent('granted')` cannot lift (default `true`). Pass `false` only if you handle GPC
   * yourself (e.g. you ask for and record an explicit opt-in).
   */
  globalPrivacyControl?: boolean;
  /** The `__oppref` cookie: lifetime (default 30 days) and domain (`'auto'`: found by write-probe). */
  cookie?: {
    /** Lifetime of `__oppref` in days (default 30; a value that is not a positive number is reported and 30 used). */
    maxAgeDays?: number;
    /**
     * `Domain` of `__oppref`, e.g. `example.com`; `'auto'` (default) finds the registrable domain.
     * It must be the page's host or a parent of it: a domain the browser refuses is reported
     * (`cookie_refused`) when the cookie is written, and the registrable domain is used instead.
     */
    domain?: string;
  };
  /**
   * Post `source_url` with its query string and fragment (default `false`: origin + path only). The
   * relay strips them again unless it has `keepSourceUrlQuery: true` too; the pixel never gets `source_url`.
   */
  keepSourceUrlQuery?: boolean;
  /** How long events gather before one relay request (default 25 ms; a value that is not a number ≥ 0 is reported and 25 used). While the page is hidden, events are posted at once. */
  batchDelayMs?: number;
  /** Events kept while consent is pending (default 100; an integer ≥ 0, else reported and 100 used); the oldest is dropped beyond that. */
  maxQueuedEvents?: number;
  /** Receives every problem (invalid input, delivery failure) as a `CapiError` (a value that is not a function counts as none: problems then go to the console). */
  onError?: (error: CapiError) => void;
  /** Logs problems and sent events to the console, and passes `debug: true` to the pixel. */
  debug?: boolean;
  /** The window to use (default the global one); inject for tests or iframes. */
  window?: Window;
  /** Clock in Unix ms (default `Date.now`). */
  now?: () => number;
}

/** Per-event options of {@link Tracker.track}. */
export interface TrackOptions {
  /** The event id; wins over `key`. */
  eventId?: string;
  /** Natural key (order id…): the id becomes `deriveEventId(name, key)`, as on the server. */
  key?: string;
  /** Required for `'custom'` events: lowercase `[a-z0-9_-]`, 1–64 chars. */
  customEventName?: string;
  /** Exclude this event from user-level personalization (still sent and counted). */
  optOut?: boolean;
}

/** The tracker returned by {@link createTracker}. No method throws. */
export interface Tracker {
  /**
   * Builds and sends one event; returns its id, or `undefined` when consent is denied or the input
   * is invalid (reported to `onError`; an unknown option such as `event_id` is invalid too, since
   * ignoring it would silently give a random id). While consent is pending the event waits in memory
   * (with `maxQueuedEvents: 0` it is dropped, reported, and `undefined` returned).
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
/** The options `track` accepts, as named in its issue messages. */
const TRACK_OPTION_NAMES: Record<keyof TrackOptions, true> = { eventId: true, key: true, customEventName: true, optOut: true };
const TRACK_OPTIONS = `{ ${Object.keys(TRACK_OPTION_NAMES).join('?, ')}? }`;

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

/** Sends a problem to `onError` (as a `CapiError`) and, in debug mode or without `onError`, to the console. */
export function createReporter(options: Pick<TrackerOptions, 'onError' | 'debug'>): (error: unknown) => void {
  return (error) => {
    const capiError = CapiError.isInstance(error)
      ? error
      : new CapiError(`openai-capi: unexpected error: ${describe(error)}`, { cause: error });
    // Without an onError (or with one that is not a function, which would swallow every problem),
    // the console is the only way not to drop a problem silently.
    const onError = typeof options.onError === 'function' ? options.onError : undefined;
    if (options.debug || !onError) console.warn('[openai-capi]', capiError.message);
    try {
      onError?.(capiError);
    } catch {
      // a throwing onError must not break the page either
    }
  };
}

/** `String(error)`, or a fallback when even that throws (a null-prototype object was thrown). */
function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return '(unprintable)';
  }
}

function startTracker(options: TrackerOptions, report: (error: unknown) => void): Tracker {
  const debug = options.debug === true;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R | undefined => {
      try {
        return fn(...args);
      } catch (error) {
        report(error);
        return undefined;
      }
    };

  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  if (!win) return inertTracker(report);
  const doc = win.document;
  const location = win.location;
  const now = options.now ?? Date.now;
  const maxQueued = isCount(options.maxQueuedEvents) ? options.maxQueuedEvents : 100;
  const maxAgeDays = options.cookie?.maxAgeDays;
  // An invalid lifetime (0, negative, NaN) would delete the cookie as it is written: reported, default used.
  const maxAgeSeconds = (isPositiveNumber(maxAgeDays) ? maxAgeDays : 30) * DAY_SECONDS;
  const configuredDomain = options.cookie?.domain && options.cookie.domain !== 'auto' ? options.cookie.domain : undefined;
  const honourGpc = options.globalPrivacyControl !== false;
  const gpcDenies = honourGpc && hasGlobalPrivacyControl(win.navigator);
  const secure = location.protocol === 'https:';
  const givenPixelIds: unknown[] = options.pixelId === undefined ? [] : Array.isArray(options.pixelId) ? [...options.pixelId] : [options.pixelId];
  // An invalid pixel id is reported by checkOptions and left out: the pixel never sees it.
  const pixelIds = [...new Set(givenPixelIds.filter(isPixelId))];

  checkOptions(options, givenPixelIds, pixelIds.length, report);

  let consent = initialConsent(options.consent, honourGpc, win.navigator);
  let userDataConsent: ConsentState = 'pending';
  let queue: WireEvent[] = [];
  let pixelUser: PixelUser | undefined;
  let cookieDomain: string | undefined | null = null; // null: not probed yet
  let oppref: string | undefined;
  let lastUrlOppref: string | undefined;
  let unsaved = false;

  const relay: RelayTransport | undefined = options.endpoint
    ? createRelayTransport({
        endpoint: options.endpoint,
        window: win,
        batchDelayMs: isNumber(options.batchDelayMs) ? options.batchDelayMs : 25,
        onError: report,
      })
    : undefined;
  const pixel: PixelBridge | undefined =
    pixelIds.length > 0 ? createPixelBridge({ window: win, pixelIds, granted: consent === 'granted', debug, onError: report }) : undefined;

  // Cookie access can throw (sandboxed iframes, disabled cookies): report it, keep tracking.
  const cookieSafe = <R>(fn: () => R): R | undefined => guard(fn)();

  const saveOppref = (): void =>
    cookieSafe(() => {
      if (!unsaved || oppref === undefined || consent !== 'granted') return;
      // A `cookie.domain` is probed first: the browser refuses one that is not this host or a parent
      // of it, which would lose the click id silently. Then the registrable domain is used, and the
      // refusal reported (after the write, so the click id is stored all the same).
      if (cookieDomain === null) cookieDomain = probeCookieDomain(doc, [configuredDomain, ...cookieDomainCandidates(location.hostname)], secure);
      writeCookie(doc, OPPREF_COOKIE, oppref, { maxAgeSeconds, domain: cookieDomain, secure });
      unsaved = false;
      // A host-only copy with an older value (e.g. set by a server) would shadow ours for every reader
      // that takes the first `__oppref`: the fresh value replaces it.
      if (cookieDomain && readCookieValues(doc, OPPREF_COOKIE).some((value) => value !== oppref)) {
        deleteCookie(doc, OPPREF_COOKIE, undefined, secure);
      }
      // A browser or extension that blocks cookies drops the write without a word: say so, since the
      // click id then lasts only as long as this page.
      if (!readCookieValues(doc, OPPREF_COOKIE).includes(oppref)) {
        report(new CapiError(`The browser did not store the ${OPPREF_COOKIE} cookie (cookies blocked?): the click id is kept for this page only`));
      }
      if (configuredDomain && cookieDomain !== configuredDomain) invalid('options.cookie.domain', 'cookie_refused', 'must be this host or a parent of it (auto used)');
    });

  const deleteOppref = (): void => {
    unsaved = oppref !== undefined;
    cookieSafe(() => {
      for (const domain of [undefined, ...cookieDomainCandidates(location.hostname)]) deleteCookie(doc, OPPREF_COOKIE, domain, secure);
    });
  };

  const readObref = (): string | undefined => cookieSafe(() => readCookie(doc, OBREF_COOKIE));

  /** Reads `oppref` from the current URL: a fresh value replaces the stored one. */
  const capture = (): void => {
    const fromUrl = readQueryParam(location.search, 'oppref');
    if (fromUrl === undefined || fromUrl === lastUrlOppref) return;
    lastUrlOppref = oppref = fromUrl;
    unsaved = true;
    saveOppref();
  };

  const userDataAllowed = (): boolean => consent === 'granted' && userDataConsent !== 'denied';

  const dispatch = (event: WireEvent): void => {
    relay?.enqueue(toRelayEvent(event, readObref()));
    if (isPixelEventType(event.type)) pixel?.measure(event);
    if (debug) console.info('[openai-capi] sent', event.type, event.id);
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
    doc.addEventListener(
      'visibilitychange',
      guard(() => {
        if (doc.visibilityState === 'hidden') void flush();
      }),
    );
  }
  oppref = cookieSafe(() => readCookie(doc, OPPREF_COOKIE));
  guard(() => {
    capture();
    if (consent === 'denied') deleteOppref();
  })();

  const setConsent = (state: ConsentDecision): void => {
    checkDecision(state, 'consent');
    if (state === 'granted' && gpcDenies) {
      if (debug) console.info('[openai-capi] GPC on: consent stays denied');
      return;
    }
    if (state === consent) return;
    consent = state;
    if (state === 'granted') {
      saveOppref();
      pixel?.setConsent(true);
      if (pixelUser && userDataAllowed()) pixel?.setUser(pixelUser);
      const queued = queue;
      queue = [];
      for (const event of queued) dispatch(event);
    } else {
      queue = [];
      relay?.clear();
      deleteOppref();
      pixel?.setConsent(false);
    }
  };

  const track = (eventName: EventType, data?: EventDataInput, givenOptions?: TrackOptions | null): string | undefined => {
    capture();
    if (consent === 'denied') return undefined;
    const trackOptions = givenOptions ?? {};
    // A misspelt option (`event_id`) or a bare key (`track(name, data, orderId)`) would otherwise
    // give a random id silently, and the browser and server copies would not deduplicate.
    if (typeof trackOptions !== 'object') invalid('options', 'invalid_type', `must be an object ${TRACK_OPTIONS}`);
    const [unknown] = unknownOptionIssues(trackOptions, TRACK_OPTION_NAMES, `track ${TRACK_OPTIONS}`);
    if (unknown) invalid(`options.${unknown.path}`, 'unknown_field', unknown.message);
    if (eventName === 'app_installed' || eventName === 'app_opened') {
      invalid('type', 'not_browser_event', 'is a mobile app event: send it from the server');
    }
    const timestamp = now();
    // Core skips `undefined` fields, so they need not be left out (hence the cast).
    const input = {
      type: eventName,
      timestamp,
      sourceUrl: location.href,
      id: trackOptions.eventId,
      key: trackOptions.key,
      customEventName: trackOptions.customEventName,
      optOut: trackOptions.optOut,
      keepSourceUrlQuery: options.keepSourceUrlQuery,
      oppref,
      data,
    } as EventInput;
    const event = buildEventWithoutUser(input, { now: timestamp });
    if (consent === 'granted') {
      dispatch(event);
    } else {
      queue.push(event);
      if (queue.length > maxQueued) {
        const dropped = queue.shift()!;
        report(new CapiError(`Consent pending, maxQueuedEvents (${maxQueued}) reached: dropped event ${dropped.id}`));
        // With maxQueuedEvents 0 the dropped event is this one: no id for an event that will never be sent.
        if (dropped === event) return undefined;
      }
    }
    return event.id;
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
      capture();
      return consent === 'denied' ? undefined : oppref;
    }),
    getObref: guard(() => (consent === 'denied' ? undefined : readObref())),
    flush,
  };
  return linkPixelUser(tracker, { user: {}, setUser: setPixelUser, report });
}

/** Throws a `CapiValidationError` with one issue. */
export function invalid(path: string, code: string, message: string): never {
  throw new CapiValidationError([{ path, code, message }]);
}

function checkDecision(state: unknown, path: string): void {
  if (!isConsentDecision(state)) invalid(path, 'invalid_consent', "must be 'granted' or 'denied'");
}

// Every option name, typed against TrackerOptions so that the list cannot fall behind it.
const TRACKER_OPTION_NAMES: Record<keyof TrackerOptions, true> = {
  endpoint: true, pixelId: true, consent: true, globalPrivacyControl: true, cookie: true, keepSourceUrlQuery: true,
  batchDelayMs: true, maxQueuedEvents: true, onError: true, debug: true, window: true, now: true,
};
const COOKIE_OPTION_NAMES: Record<keyof NonNullable<TrackerOptions['cookie']>, true> = { maxAgeDays: true, domain: true };

/** Reports configuration mistakes once, at creation. */
function checkOptions(options: TrackerOptions, pixelIds: readonly unknown[], validPixelIds: number, report: (error: unknown) => void): void {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string): unknown => issues.push({ path, code, message });
  // A misspelt option (`pixelIds`, `cookie.maxAge`) would be ignored: the pixel or the lifetime silently lost.
  // A key is a secret wherever it sits, inherited (a shared defaults object) included.
  const isSecret = (key: string) => /^api_?key$/i.test(key);
  for (const key in options) if (isSecret(key)) add(`options.${key}`, 'secret_in_browser', 'is a server secret: never in browser code (ignored)');
  for (const issue of unknownOptionIssues(options, TRACKER_OPTION_NAMES, 'createTracker')) {
    if (!isSecret(issue.path)) add(`options.${issue.path}`, issue.code, issue.message);
  }
  if (typeof options.cookie === 'object' && options.cookie !== null) {
    for (const issue of unknownOptionIssues(options.cookie, COOKIE_OPTION_NAMES, 'cookie')) add(`options.cookie.${issue.path}`, issue.code, issue.message);
  }
  if (options.endpoint !== undefined && (typeof options.endpoint !== 'string' || !options.endpoint)) {
    add('options.endpoint', 'invalid_endpoint', 'must be a non-empty URL');
  }
  pixelIds.forEach((id, index) => isPixelId(id) || add(`options.pixelId[${index}]`, 'invalid_pixel_id', 'must be a non-empty string (ignored)'));
  if (!options.endpoint && validPixelIds === 0) add('options', 'no_destination', 'set endpoint and/or pixelId, or events go nowhere');
  if (options.consent !== undefined && options.consent !== 'pending' && !isConsentDecision(options.consent)) {
    add('options.consent', 'invalid_consent', "must be 'pending', 'granted' or 'denied'");
  }
  // NaN would make the pending queue unbounded; a negative number would drop every event.
  if (options.maxQueuedEvents !== undefined && !isCount(options.maxQueuedEvents)) {
    add('options.maxQueuedEvents', 'invalid_value', 'must be an integer ≥ 0 (100 used)');
  }
  if (options.batchDelayMs !== undefined && !isNumber(options.batchDelayMs)) {
    add('options.batchDelayMs', 'invalid_value', 'must be a number ≥ 0 (25 used)');
  }
  const maxAgeDays = options.cookie?.maxAgeDays;
  if (maxAgeDays !== undefined && !isPositiveNumber(maxAgeDays)) {
    add('options.cookie.maxAgeDays', 'invalid_value', 'must be a positive number of days (30 used)');
  }
  if (issues.length > 0) report(new CapiValidationError(issues));
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < Infinity;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < Infinity;
}

function isPixelId(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '';
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
