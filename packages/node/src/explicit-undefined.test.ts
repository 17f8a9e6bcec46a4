import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent } from '@x/openai-capi-core';
import { describe, expect, it } from 'vitest';
import { readAttribution } from './attribution.js';
import { createClient } from './client.js';
import { createFileStore } from './file-store.js';
import { createRelayHandler } from './relay.js';

// Under `exactOptionalPropertyTypes` the input and option types accept `undefined`
// (`oppref: attribution.oppref`): at run time an undefined field must mean "not set".
const u = undefined;

describe('fields and options set to undefined', () => {
  it('buildEvent leaves undefined input fields out', () => {
    const event = buildEvent(
      {
        type: 'order_created',
        id: 'order_1',
        sourceUrl: 'https://shop.example.com/checkout',
        oppref: u,
        timestamp: u,
        customEventName: u,
        actionSource: u,
        optOut: u,
        keepSourceUrlQuery: u,
        user: { email: 'ada@example.com', phone: u, city: u, ipAddress: u, obref: u },
        data: { value: '1.00', currency: 'USD', amount: u, planId: u, contents: [{ id: 'sku', quantity: u, name: u }] },
      },
      { now: 1_773_892_860_000 },
    );
    expect(event).not.toHaveProperty('oppref');
    expect(event.user).toEqual({ emails_sha256: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
    expect(event.data).toEqual({ type: 'contents', amount: 100, currency: 'USD', contents: [{ id: 'sku' }] });
  });

  it('createClient, createRelayHandler, readAttribution, flush and shutdown take them as absent', async () => {
    const client = createClient({
      pixelId: 'p',
      apiKey: 'k',
      fetch: async () => new Response('{}', { status: 200 }),
      endpoint: u,
      validateOnly: u,
      integrationSource: u,
      flushAt: u,
      flushIntervalMs: u,
      maxQueueSize: u,
      maxBatchEvents: u,
      maxBatchBytes: u,
      timeoutMs: u,
      maxRetries: u,
      retryInitialDelayMs: u,
      retryMaxDelayMs: u,
      retryAfterMaxMs: u,
      retryDeadlineMs: u,
      shutdownTimeoutMs: u,
      onError: u,
      onDelivered: u,
      logger: u,
      logLevel: 'off',
      now: u,
      sleep: u,
      random: u,
      timers: u,
      hasher: u,
    });
    const relay = createRelayHandler(client, {
      maxBodyBytes: u,
      maxEventsPerRequest: u,
      bodyTimeoutMs: u,
      allowedOrigins: u,
      allowSameSite: u,
      allowServerToServer: u,
      rateLimit: u,
      queueShare: u,
      eventTypes: u,
      trustProxy: u,
      cookie: u,
      enrich: u,
      acceptClientUser: u,
      keepSourceUrlQuery: u,
      globalPrivacyControl: u,
      onError: u,
      now: u,
    });
    expect(typeof relay).toBe('function');
    const attribution = readAttribution(new Request('https://shop.example.com/?oppref=click_1'), {
      trustProxy: u,
      remoteAddress: u,
      cookie: { domain: u, maxAgeDays: u, secure: u, sameSite: u, path: u },
    });
    expect(attribution.oppref).toBe('click_1');
    await expect(client.flush({ timeoutMs: u })).resolves.toBeDefined();
    await expect(client.shutdown({ timeoutMs: u })).resolves.toBeDefined();
  });

  it('createFileStore and shutdownOnSignals take them as absent', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'capi-undefined-'));
    try {
      const client = createClient({
        pixelId: 'p',
        apiKey: 'k',
        fetch: async () => new Response('{}', { status: 200 }),
        logLevel: 'off',
        store: createFileStore({ directory, durability: u, syncIntervalMs: u, maxEvents: u }),
      });
      const stop = client.shutdownOnSignals({ signals: u, timeoutMs: u, exit: u });
      stop();
      client.track({ type: 'page_viewed', id: 'page_1', sourceUrl: 'https://shop.example.com/' });
      const report = await client.shutdown({ timeoutMs: u });
      expect(report.delivered).toEqual(['page_1']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
