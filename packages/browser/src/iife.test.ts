// @vitest-environment node
// The script-tag build, as a page would run it. `pnpm test` builds first; a bare `vitest run`
// without a build skips this file.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveEventId } from '@x/openai-capi-core';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import type * as Browser from './index.js';

const file = fileURLToPath(new URL('../dist/openai-capi.iife.js', import.meta.url));

describe.skipIf(!existsSync(file))('dist/openai-capi.iife.js', () => {
  it('defines the OpenAICapi global with core bundled in, and tracks', async () => {
    const code = readFileSync(file, 'utf8');
    expect(code).not.toMatch(/require\(|openai-capi-core/);
    const happy = new Window({ url: 'https://shop.example.com/?oppref=c1' });
    const beacons: string[] = [];
    Object.defineProperty(happy.navigator, 'sendBeacon', { value: (_url: string, body: string) => beacons.push(body) > 0 });
    // Run the file like a classic script whose globals are the page's.
    const api = new Function('window', 'document', 'navigator', `${code}\nreturn OpenAICapi;`)(
      happy,
      happy.document,
      happy.navigator,
    ) as typeof Browser;
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['createTracker', 'identify', 'connectGoogleConsentMode', 'deriveEventId']));
    const tracker = api.createTracker({ endpoint: '/r', consent: 'granted', onError: (e) => expect.fail(e.message) });
    const id = tracker.track('order_created', { value: '1.50', currency: 'EUR' }, { key: 'o1' });
    expect(id).toBe(deriveEventId('order_created', 'o1'));
    api.identify(tracker, { email: 'ada@example.com' });
    await tracker.flush();
    expect(JSON.parse(beacons[0]!)).toMatchObject({ v: 1, events: [{ id, oppref: 'c1', data: { amount: 150 } }] });
    expect(beacons.join()).not.toContain('ada@');
    await happy.happyDOM.close();
  });
});
