import { CapiApiError, CapiConnectionError, CapiValidationError } from '@x/openai-capi-core';
import type { CapiError } from '@x/openai-capi-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import {
  MAX_RELAY_BYTES,
  MAX_RELAY_EVENTS,
  createRelayTransport,
  toRelayBodies,
} from './relay-transport.js';
import type { RelayEvent } from './relay-transport.js';

const event = (id: string, extra: Partial<RelayEvent> = {}): RelayEvent => ({
  id,
  type: 'page_viewed',
  timestamp: NOW,
  sourceUrl: 'https://shop.example.com/',
  ...extra,
});

describe('toRelayBodies', () => {
  it('wraps events in the v2 envelope, with the consent the tracker posts under', () => {
    const [body] = toRelayBodies([event('a'), event('b')]);
    expect(JSON.parse(body!)).toEqual({ v: 2, consent: 'granted', events: [event('a'), event('b')] });
  });

  it(`splits at ${MAX_RELAY_EVENTS} events`, () => {
    const bodies = toRelayBodies(Array.from({ length: 120 }, (_, i) => event(`e${i}`)));
    expect(bodies.map((b) => (JSON.parse(b) as { events: unknown[] }).events.length)).toEqual([50, 50, 20]);
  });

  it('splits before 64 KiB of UTF-8 and keeps every event', () => {
    const big = (i: number) => event(`e${i}`, { data: { note: 'é'.repeat(6000) } });
    const events = Array.from({ length: 12 }, (_, i) => big(i));
    const bodies = toRelayBodies(events);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_RELAY_BYTES);
    expect(bodies.flatMap((b) => (JSON.parse(b) as { events: RelayEvent[] }).events.map((e) => e.id))).toEqual(
      events.map((e) => e.id),
    );
  });
});

describe('createRelayTransport (production: sendBeacon first)', () => {
  beforeEach(() => {
    vi.stubEnv('NODE_ENV', 'production');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const setup = (options: Parameters<typeof openPage>[1] = {}) => {
    const page = openPage('https://shop.example.com/', options);
    const errors: CapiError[] = [];
    const relay = createRelayTransport({
      endpoint: '/api/openai-capi',
      window: page.win,
      batchDelayMs: 25,
      onError: (e) => errors.push(e as CapiError),
    });
    return { page, errors, relay };
  };

  it('batches events and posts them with one beacon after the delay', async () => {
    const { page, relay } = setup();
    relay.enqueue(event('a'));
    relay.enqueue(event('b'));
    expect(page.beacons).toHaveLength(0);
    await page.happy.happyDOM.waitUntilComplete(); // runs the pending batch timer
    expect(page.beacons).toHaveLength(1);
    expect(page.beacons[0]!.url).toBe('/api/openai-capi');
    expect(page.relayEvents().map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('flush sends now; an empty flush sends nothing', async () => {
    const { page, relay } = setup();
    await relay.flush();
    expect(page.beacons).toHaveLength(0);
    relay.enqueue(event('a'));
    await relay.flush();
    expect(page.beacons).toHaveLength(1);
  });

  it('falls back to fetch with keepalive when the beacon is refused', async () => {
    const { page, relay, errors } = setup({ beaconRefuses: true });
    relay.enqueue(event('a'));
    await relay.flush();
    expect(page.fetches).toHaveLength(1);
    // Fetch's defaults for a string body: Content-Type text/plain;charset=UTF-8, credentials same-origin.
    expect(page.fetches[0]!.init).toEqual({ method: 'POST', body: expect.stringContaining('"v":2'), keepalive: true });
    expect(page.relayEvents().map((e) => e.id)).toEqual(['a']);
    expect(errors).toEqual([]);
  });

  it('reports a relay error status as CapiApiError', async () => {
    const { relay, errors } = setup({ beaconRefuses: true, fetchStatus: 413 });
    relay.enqueue(event('a'));
    await relay.flush();
    expect(errors).toHaveLength(1);
    expect(CapiApiError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as CapiApiError).status).toBe(413);
  });

  it('reports an unreachable relay as CapiConnectionError', async () => {
    const { page, relay, errors } = setup({ beaconRefuses: true });
    Object.defineProperty(page.happy, 'fetch', { value: () => Promise.reject(new TypeError('offline')) });
    relay.enqueue(event('a'));
    await relay.flush();
    expect(CapiConnectionError.isInstance(errors[0])).toBe(true);
  });

  it('clear drops the batch', async () => {
    const { page, relay } = setup();
    relay.enqueue(event('a'));
    relay.clear();
    await page.happy.happyDOM.waitUntilComplete();
    await relay.flush();
    expect(page.posts()).toHaveLength(0);
  });
});

describe('createRelayTransport (development: fetch, answers read)', () => {
  const setup = (options: Parameters<typeof openPage>[1] = {}) => {
    const page = openPage('https://shop.example.com/', options);
    const errors: CapiError[] = [];
    const relay = createRelayTransport({ endpoint: '/api/openai-capi', window: page.win, batchDelayMs: 25, onError: (e) => errors.push(e as CapiError) });
    return { page, errors, relay };
  };

  it('posts with fetch, never a beacon (whose answer is lost)', async () => {
    const { page, relay, errors } = setup();
    relay.enqueue(event('a'));
    await relay.flush();
    expect(page.beacons).toEqual([]);
    expect(page.fetches).toHaveLength(1);
    expect(page.relayEvents().map((e) => e.id)).toEqual(['a']);
    expect(errors).toEqual([]);
  });

  it('reports each event a 400 answer refused, with its issues', async () => {
    const answer = {
      accepted: ['b'],
      rejected: [
        { index: 0, id: 'a', issues: [{ path: 'data.contents[0].quantity', code: 'negative', message: 'must not be negative' }] },
        { index: 2, id: 'c', issues: [{ path: 'customEventName', code: 'required', message: 'is required for custom events' }] },
      ],
    };
    const { relay, errors } = setup({ fetchStatus: 400, fetchBody: JSON.stringify(answer) });
    for (const id of ['a', 'b', 'c']) relay.enqueue(event(id));
    await relay.flush();
    expect(errors.map((e) => CapiValidationError.isInstance(e) && e.issues.map((i) => i.path))).toEqual([['data.contents[0].quantity'], ['customEventName']]);
    expect(errors[0]!.message).toBe('Relay /api/openai-capi refused event a: data.contents[0].quantity: must not be negative');
  });

  it('reports a 400 refusal of the whole request (envelope) with its issues', async () => {
    const { relay, errors } = setup({ fetchStatus: 400, fetchBody: '{"error":"invalid_envelope","issues":[{"path":"v","code":"unsupported_version","message":"must be 2"}]}' });
    relay.enqueue(event('a'));
    await relay.flush();
    expect((errors[0] as CapiValidationError).issues).toEqual([{ path: 'v', code: 'unsupported_version', message: 'must be 2' }]);
    expect(errors[0]!.message).toContain('refused the request: v: must be 2');
  });

  it('reports other error answers as CapiApiError', async () => {
    const { relay, errors } = setup({ fetchStatus: 503 });
    relay.enqueue(event('a'));
    await relay.flush();
    expect(CapiApiError.isInstance(errors[0])).toBe(true);
  });
});
