// @vitest-environment node
// Under Node: core's deriveEventId (what the server runs) against the browser tracker's ids,
// the tracker running on a happy-dom window.
import { deriveEventId } from '@x/openai-capi-core';
import { Window } from 'happy-dom';
import { afterAll, describe, expect, it } from 'vitest';
import { createTracker } from './tracker.js';

const happy = new Window({ url: 'https://shop.example.com/checkout' });
afterAll(() => happy.happyDOM.close());
const tracker = createTracker({
  pixelId: 'p1',
  consent: 'granted',
  window: happy as unknown as globalThis.Window,
  onError: (e) => {
    throw e;
  },
});

describe('track(…, { key }) ≡ deriveEventId on the server', () => {
  it.each([
    ['order_created', 'order_12345', undefined],
    ['lead_created', 'lead-42', undefined],
    ['subscription_created', 'sub_é_日本', undefined],
    ['custom', 'quote 7', 'quote_requested'],
  ])('%s / %s', (type, key, customEventName) => {
    expect(process.versions.node).toBeTruthy();
    const id = tracker.track(type as 'custom', undefined, customEventName ? { key, customEventName } : { key });
    expect(id).toBe(deriveEventId(customEventName ?? type, key));
  });

  it('matches the documented vector', () => {
    expect(tracker.track('order_created', undefined, { key: 'order_12345' })).toBe('oac1_a54e4d7264f50a9cfad3ab5b936e1333');
  });
});
