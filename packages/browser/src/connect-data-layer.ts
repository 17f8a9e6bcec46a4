/**
 * GA4 `dataLayer` adapter: tracks the GA4 ecommerce events a shop already pushes
 * (`dataLayer.push({ event: 'purchase', ecommerce: { transaction_id, value, currency, items } })`,
 * or gtag's `gtag('event', 'purchase', {...})`) as OpenAI conversions, with core's one GA4 mapping
 * (`ga4EventOf` + `mapGa4Params`, the parts of `fromGa4` a browser needs). A separate function, so
 * `{ createTracker }` alone does not carry it.
 */
import { CapiValidationError, GA4_EVENT_MAP, ga4EventOf, mapGa4Params, unknownOptionIssues } from '@x/openai-capi-core';
import type { EventDataInput, EventType, Issue } from '@x/openai-capi-core';
import { readGa4Event, type EcommerceState } from './connect-data-layer-read.js';
import { pixelUserLinkOf } from './pixel-user-link.js';
import { createReporter, invalid } from './report.js';
import type { Tracker, TrackOptions } from './tracker.js';

/**
 * The GA4 events tracked by default: every name of core's `GA4_EVENT_MAP` but `page_view` (`view_item`,
 * `add_to_cart`, `begin_checkout`, `purchase`, `generate_lead`, `sign_up`).
 */
export const DATA_LAYER_EVENTS: readonly string[] = /* @__PURE__ */ Object.keys(GA4_EVENT_MAP).filter((name) => name !== 'page_view');

/** One mapped event, as `connectDataLayer` is about to pass it to `track`. */
export interface DataLayerEvent {
  /** The OpenAI event type (`purchase` → `'order_created'`). */
  type: EventType;
  /** Friendly data: `value` as pushed (major units), `currency`, `contents` from `items`. */
  data: EventDataInput;
  /** The event id: GA4's `transaction_id`, verbatim (absent: the tracker mints a random one). */
  eventId?: string | undefined;
  /** For custom events: the GA4 event name. */
  customEventName?: string | undefined;
  /** Exclude this event from user-level personalization. */
  optOut?: boolean | undefined;
}

/** Options of {@link connectDataLayer}. */
export interface DataLayerOptions {
  /**
   * GA4 event names to track (default {@link DATA_LAYER_EVENTS}). A name outside core's GA4 table
   * (`GA4_EVENT_MAP`) opts in to a custom event of that name (a valid lowercase custom name);
   * `page_view` maps to `page_viewed`.
   */
  events?: readonly string[] | undefined;
  /**
   * Called with each mapped event and the `dataLayer` entry it came from (GTM's object, or gtag's
   * `arguments`); returns the event to track, or `null` to skip it. Anything else is reported and
   * the event skipped.
   */
  transform?: ((event: DataLayerEvent, push: unknown) => DataLayerEvent | null) | undefined;
  /** The window to read (default the global one). */
  window?: Window | undefined;
  /** Name of the data layer array (default `'dataLayer'`). */
  dataLayerName?: string | undefined;
}

/** The result of {@link connectDataLayer}. */
export interface DataLayerConnection {
  /** Stops tracking pushes (and restores `dataLayer.push` if nothing wrapped it since). */
  disconnect(): void;
}

const OPTION_NAMES: Record<keyof DataLayerOptions, true> = { events: true, transform: true, window: true, dataLayerName: true };

type DataLayer = unknown[] & { push: (...items: unknown[]) => number };
declare const process: { env: { NODE_ENV?: string } };

/**
 * Tracks the GA4 events of `window.dataLayer` with `tracker`: the entries already there now, and
 * every later push, also once Google Tag Manager or gtag.js has wrapped `push` (or wraps it after
 * this did: each chains to the other). `purchase` → `order_created` with `transaction_id` as the
 * event id, so the server's order event with the same id dedupes with it; a purchase pushed twice
 * (a reloaded thank-you page) is sent twice with one id, which OpenAI dedupes.
 *
 * `ecommerce` is read as GTM's data model holds it (merged push after push, reset by
 * `ecommerce: null`). Never throws into the page and never breaks other `dataLayer` listeners: a push
 * that cannot be mapped (a `value` without `currency`, malformed `items`) is reported to the
 * tracker's `onError` and not tracked. Development builds check the options: an invalid one is
 * reported and nothing is connected.
 *
 * @example connectDataLayer(tracker);
 * @returns the connection, whose `disconnect()` stops it
 */
export function connectDataLayer(tracker: Tracker, options: DataLayerOptions = {}): DataLayerConnection {
  const report = pixelUserLinkOf(tracker)?.report ?? createReporter({});
  const none: DataLayerConnection = { disconnect: () => {} };
  try {
    // `null` (easy from a script tag) means no options.
    const opts: DataLayerOptions = options ?? {};
    const win = opts.window ?? (typeof window === 'undefined' ? undefined : window);
    const name = opts.dataLayerName ?? 'dataLayer';
    // Development builds check the options (a misspelt `transfrom` would lose a filter): nothing is
    // connected until they are fixed. Production builds leave the check out.
    if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production') checkOptions(tracker, opts);
    const names = new Map((opts.events ?? DATA_LAYER_EVENTS).map((event) => [event, ga4EventOf(event)]));
    if (!win) return none;
    const holder = win as unknown as Record<string, unknown>;
    // Someone else's global of that name is left alone: replacing it could break their code.
    holder[name] ??= [];
    if (!Array.isArray(holder[name])) invalid('window.' + name, 'invalid_type', 'must be an array');
    const dataLayer = holder[name] as DataLayer;
    const state: EcommerceState = {};

    const handle = (entry: unknown): void => {
      const [ga4Name, params, gtag] = readGa4Event(entry, state);
      const head = names.get(ga4Name as string);
      if (!head) return;
      // Issue paths name the push: `dataLayer.purchase.ecommerce.items[0].price`.
      const { type, data, id, customEventName } = mapGa4Params(head, params, `${name}.${ga4Name}${gtag ? '' : '.ecommerce'}`);
      let event: DataLayerEvent | null = { type, data: data!, eventId: id, customEventName };
      if (opts.transform) {
        event = opts.transform(event, entry);
        if (event === null) return;
        // Production builds report another result as the TypeError it causes below.
        if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production' && typeof event?.type !== 'string') {
          invalid(`options.transform(${String(ga4Name)})`, 'invalid_type', 'must return an event or null');
        }
      }
      // The rest are track's options: a key a transform misspelt (`eventID`) is reported by track.
      const { type: eventType, data: eventData, ...trackOptions } = event;
      tracker.track(eventType, eventData, trackOptions as TrackOptions);
    };

    // Never throws: a problem of one entry is reported, and the push goes on.
    const handleAll = (entries: readonly unknown[]): void => {
      for (const entry of entries) {
        try {
          handle(entry);
        } catch (error) {
          report(error);
        }
      }
    };
    handleAll([...dataLayer]);
    let connected = true;
    const originalPush = dataLayer.push;
    const push = function (this: unknown, ...items: unknown[]): number {
      // Handled before passing them on: what GTM's listeners push in turn (inside the push below)
      // then comes after them, in push order. GTM and gtag.js wrap `push` in turn, so after
      // disconnect this may still be called.
      if (connected) handleAll(items);
      return originalPush.apply(this, items);
    };
    dataLayer.push = push;
    return {
      disconnect() {
        connected = false;
        if (dataLayer.push === push) dataLayer.push = originalPush;
      },
    };
  } catch (error) {
    report(error);
    return none;
  }
}

/** Development builds: throws (nothing connected) on an invalid option. */
function checkOptions(tracker: Tracker, options: DataLayerOptions): void {
  if (typeof tracker?.track !== 'function') invalid('tracker', 'invalid_type', 'must be a tracker');
  const issues: Issue[] = unknownOptionIssues(options, OPTION_NAMES, 'connectDataLayer').map((issue) => ({ ...issue, path: `options.${issue.path}` }));
  const { events = DATA_LAYER_EVENTS, transform } = options;
  if (!Array.isArray(events)) issues.push({ path: 'options.events', code: 'invalid_type', message: 'must be an array of GA4 event names' });
  else
    events.forEach((event: unknown, i) => {
      if (!ga4EventOf(event)) issues.push({ path: `options.events[${i}]`, code: 'invalid_format', message: 'must be a GA4 event name (lowercase a-z 0-9 _ -)' });
    });
  if (transform !== undefined && typeof transform !== 'function') issues.push({ path: 'options.transform', code: 'invalid_type', message: 'must be a function' });
  if (issues.length > 0) throw new CapiValidationError(issues);
}
