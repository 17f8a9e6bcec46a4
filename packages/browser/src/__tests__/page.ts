/**
 * A fresh happy-dom page per test: its own URL, cookies and navigator, with `sendBeacon` and
 * `fetch` recorded (nothing leaves the process) and every `document.cookie` write logged.
 */
import { Window } from 'happy-dom';
import { afterEach } from 'vitest';
import type { RelayBody, RelayEvent } from '../relay-transport.js';

/** The clock of the spec's vectors (`now_ms`): inside the 7-day window of their timestamps. */
export const NOW = 1_773_892_860_000;

export interface Page {
  happy: Window;
  /** The same window typed as the DOM `Window` the package expects. */
  win: globalThis.Window;
  beacons: { url: string; body: string }[];
  /**
   * Every relay post, beacons then fetches (development builds post with fetch, production builds
   * with sendBeacon first): what was sent, whatever the transport.
   */
  posts(): { url: string; body: string }[];
  fetches: { url: string; init: RequestInit | undefined }[];
  /** Every string assigned to `document.cookie`, in order. */
  cookieWrites: string[];
  /** Every relay event posted so far (beacon and fetch bodies). */
  relayEvents(): RelayEvent[];
  /** The `oaiq` stub's queue, each entry as a plain array. */
  oaiqCalls(): unknown[][];
  /** Navigates like an SPA (`history.pushState`). */
  pushState(url: string): void;
}

const open: Window[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.happyDOM.close()));
});

export interface PageOptions {
  gpc?: boolean;
  /** `sendBeacon` answers false (queue full), forcing the fetch fallback. */
  beaconRefuses?: boolean;
  fetchStatus?: number;
  /** The body of every fetch answer (default `{}`). */
  fetchBody?: string;
  /** The cookie jar drops every write (cookies blocked by the browser or an extension). */
  cookiesBlocked?: boolean;
}

/** Opens a page at `url` (default an https landing page with `?oppref=click_123`). */
export function openPage(url = 'https://shop.example.com/landing?oppref=click_123&utm_source=chatgpt', options: PageOptions = {}): Page {
  const happy = new Window({
    url,
    settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: true, disableCSSFileLoading: true },
  });
  open.push(happy);
  const beacons: Page['beacons'] = [];
  const fetches: Page['fetches'] = [];
  const cookieWrites: string[] = [];
  Object.defineProperty(happy.navigator, 'sendBeacon', {
    configurable: true,
    value: (target: string, body: unknown) => {
      if (options.beaconRefuses) return false;
      beacons.push({ url: target, body: String(body) });
      return true;
    },
  });
  if (options.gpc) Object.defineProperty(happy.navigator, 'globalPrivacyControl', { configurable: true, value: true });
  Object.defineProperty(happy, 'fetch', {
    configurable: true,
    value: async (target: string, init?: RequestInit) => {
      fetches.push({ url: target, init });
      return new happy.Response(options.fetchBody ?? '{}', { status: options.fetchStatus ?? 200 });
    },
  });
  const doc = happy.document;
  let proto: object | null = doc;
  while (proto && !Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto) as object | null;
  const cookie = Object.getOwnPropertyDescriptor(proto!, 'cookie')!;
  Object.defineProperty(doc, 'cookie', {
    configurable: true,
    get: () => cookie.get!.call(doc) as string,
    set: (value: string) => {
      cookieWrites.push(value);
      if (!options.cookiesBlocked) cookie.set!.call(doc, value);
    },
  });
  const win = happy as unknown as Page['win'];
  return {
    happy,
    win,
    beacons,
    posts: () => [...beacons, ...fetches.map((f) => ({ url: f.url, body: String(f.init?.body) }))],
    fetches,
    cookieWrites,
    relayEvents: () =>
      [...beacons.map((b) => b.body), ...fetches.map((f) => String(f.init?.body))].flatMap(
        (body) => (JSON.parse(body) as RelayBody).events,
      ),
    oaiqCalls: () => ((win as unknown as { oaiq?: { q?: ArrayLike<unknown>[] } }).oaiq?.q ?? []).map((a) => Array.from(a)),
    pushState: (next) => happy.history.pushState({}, '', next),
  };
}
