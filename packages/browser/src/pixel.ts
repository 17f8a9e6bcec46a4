/**
 * Bridge to OpenAI's Measurement Pixel (spec §8): installs the official `window.oaiq` queue stub,
 * loads OpenAI's script only once consent is granted, and forwards consent, `init` and `measure`.
 * The pixel is given only event data and options: never `source_url`, timestamps or `oppref`
 * (its script adds those itself).
 */
import type { PixelUser, WireEventData } from '@x/openai-capi-core';
import type { RelayEvent } from './relay-transport.js';

/** OpenAI's pixel script. */
export const PIXEL_SCRIPT_URL = 'https://bzrcdn.openai.com/sdk/oaiq.min.js';

/** The `window.oaiq` command function (stub or real), with the stub's queue. */
export type Oaiq = ((...args: unknown[]) => void) & { q?: unknown[] };

type PixelWindow = Window & { oaiq?: Oaiq };

/**
 * Installs OpenAI's queue stub when `window.oaiq` is absent, exactly like the official snippet:
 * a function that pushes its `arguments` onto `oaiq.q`, which the script drains when it loads.
 *
 * @returns `false` when the page already had a `window.oaiq` (left as it is)
 */
export function installPixelStub(win: Window): boolean {
  const w = win as PixelWindow;
  if (w.oaiq) return false;
  const q: Oaiq = function () {
    // eslint-disable-next-line prefer-rest-params -- the script expects the arguments objects
    (q.q as unknown[]).push(arguments);
  };
  q.q = [];
  w.oaiq = q;
  return true;
}

/** Adds the pixel script (async) unless the page already has it. */
export function loadPixelScript(doc: Document, url: string): void {
  if (doc.querySelector(`script[src="${url}"]`)) return;
  const script = doc.createElement('script');
  script.async = true;
  script.src = url;
  (doc.head ?? doc.documentElement).appendChild(script);
}

/** Options of {@link createPixelBridge}. */
export interface PixelBridgeOptions {
  window: Window;
  pixelIds: readonly string[];
  /** Consent at start: `oaiq('consent', granted)` is queued before any `init`. */
  granted: boolean;
  /** Passes `debug: true` to each `init` (the pixel then logs to the console). */
  debug: boolean;
  /** Receives what a throwing `window.oaiq` (a broken pixel script) throws. */
  onError: (error: unknown) => void;
  /** The script to load on the first grant (default {@link PIXEL_SCRIPT_URL}); checked in development builds only (`SCRIPT_URL` in option-values.ts). */
  pixelScriptUrl?: string | undefined;
}

/** The commands the tracker sends to the pixel. */
export interface PixelBridge {
  /** `oaiq('consent', granted)`; loads the script on the first grant. */
  setConsent(granted: boolean): void;
  /**
   * `measure` (one pixel, on a stub this bridge installed) or `measureSingle` per pixel (several
   * pixels, or a page whose own `oaiq` may have other pixels), with the event's id as `event_id`.
   * `data` is the pixel's data (`pixelDataOf`: extra keys of custom data are server-only, spec §6).
   */
  measure(event: RelayEvent, data: WireEventData): void;
  /** Re-`init`s every pixel with the complete user (`undefined` clears it: init replaces). */
  setUser(user: PixelUser | undefined): void;
}

/** Installs the stub, sends consent then one `init` per pixel, and returns the bridge. */
export function createPixelBridge(options: PixelBridgeOptions): PixelBridge {
  const { window: win, pixelIds, debug, onError } = options;
  // Read window.oaiq on every call: the loaded script may replace the stub. A pixel that throws
  // is reported, and must not stop what comes after it (the relay, the other pixels, the replay).
  const oaiq = (...args: unknown[]): void => {
    try {
      (win as PixelWindow).oaiq?.(...args);
    } catch (error) {
      onError(error);
    }
  };
  const init = (user: PixelUser | undefined): void => {
    for (const pixelId of pixelIds) {
      oaiq('init', { pixelId, ...(debug ? { debug } : {}), ...(user ? { user } : {}) });
    }
  };
  const setConsent = (granted: boolean): void => {
    oaiq('consent', granted);
    if (!granted) return;
    // OpenAI's script writes cookies even when told consent is false: load it only once granted.
    // A page that refuses the script (Trusted Types, a locked-down head) must not stop the grant.
    try {
      loadPixelScript(win.document, options.pixelScriptUrl || PIXEL_SCRIPT_URL);
    } catch (error) {
      onError(error);
    }
  };

  // On a page that set up `oaiq` itself, other pixels may be initialised: `measure` would count
  // our events on them too, so each event goes to our pixels only.
  const sharedOaiq = !installPixelStub(win);
  setConsent(options.granted);
  init(undefined);

  return {
    setConsent,
    measure(event, data) {
      const measureOptions = {
        event_id: event.id,
        ...(event.customEventName ? { custom_event_name: event.customEventName } : {}),
        ...(event.optOut !== undefined ? { opt_out: event.optOut } : {}),
      };
      if (pixelIds.length === 1 && !sharedOaiq) oaiq('measure', event.type, data, measureOptions);
      else for (const pixelId of pixelIds) oaiq('measureSingle', pixelId, event.type, data, measureOptions);
    },
    setUser: init,
  };
}
