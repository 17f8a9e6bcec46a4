/**
 * The `__oppref` click id of one tracker: read from the URL (a fresh value replaces the stored one)
 * and kept in a first-party cookie only while consent is granted, on the registrable domain found
 * by write-probe (or the configured `cookie.domain` when the browser accepts it).
 */
import { CapiError, readQueryParam } from '@x/openai-capi-core';
import { cookieDomainCandidates, deleteCookie, probeCookieDomain, readCookie, readCookieValues, writeCookie } from './cookies.js';
import { invalid } from './report.js';
import type { guarded } from './report.js';

declare const process: { env: { NODE_ENV?: string } };

/** Cookie holding OpenAI's click id (same name as OpenAI's own script uses). */
export const OPPREF_COOKIE = '__oppref';

/** What the store needs from its tracker. */
export interface OpprefStoreOptions {
  doc: Document;
  location: Location;
  /** `cookie.domain` unless `'auto'`. */
  configuredDomain: string | undefined;
  maxAgeSeconds: number;
  /** True while consent is granted: only then is the cookie written. */
  granted: () => boolean;
  report: (error: unknown) => void;
  /** The tracker's `guarded(report)`. */
  guard: ReturnType<typeof guarded>;
}

/** The click id and its cookie. No method throws: cookie failures are reported. */
export interface OpprefStore {
  /** The current click id (cookie or URL). */
  get(): string | undefined;
  /** Reads `oppref` from the current URL; a fresh value replaces the stored one (saved when granted). */
  capture(): void;
  /** Writes the cookie if the click id is not saved yet and consent is granted. */
  save(): void;
  /** Deletes the cookie on every domain it may sit on (consent denied); the id stays in memory, unsaved. */
  remove(): void;
}

/** Creates the store and reads the cookie once. */
export function createOpprefStore(o: OpprefStoreOptions): OpprefStore {
  const { doc, location, configuredDomain, maxAgeSeconds, report, guard } = o;
  const secure = location.protocol === 'https:';
  // Cookie access can throw (sandboxed iframes, disabled cookies): report it, keep tracking.
  const cookieSafe = <R>(fn: () => R): R | undefined => guard(fn)();
  let cookieDomain: string | undefined | null = null; // null: not probed yet
  let oppref = cookieSafe(() => readCookie(doc, OPPREF_COOKIE));
  let lastUrlOppref: string | undefined;
  let unsaved = false;

  const save = (): void =>
    cookieSafe(() => {
      if (!unsaved || oppref === undefined || !o.granted()) return;
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
        report(new CapiError(`The browser refused the ${OPPREF_COOKIE} cookie: the click id lasts for this page only`));
      }
      if ((typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production' && configuredDomain && cookieDomain !== configuredDomain) invalid('options.cookie.domain', 'cookie_refused', 'must be this host or a parent of it (auto used)');
    });

  return {
    get: () => oppref,
    capture() {
      const fromUrl = readQueryParam(location.search, 'oppref');
      if (fromUrl === undefined || fromUrl === lastUrlOppref) return;
      lastUrlOppref = oppref = fromUrl;
      unsaved = true;
      save();
    },
    save,
    remove() {
      unsaved = oppref !== undefined;
      cookieSafe(() => {
        for (const domain of [undefined, ...cookieDomainCandidates(location.hostname)]) deleteCookie(doc, OPPREF_COOKIE, domain, secure);
      });
    },
  };
}
