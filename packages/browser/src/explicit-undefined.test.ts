import { describe, expect, it } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import { connectDataLayer } from './connect-data-layer.js';
import { connectGoogleConsentMode } from './consent-mode.js';
import { createTracker } from './tracker.js';

// Under `exactOptionalPropertyTypes` the option types accept `undefined` (`debug: flags.debug`):
// at run time an option set to undefined must mean "not set", never an error or a changed default.
const u = undefined;

describe('options set to undefined', () => {
  it('createTracker, track, connectGoogleConsentMode and connectDataLayer treat them as absent', async () => {
    const page = openPage('https://shop.example.com/?oppref=click_1');
    const errors: unknown[] = [];
    const tracker = createTracker({
      endpoint: '/r',
      window: page.win,
      now: () => NOW,
      onError: (e) => errors.push(e),
      pixelId: u,
      consent: u,
      globalPrivacyControl: u,
      cookie: { maxAgeDays: u, domain: u },
      keepSourceUrlQuery: u,
      batchDelayMs: u,
      maxQueuedEvents: u,
      debug: u,
    });
    expect(tracker.consent).toBe('pending');
    tracker.setConsent('granted');
    const id = tracker.track('order_created', { value: '1.00', currency: 'USD', contents: u, planId: u, amount: u }, { eventId: 'order_1', customEventName: u, optOut: u });
    expect(id).toBe('order_1');
    const disconnect = connectGoogleConsentMode(tracker, { window: u, dataLayerName: u, onError: u });
    disconnect();
    connectDataLayer(tracker, { events: u, transform: u, window: u, dataLayerName: u }).disconnect();
    await tracker.flush();
    expect(errors).toEqual([]);
    expect(page.relayEvents()).toHaveLength(1);
  });
});
