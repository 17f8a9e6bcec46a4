import { describe, expect, it } from 'vitest';
import { createCoverageTally, MATCH_KEYS, type IdSources } from '@x/openai-capi-core';
import { BARE_EVENT as base, HASH } from './__fixtures__/events.js';

describe('createCoverageTally', () => {
  it('counts deliveries by source and the share carrying each match key, none included', () => {
    const t = createCoverageTally();
    t.delivered('order_created', { ...base, oppref: 'c', user: { emails_sha256: [HASH] } }, 'server');
    t.delivered('order_created', { ...base, oppref: 'c' }, 'relay');
    t.delivered('order_created', base, 'server');
    t.delivered('order_created', { ...base, user: { ip_address: '203.0.113.9', user_agent: 'UA' } }, 'server');
    const c = t.of('order_created');
    expect(c?.delivered).toEqual({ server: 3, relay: 1 });
    expect(c?.matchKeys).toEqual({ oppref: 0.5, obref: 0, email: 0.25, external_id: 0, phone: 0, ip_user_agent: 0.25, none: 0.25 });
    expect(Object.keys(c?.matchKeys ?? {}).sort()).toEqual([...MATCH_KEYS, 'none'].sort());
  });

  it('counts each id once and once more in idsFromBoth when the other source sends it too', () => {
    const t = createCoverageTally();
    t.id('order_created', 'o1', 'server');
    t.id('order_created', 'o1', 'server');
    t.id('order_created', 'o1', 'relay');
    t.id('order_created', 'o1', 'relay');
    t.id('order_created', 'o2', 'relay');
    const c = t.of('order_created');
    expect(c).toMatchObject({ ids: 2, idsFromBoth: 1, dedupeRate: 0.5 });
    // Ids without deliveries: shares are 0, not NaN.
    expect(c?.delivered).toEqual({ server: 0, relay: 0 });
    expect(c?.matchKeys.none).toBe(0);
  });

  it('keeps the same id string under two types apart', () => {
    const t = createCoverageTally();
    t.id('order_created', 'x1', 'server');
    t.id('quote_requested', 'x1', 'relay');
    expect(t.of('order_created')).toMatchObject({ ids: 1, idsFromBoth: 0 });
    expect(t.of('quote_requested')).toMatchObject({ ids: 1, idsFromBoth: 0 });
  });

  it('lists types in the order first counted, and nothing for a type never counted', () => {
    const t = createCoverageTally();
    t.id('quote_requested', 'q1', 'relay');
    t.delivered('order_created', base, 'server');
    expect(Object.keys(t.snapshot())).toEqual(['quote_requested', 'order_created']);
    expect(t.of('lead_created')).toBeUndefined();
    expect(createCoverageTally().snapshot()).toEqual({});
  });

  it('counts an id its store forgot as new again', () => {
    const ids = new Map<string, number>();
    const forgetful: IdSources = {
      add(name, id, bits) {
        const before = ids.get(`${name}\n${id}`) ?? 0;
        ids.set(`${name}\n${id}`, before | bits);
        return before;
      },
    };
    const t = createCoverageTally(forgetful);
    t.id('order_created', 'o1', 'server');
    ids.clear();
    t.id('order_created', 'o1', 'relay');
    expect(t.of('order_created')).toMatchObject({ ids: 2, idsFromBoth: 0, dedupeRate: 0 });
  });
});
