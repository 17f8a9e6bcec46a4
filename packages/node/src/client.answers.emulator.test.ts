/**
 * The answers recorded from the live API (spec §7b), from the real emulator over loopback HTTP (no
 * msw here: it would intercept these requests), and how the client classifies them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, fromGa4, type WireEvent } from '@x/openai-capi-core';
import { startEmulator, type Emulator } from '@x/openai-capi-testing';
import { createClient } from './client.js';

describe('recorded answers through the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: 'sk_answers', pixelIds: ['px_known'] });
  });
  afterAll(() => emulator.close());
  afterEach(() => emulator.reset());

  const client = (pixelId: string, extra: Record<string, unknown> = {}) =>
    createClient({ pixelId, apiKey: 'sk_answers', endpoint: emulator.endpoint, logLevel: 'off', maxRetries: 0, ...extra });

  it('an unknown pixel id: 403 unknown pid, reported as config naming the pixel', async () => {
    const report = await client('px_typo').send([buildEvent({ type: 'lead_created', id: 'L-1', actionSource: 'offline' })]);
    expect(report.rejected[0]).toMatchObject({ reason: 'config', status: 403 });
    expect(report.rejected[0]?.error.message).toContain('pixel "px_typo"');
    expect(emulator.requests.map((r) => r.status)).toEqual([403]);
  });

  it('a bad key: 401, auth', async () => {
    const report = await createClient({ pixelId: 'px_known', apiKey: 'sk_wrong', endpoint: emulator.endpoint, logLevel: 'off' }).send([
      buildEvent({ type: 'lead_created', id: 'L-2', actionSource: 'offline' }),
    ]);
    expect(report.rejected[0]).toMatchObject({ reason: 'auth', status: 401 });
  });

  it('a timestamp outside the window (the emulator clock ahead): 422, isolated, the rest delivered', async () => {
    const day = 86_400_000;
    const skewed = await startEmulator({ apiKey: 'sk_answers', now: () => Date.now() + day });
    try {
      const c = createClient({ pixelId: 'px_any', apiKey: 'sk_answers', endpoint: skewed.endpoint, logLevel: 'off' });
      const t = Date.now();
      const events = ['a', 'b', 'c'].map((id, i) =>
        buildEvent({ type: 'lead_created', id, actionSource: 'offline', timestamp: i === 1 ? t - 6.5 * day : t }),
      );
      const report = await c.send(events);
      expect(new Set(report.delivered)).toEqual(new Set(['a', 'c']));
      expect(report.rejected).toEqual([expect.objectContaining({ id: 'b', reason: 'api', status: 422 })]);
      expect(report.rejected[0]?.error.message).toMatch(/event_timestamp_too_old/);
    } finally {
      await skewed.close();
    }
  });

  it('a wire event without action_source is delivered (the API accepts it)', async () => {
    const { action_source: _a, ...event } = buildEvent({ type: 'lead_created', id: 'L-3', actionSource: 'offline' });
    const report = await client('px_known').send([event as WireEvent]);
    expect(report.delivered).toEqual(['L-3']);
    expect(emulator.events[0]?.event).not.toHaveProperty('action_source');
  });
});


describe('deduplication with another integration (spec §7: the order id itself is the id)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: 'sk_dedupe', pixelIds: ['px_shop'] });
  });
  afterAll(() => emulator.close());

  it('a GTM-pixel-style event carrying the transaction id and our server event for the same order count once', async () => {
    // What a pixel tag / shop plugin sends for a GA4 purchase: the transaction id itself as `id`,
    // its own integration source, no action_source.
    const foreign = {
      id: 'T-1001',
      type: 'order_created',
      timestamp_ms: Date.now(),
      source_url: 'https://shop.example/checkout/thanks',
      oppref: 'click_from_pixel',
      data: { type: 'contents', amount: 2599, currency: 'USD' },
    };
    const response = await fetch(emulator.endpoint + '?pid=px_shop', {
      method: 'POST',
      headers: { authorization: 'Bearer sk_dedupe', 'content-type': 'application/json' },
      body: JSON.stringify({ integration_source: 'gtm-pixel-template', events: [foreign] }),
    });
    expect(response.status).toBe(200);

    // Our server twin, from the same GA4 purchase: fromGa4 keeps the transaction id as the id.
    const client = createClient({ pixelId: 'px_shop', apiKey: 'sk_dedupe', endpoint: emulator.endpoint, logLevel: 'off' });
    const id = client.track({
      ...fromGa4('purchase', { transaction_id: 'T-1001', value: '25.99', currency: 'USD' }),
      sourceUrl: 'https://shop.example/checkout/thanks',
      user: { email: 'ada@example.com' },
    });
    expect(id).toBe('T-1001');
    const report = await client.shutdown();
    expect(report.delivered).toEqual(['T-1001']);

    expect(emulator.events).toHaveLength(1);
    expect(emulator.events[0]).toMatchObject({ integrationSource: 'gtm-pixel-template', event: { id: 'T-1001', oppref: 'click_from_pixel' } });
    expect(emulator.duplicates).toHaveLength(1);
    expect(emulator.duplicates[0]?.key).toEqual({ pixelId: 'px_shop', name: 'order_created', id: 'T-1001' });
  });
});
