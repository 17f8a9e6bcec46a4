import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CapiError } from '@x/openai-capi-core';
import { NOW, openPage, type Page } from './__tests__/page.js';
import { identify } from './identify.js';
import { createTracker, type TrackerOptions } from './tracker.js';

/** Lowercase letters and digits so normalizers keep it; letters outside hex so no digest holds it. */
const MARK = 'mk7leak7mk';
const PHONE_MARK = '90417730552';
const leaks = (text: string) => text.toLowerCase().includes(MARK) || text.includes(PHONE_MARK);

const CONSOLE = ['log', 'info', 'warn', 'error', 'debug'] as const;
let spies: MockInstance[] = [];
beforeEach(() => {
  spies = CONSOLE.map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
});
afterEach(() => vi.restoreAllMocks());
const show = (v: unknown) => {
  try {
    return typeof v === 'string' ? v : v instanceof Error ? `${v.name}: ${v.message}` : (JSON.stringify(v) ?? String(v));
  } catch {
    return '[unprintable]';
  }
};
const consoleText = () => spies.flatMap((s) => s.mock.calls.map((args) => args.map(show).join(' '))).join('\n');

const anything = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, maxDepth: 3 });
const marked = fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })).map(([a, b]) => `${a}${MARK}${b}`);
const markedPersonal = fc.oneof(
  marked,
  fc.constantFrom(`${MARK}@example.com`, ` ${MARK.toUpperCase()}@Shop.example `, `O'${MARK}`, `+${PHONE_MARK}`, `${PHONE_MARK} ext. 2`, `${MARK}@@x`),
);
const user = fc.oneof(
  fc.record(
    {
      email: fc.oneof(markedPersonal, fc.array(markedPersonal, { maxLength: 4 })),
      phone: markedPersonal,
      firstName: markedPersonal,
      lastName: markedPersonal,
      externalId: markedPersonal,
      country: fc.constantFrom('US', 'France'),
      city: fc.constantFrom('Paris'),
      obref: fc.constant('ob'),
      x: anything,
    },
    { requiredKeys: [] },
  ),
  anything,
);
const eventName = fc.oneof(fc.constantFrom('page_viewed', 'order_created', 'lead_created', 'custom', 'app_installed', 'quote'), anything);
const data = fc.oneof(
  fc.record({ value: fc.oneof(fc.constantFrom('19.99', '1.999', 5), anything), currency: fc.constantFrom('USD', 'usd', 'XX'), contents: fc.array(fc.record({ id: fc.string(), quantity: fc.nat(3) }), { maxLength: 2 }), planId: fc.string(), step: anything }, { requiredKeys: [] }),
  anything,
);
const trackOptions = fc.oneof(fc.record({ eventId: fc.oneof(fc.string(), anything), customEventName: fc.constantFrom('quiz', 'Bad Name'), optOut: fc.oneof(fc.boolean(), anything) }, { requiredKeys: [] }), anything);
const decision = fc.oneof(fc.constantFrom('granted', 'denied'), anything);

/** One random call on a tracker. */
const call = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('track' as const), eventName, data, trackOptions) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('identify' as const), user) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('setConsent' as const), decision) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('setUserDataConsent' as const), decision) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('getOppref' as const, 'getObref' as const, 'flush' as const)) },
);
const trackerOptions = fc.record(
  {
    endpoint: fc.oneof(fc.constant('/api/openai-capi'), anything),
    pixelId: fc.oneof(fc.constant('px1'), fc.array(fc.constantFrom('px1', 'px2', '')), anything),
    consent: fc.oneof(fc.constantFrom('pending', 'granted', 'denied'), anything),
    globalPrivacyControl: fc.oneof(fc.boolean(), anything),
    cookie: fc.oneof(fc.record({ maxAgeDays: fc.oneof(fc.nat(60), anything), domain: fc.oneof(fc.constant('auto'), fc.string()) }, { requiredKeys: [] }), anything),
    keepSourceUrlQuery: fc.oneof(fc.boolean(), anything),
    maxQueuedEvents: fc.oneof(fc.nat(3), anything),
    debug: fc.oneof(fc.boolean(), anything),
    apiKey: fc.constant('sk-browser-SECRET'),
  },
  { requiredKeys: [] },
);

let page: Page;
beforeEach(() => {
  page = openPage();
});

/** Everything the page or the outside world could see: beacons, fetches, cookies, the pixel queue. */
const outbound = () =>
  JSON.stringify([page.beacons, page.fetches.map((f) => String(f.init?.body)), page.cookieWrites, page.oaiqCalls()], (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v,
  );

describe('browser tracker with random arguments (properties)', () => {
  it('never throws; every problem reaches onError as a CapiError; no raw personal data is printed or sent', async () => {
    await fc.assert(
      fc.asyncProperty(trackerOptions, fc.array(call, { minLength: 1, maxLength: 8 }), async (options, calls) => {
        const errors: unknown[] = [];
        const tracker = createTracker({ ...(options as TrackerOptions), window: page.win, now: () => NOW, onError: (e) => errors.push(e) });
        for (const [method, ...args] of calls) {
          const result: unknown =
            method === 'identify' ? identify(tracker, args[0] as never) : (tracker[method] as (...a: unknown[]) => unknown)(...args);
          if (method === 'track') expect(result === undefined || typeof result === 'string').toBe(true);
          if (method === 'flush' || method === 'identify') await result;
        }
        await tracker.flush();
        for (const e of errors) expect(CapiError.isInstance(e)).toBe(true);
        const text = [errors.map(show).join('\n'), consoleText(), outbound()].join('\n');
        expect(leaks(text), text).toBe(false);
        expect(text).not.toContain('sk-browser-SECRET');
      }),
      { numRuns: 200 },
    );
  });

  it('hashes identify() data (WebCrypto) before it reaches the pixel', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(`${MARK}@example.com`, ` ${MARK.toUpperCase()}@Shop.example `), fc.constantFrom(`+${PHONE_MARK}`, `O'${MARK}`), async (email, other) => {
        const errors: unknown[] = [];
        const tracker = createTracker({ pixelId: 'px1', consent: 'granted', window: page.win, now: () => NOW, onError: (e) => errors.push(e) });
        await identify(tracker, { email, ...(other.startsWith('+') ? { phone: other } : { firstName: other }) });
        expect(errors).toEqual([]);
        const init = page.oaiqCalls().filter((c) => c[0] === 'init').at(-1) as [string, { user?: Record<string, string> }];
        expect(Object.values(init[1].user ?? {})).not.toHaveLength(0);
        for (const value of Object.values(init[1].user ?? {})) expect(value).toMatch(/^[0-9a-f]{64}$/);
        expect(leaks(outbound())).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it('createTracker itself never throws, even with options that are not an object', () => {
    fc.assert(
      fc.property(anything, (options) => {
        const tracker = createTracker(options as TrackerOptions);
        const id = tracker.track('page_viewed');
        expect(id === undefined || typeof id === 'string').toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('browser tracker regressions found by the properties', () => {
  // createTracker(null) threw a TypeError (the `= {}` default covers only `undefined`).
  it('createTracker(null) and other non-object options give a tracker instead of throwing', () => {
    for (const options of [null, 'endpoint', 42, true]) {
      const tracker = createTracker(options as unknown as TrackerOptions);
      expect(() => tracker.track('page_viewed')).not.toThrow();
      expect(() => tracker.setConsent('granted')).not.toThrow();
    }
    expect(consoleText()).toContain('[openai-capi]'); // no onError: the problems went to the console
  });

  // An error that cannot be turned into a string (a null-prototype object thrown by a getter)
  // made the reporter itself throw out of track().
  it('track() does not throw when what was thrown cannot be printed', () => {
    const errors: unknown[] = [];
    const tracker = createTracker({ endpoint: '/r', window: page.win, now: () => NOW, onError: (e) => errors.push(e) });
    const hostile = {
      get eventId(): string {
        throw Object.create(null);
      },
    };
    expect(() => tracker.track('page_viewed', undefined, hostile)).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(CapiError.isInstance(errors[0])).toBe(true);
  });
});
