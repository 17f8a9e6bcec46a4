/**
 * Fairness: IPv6 clients counted by /64, and a bounded share of the client's queue per client and
 * for browser traffic as a whole, so a flood leaves the application's own `track()` and other
 * visitors their room (the relay in front of a real client).
 */
import { describe, expect, it } from 'vitest';
import { createRelayHandler } from './relay.js';
import { clientKey, createQueueShare } from './relay-fairness.js';
import { NOW } from './__tests__/helpers.js';
import { recordingRelay } from './__tests__/recording-relay.js';

const URL_ = 'https://shop.example/api/openai-capi';
const event = (id: string) => ({ id, type: 'page_viewed', timestamp: NOW, sourceUrl: 'https://shop.example/', data: { type: 'contents' } });
const post = (ids: readonly string[]) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ v: 2, consent: 'granted', events: ids.map(event) }),
  });
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('clientKey', () => {
  it('keeps an IPv4 address whole and counts an IPv6 address by its /64, however it is written', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('203.0.113.6')).toBe('203.0.113.6');
    const same = ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2:0:0:0:9', '2001:db8:1:2::a:b:1.2.3.4', 'fe80::1%eth0'.replace('fe80::', '2001:db8:1:2::')];
    for (const ip of same) expect(clientKey(ip), ip).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::ffff:0:1.2.3.4')).toBe('0:0:0:0::/64');
  });
});

describe('relay rate limit by /64', () => {
  it('refuses an attacker rotating addresses inside one /64 after the limit, and not a neighbour /64', async () => {
    const { handler } = recordingRelay({ rateLimit: { limit: 60, windowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const ip = `2001:db8:1:2:${((i * 7919) % 65536).toString(16)}:${i.toString(16)}:beef:${(i + 1).toString(16)}`;
      statuses.push((await handler(post([`r${i}`]), { remoteAddress: ip })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
    expect((await handler(post(['n1']), { remoteAddress: '2001:db8:1:3::1' })).status).toBe(200);
  });
});

describe('relay share of the client queue', () => {
  it("caps one client at 1 % of maxQueueSize (429 past it); the app's track() and another client's events are delivered", async () => {
    const { client, sent, handler } = recordingRelay({}, { flushAt: 1000, maxQueueSize: 10_000 });
    const attacker = (i: number) => ({ remoteAddress: `2001:db8:bad:1:${i.toString(16)}::1` });
    let accepted = 0;
    let limited = 0;
    for (let r = 0; r < 60; r++) {
      const answer = await handler(post(ids(`flood${r}`, 50)), attacker(r));
      // Refused up front (`{ error, issues }`) once the share is held, or event by event in `rejected`.
      const body = (await answer.json()) as { accepted?: string[]; rejected?: { issues: { code: string }[] }[]; error?: string };
      accepted += body.accepted?.length ?? 0;
      if (answer.status === 429) {
        limited++;
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(body.error ?? body.rejected![0]!.issues[0]!.code).toBe('client_share_exceeded');
      }
    }
    expect(accepted).toBe(100);
    expect(limited).toBe(58);
    expect(client.stats().queued).toBe(100);

    const visitor = await handler(post(['visitor-1', 'visitor-2']), { remoteAddress: '198.51.100.7' });
    expect(visitor.status).toBe(200);
    const appId = client.track({ type: 'order_created', id: 'server-order-1', sourceUrl: 'https://shop.example/thanks', data: { type: 'contents', amount: 9999, currency: 'USD' } });
    expect(client.stats().dropped).toBe(0);
    await client.flush();
    const sentIds = sent.map((e) => e.id);
    expect(sentIds).toContain(appId);
    expect(sentIds).toContain('visitor-1');
    expect(sentIds).toContain('visitor-2');
    expect(sentIds.filter((id) => id.startsWith('flood'))).toHaveLength(100);

    // Once its events have left the queue, the client has its share again.
    expect((await handler(post(['flood-again']), attacker(99))).status).toBe(200);
  });

  it("stops browser events at half the queue (503 relay_busy), so the app's own events are never dropped by relay traffic", async () => {
    const { client, sent, handler } = recordingRelay({}, { flushAt: 1000, maxQueueSize: 1000 });
    const statuses = new Map<number, number>();
    for (let c = 0; c < 100; c++) {
      const answer = await handler(post(ids(`c${c}`, 20)), { remoteAddress: `198.51.${Math.floor(c / 250)}.${c % 250}` });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    expect(client.stats().queued).toBe(500);
    expect(statuses.get(503)).toBeGreaterThan(0);
    for (let i = 0; i < 500; i++) client.track({ type: 'page_viewed', id: `app-${i}`, sourceUrl: 'https://shop.example/', data: { type: 'contents' } });
    expect(client.stats().dropped).toBe(0);
    await client.flush();
    expect(sent.filter((e) => e.id.startsWith('app-'))).toHaveLength(500);
    const busy = await handler(post(['late']), { remoteAddress: '192.0.2.1' });
    expect(busy.status).toBe(200); // the queue drained: room again
  });

  it('is exact over many rounds and forgets clients whose events all left (memory bounded)', () => {
    const share = createQueueShare(0.01, 0.5);
    const stats = { tracked: 0, queued: 0, maxQueueSize: 1000 };
    for (let round = 0; round < 50; round++) {
      for (let c = 0; c < 40; c++) {
        for (let n = 0; n < 12; n++) {
          const refusal = share.check(`k${round}-${c}`, stats);
          if (n < 10) expect(refusal).toBeUndefined();
          else expect(refusal).toBe('client_share');
          if (refusal !== undefined) continue;
          share.note(`k${round}-${c}`, stats.tracked);
          stats.tracked++;
          stats.queued++;
        }
      }
      stats.queued = 0; // a flush took everything
    }
    expect(share.check('fresh', stats)).toBeUndefined();
    expect(share.size()).toBe(0);
  });
});

describe('relay over a client whose stats lack the queue counters', () => {
  it('tracks as before and says once that it cannot share the queue out', async () => {
    const errors: string[] = [];
    const tracked: string[] = [];
    const handler = createRelayHandler(
      { track: (input) => (tracked.push(input.id as string), input.id as string), stats: () => ({ dropped: 0, closed: false }) as never },
      { rateLimit: false, onError: (e) => errors.push((e as Error).message) },
    );
    for (let i = 0; i < 3; i++) expect((await handler(post([`s${i}`]), { remoteAddress: '192.0.2.9' })).status).toBe(200);
    expect(tracked).toEqual(['s0', 's1', 's2']);
    expect(errors).toEqual([expect.stringMatching(/^The relay cannot share the client queue out/)]);
  });
});
