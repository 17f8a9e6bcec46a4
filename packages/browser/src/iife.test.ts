// @vitest-environment node
// The script-tag builds, as a page would run them (no `process` global). `pnpm test` builds first;
// without a build this file fails and says so.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '@x/openai-capi-core';
import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Browser from './index.js';

const dist = (name: string) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
const windows: Window[] = [];
afterEach(async () => {
  await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
});

function load(name: string) {
  const file = dist(name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run pnpm build first`);
  const code = readFileSync(file, 'utf8');
  expect(code).not.toMatch(/require\(|openai-capi-core/);
  const happy = new Window({ url: 'https://shop.example.com/?oppref=c1' });
  windows.push(happy);
  const posts: { via: string; body: string }[] = [];
  Object.defineProperty(happy.navigator, 'sendBeacon', { value: (_url: string, body: string) => posts.push({ via: 'beacon', body }) > 0 });
  Object.defineProperty(happy, 'fetch', { value: async (_url: string, init: RequestInit) => (posts.push({ via: 'fetch', body: String(init.body) }), new happy.Response('{}')) });
  // Run the file like a classic script whose globals are the page's.
  const api = new Function('window', 'document', 'navigator', 'process', `${code}\nreturn OpenAICapi;`)(happy, happy.document, happy.navigator, undefined) as typeof Browser;
  return { api, posts, code };
}

describe('dist/openai-capi.iife.js (production)', () => {
  it('defines the OpenAICapi global with core bundled in, and tracks with a beacon in relay format v2', async () => {
    const { api, posts, code } = load('openai-capi.iife.js');
    expect(code).not.toContain('secret_in_browser'); // no development checks
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['createTracker', 'identify', 'connectGoogleConsentMode', 'createEventId']));
    expect(Object.keys(api)).not.toContain('deriveEventId');
    const errors: unknown[] = [];
    const tracker = api.createTracker({ endpoint: '/r', consent: 'granted', pixelId: 'p1', onError: (e) => errors.push(e) });
    const id = tracker.track('order_created', { value: '1.50', currency: 'EUR' }, { eventId: 'o1' });
    expect(id).toBe('o1');
    await api.identify(tracker, { email: ' Ada@Example.com ' });
    await tracker.flush();
    expect(errors).toEqual([]);
    expect(posts.map((p) => p.via)).toEqual(['beacon']);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ v: 2, consent: 'granted', events: [{ id, oppref: 'c1', data: { value: '1.50', currency: 'EUR' } }] });
    const calls = ((windows[0] as unknown as { oaiq: { q: ArrayLike<unknown>[] } }).oaiq.q).map((a) => Array.from(a));
    // The raw e-mail reaches neither the relay nor the pixel (`posts.join()` alone would print objects).
    expect(posts.map((p) => p.body).join() + JSON.stringify(calls)).not.toMatch(/ada@/i);
    expect(calls).toContainEqual(['measure', 'order_created', { type: 'contents', amount: 150, currency: 'EUR' }, { event_id: 'o1' }]);
    // WebCrypto's SHA-256 of core's normalized e-mail, the same digest as core's own hasher.
    expect(calls.at(-1)).toEqual(['init', { pixelId: 'p1', user: { email_sha256: sha256Hex('ada@example.com') } }]);
  });
});

describe('dist/openai-capi.dev.iife.js (development)', () => {
  it('checks every event with core at the call site and posts with fetch', async () => {
    const { api, posts, code } = load('openai-capi.dev.iife.js');
    expect(code).toContain('secret_in_browser');
    const errors: { issues?: { path: string }[] }[] = [];
    const tracker = api.createTracker({ endpoint: '/r', consent: 'granted', onError: (e) => errors.push(e as never) });
    expect(tracker.track('order_created', { contents: [{ id: 'a', quantity: -1 }] })).toBeUndefined();
    expect(errors[0]!.issues!.map((i) => i.path)).toEqual(['data.contents[0].quantity']);
    expect(tracker.track('page_viewed', undefined, { eventId: 'p1' })).toBe('p1');
    await tracker.flush();
    expect(posts.map((p) => p.via)).toEqual(['fetch']);
  });
});
