/**
 * Google Consent Mode v2 adapter: reads the consent commands already in the `dataLayer`
 * (`gtag('consent', 'default' | 'update', {...})`) and follows new ones by wrapping
 * `dataLayer.push` (gtag.js and GTM chain to an existing push, so both keep working).
 * `ad_storage` drives storage and sending; `ad_user_data` drives whether `identify` data is sent.
 */
import { CapiValidationError, unknownOptionIssues, type CapiError } from '@x/openai-capi-core';
import type { ConsentDecision } from './consent.js';
import { createReporter, invalid } from './report.js';
import type { Tracker } from './tracker.js';

/** Options of {@link connectGoogleConsentMode}. */
export interface GoogleConsentModeOptions {
  /** The window to read (default the global one). */
  window?: Window | undefined;
  /** Name of the data layer array (default `'dataLayer'`, as in gtag's snippet). */
  dataLayerName?: string | undefined;
  /**
   * Receives a problem as a `CapiError` (default: `console.warn`): a `tracker` that is not one, a
   * data layer that is not an array (left untouched; nothing is followed), an unknown option name
   * (`unknown_option`; the connection is made all the same), or a consent command whose
   * `ad_storage` / `ad_user_data` is neither `'granted'` nor `'denied'` (ignored, as gtag does).
   */
  onError?: ((error: CapiError) => void) | undefined;
}

const OPTION_NAMES: Record<keyof GoogleConsentModeOptions, true> = { window: true, dataLayerName: true, onError: true };

type Signal = 'ad_storage' | 'ad_user_data';
type SignalState = { default?: ConsentDecision; update?: ConsentDecision };
type DataLayer = unknown[] & { push: (...items: unknown[]) => number };

/**
 * Connects a tracker to Google Consent Mode: applies the current state now and every later
 * `consent` command. An `update` wins over a `default` whatever their order, as in gtag.
 * Region-scoped defaults (`region: [...]`) are ignored: the page cannot know the region rule
 * gtag applied, so the tracker stays `pending` until a global default or an update arrives.
 *
 * Never throws: a setup problem goes to `onError` and gives a no-op connection; a consent value
 * other than `'granted'` / `'denied'` goes to `onError` too, and is ignored.
 *
 * @returns a function that disconnects (restores `dataLayer.push` if nothing wrapped it since)
 */
export function connectGoogleConsentMode(tracker: Tracker, options: GoogleConsentModeOptions = {}): () => void {
  try {
    if (typeof tracker?.setConsent !== 'function' || typeof tracker.setUserDataConsent !== 'function') {
      invalid('tracker', 'invalid_type', 'must be a tracker');
    }
    const win = options?.window ?? (typeof window === 'undefined' ? undefined : window);
    if (!win) return () => {};
    const report = createReporter(options ?? {});
    // A misspelt `datalayerName` would follow the wrong array and never see a consent command.
    const unknown = typeof options === 'object' && options !== null ? unknownOptionIssues(options, OPTION_NAMES, 'connectGoogleConsentMode') : [];
    if (unknown.length > 0) report(new CapiValidationError(unknown.map((issue) => ({ ...issue, path: `options.${issue.path}` }))));
    const holder = win as unknown as Record<string, unknown>;
    const name = options?.dataLayerName ?? 'dataLayer';
    // Someone else's global of that name is left alone: replacing it could break their code.
    holder[name] ??= [];
    if (!Array.isArray(holder[name])) invalid('window.' + name, 'invalid_type', 'must be an array');
    const dataLayer = holder[name] as DataLayer;
    const signals: Record<Signal, SignalState> = { ad_storage: {}, ad_user_data: {} };

    // Signals a command sets: only those are passed on, so a command that does not touch a signal
    // (`analytics_storage`) cannot undo a `setConsent` the site made since.
    const record = (entry: unknown, touched: Set<Signal>): void => {
      // gtag pushes its `arguments`: ['consent', 'default' | 'update', { ad_storage, … }].
      const command = entry as ArrayLike<unknown> | null | undefined;
      const kind = command?.[1];
      const params = (command?.[2] ?? {}) as Record<string, unknown>;
      if (command?.[0] !== 'consent' || (kind !== 'default' && kind !== 'update')) return;
      if (kind === 'default' && params['region'] !== undefined) return;
      for (const signal of ['ad_storage', 'ad_user_data'] as const) {
        const value = params[signal];
        if (value === 'granted' || value === 'denied') {
          signals[signal][kind] = value;
          touched.add(signal);
        } else if (value !== undefined) {
          // gtag ignores any other value too; say so, or a typo ('yes', 'Granted') leaves consent pending unseen.
          const path = `${name}.consent.${kind}.${signal}`;
          report(new CapiValidationError([{ path, code: 'invalid_consent', message: "must be 'granted' or 'denied' (ignored)" }]));
        }
      }
    };

    const apply = (entries: readonly unknown[]): void => {
      const touched = new Set<Signal>();
      for (const entry of entries) record(entry, touched);
      const storage = signals.ad_storage.update ?? signals.ad_storage.default;
      if (storage && touched.has('ad_storage')) tracker.setConsent(storage);
      const userData = signals.ad_user_data.update ?? signals.ad_user_data.default;
      if (userData && touched.has('ad_user_data')) tracker.setUserDataConsent(userData);
    };

    // The commands already there are applied as one state: a `default` denied followed by an
    // `update` granted (a returning visitor) must not delete the click id cookie and write it again.
    apply([...dataLayer]);
    let connected = true;
    const originalPush = dataLayer.push;
    const push = function (this: unknown, ...items: unknown[]): number {
      const length = originalPush.apply(this, items);
      // gtag.js and GTM wrap `push` in turn, so after disconnect this may still be called.
      if (!connected) return length;
      try {
        apply(items);
      } catch {
        // the tracker never throws; this only shields the page from a broken data layer entry
      }
      return length;
    };
    dataLayer.push = push;
    return () => {
      connected = false;
      if (dataLayer.push === push) dataLayer.push = originalPush;
    };
  } catch (error) {
    // The tracker's reporter: onError, else console.warn; a throwing onError is contained.
    createReporter(options ?? {})(error);
    return () => {};
  }
}
