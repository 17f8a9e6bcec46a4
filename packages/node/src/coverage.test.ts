import { describe, expect, it } from 'vitest';
import { buildEvent, CapiValidationError } from '@x/openai-capi-core';
import { createClient } from './client.js';

const ok = async () => new Response('{}', { status: 200 });
const page = 'https://shop.example/thanks';

function setup(extra: Record<string, unknown> = {}) {
  const warnings: string[] = [];
  let now = 1_773_892_860_000;
  const logger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {} };
  const client = createClient({ pixelId: 'px', apiKey: 'k', fetch: ok, logger, now: () => now, ...extra });
  return { client, warnings, advance: (ms: number) => (now += ms), now: () => now };
}

describe('stats().coverage', () => {
  it('counts per type deliveries by source, the share of ids tracked from both sources, and each match key', async () => {
    const { client, now } = setup();
    for (let i = 0; i < 10; i++) {
      const input = { type: 'order_created' as const, id: `o${i}`, timestamp: now(), sourceUrl: page, oppref: 'c' };
      client.track({ ...input, user: { email: 'a@example.com' } });
      if (i < 4) client.track(input, { source: 'relay' }); // the browser twin, same id: sent once
    }
    await client.flush();
    client.track({ type: 'order_created', id: 'o9', timestamp: now(), sourceUrl: page }, { source: 'relay' }); // after delivery: sent again
    client.track({ type: 'custom', customEventName: 'quote_requested', id: 'q1', timestamp: now(), sourceUrl: page }, { source: 'relay' });
    await client.flush();
    const c = client.stats().coverage;
    expect(c['order_created']?.delivered).toEqual({ server: 10, relay: 1 });
    expect(c['order_created']?.ids).toBe(10);
    expect(c['order_created']?.idsFromBoth).toBe(5);
    expect(c['order_created']?.dedupeRate).toBe(0.5);
    expect(c['order_created']?.matchKeys).toEqual({ oppref: 10 / 11, obref: 0, email: 10 / 11, external_id: 0, phone: 0, ip_user_agent: 0, none: 1 / 11 });
    expect(c['quote_requested']).toMatchObject({ delivered: { server: 0, relay: 1 }, ids: 1, idsFromBoth: 0, matchKeys: { none: 1 } });
  });

  it('does not count validate-only requests as deliveries', async () => {
    const { client, now } = setup();
    const report = await client.validate([buildEvent({ type: 'page_viewed', id: 'v1', timestamp: now(), sourceUrl: page }, { now: now() })]);
    expect(report.rejected).toEqual([]);
    expect(report.delivered).toEqual(['v1']);
    expect(client.stats().coverage).toEqual({});
  });

  it('warns once per type per day when the share of events with no match key passes noMatchKeyWarnPercent', async () => {
    const { client, warnings, advance, now } = setup({ noMatchKeyWarnPercent: 50 });
    const burst = async (prefix: string, keyed: number, bare: number) => {
      for (let i = 0; i < keyed; i++) client.track({ type: 'lead_created', id: `${prefix}k${i}`, timestamp: now(), sourceUrl: page, oppref: 'c' });
      for (let i = 0; i < bare; i++) client.track({ type: 'lead_created', id: `${prefix}b${i}`, timestamp: now(), sourceUrl: page });
      await client.flush();
    };
    await burst('a', 10, 9); // 19 events: too few to judge
    expect(warnings).toEqual([]);
    await burst('b', 0, 2); // 21 events, 11 bare: 52.4 % > 50 %
    expect(warnings).toEqual(['[openai-capi] lead_created: 52.4 % of 21 delivered events carry no match key (threshold 50 %): OpenAI is unlikely to attribute them; pass oppref, obref, email or external id']);
    await burst('c', 0, 5);
    expect(warnings).toHaveLength(1); // once per day
    advance(86_400_000);
    await burst('d', 0, 1);
    expect(warnings).toHaveLength(2);
  });

  it('refuses an unknown source with a typed error naming the option', () => {
    const { client, now } = setup();
    let thrown: unknown;
    try {
      client.track({ type: 'order_created', timestamp: now(), sourceUrl: page }, { source: 'browser' as 'relay' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CapiValidationError);
    expect((thrown as CapiValidationError).issues).toEqual([{ path: 'source', code: 'invalid_value', message: "track option source must be 'server' or 'relay'" }]);
  });

  it("counts a dedicated relay client's events as relay (integrationSource x-openai-capi-relay)", async () => {
    const { client, now } = setup({ integrationSource: 'x-openai-capi-relay' });
    client.track({ type: 'order_created', id: 'r1', timestamp: now(), sourceUrl: page });
    await client.flush();
    expect(client.stats().coverage['order_created']?.delivered).toEqual({ server: 0, relay: 1 });
  });
});
