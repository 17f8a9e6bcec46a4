import { MAX_PAST_MS } from '@x/openai-capi-core';
import { createClient, type DeliveryLedger } from '@x/openai-capi-node';
import { describe, expect, it } from 'vitest';
import { replayMissing } from './replay.js';

describe('replayMissing', () => {
  it('waits for the ledger on every path, even when nothing was sent', async () => {
    // The ledger's own start (making its folder) is pending until flushed: a caller that removes the
    // store right after the replay raced it (`rm -r` failed with ENOTEMPTY under load).
    let flushes = 0;
    const ledger: DeliveryLedger = {
      directory: '/nowhere/ledger',
      record: () => {
        throw new Error('nothing was delivered, so nothing is recorded');
      },
      flush: async () => {
        flushes += 1;
      },
    };
    // No request may leave: every order is past the window, so the client is never used.
    const client = createClient({ pixelId: 'p1', apiKey: 'sk-test-unused', fetch: () => Promise.reject(new Error('no request expected')) });
    const old = Date.now() - 8 * 86_400_000;
    const outcome = await replayMissing([{ line: 2, id: 'old-1', time: old, value: '1.00', currency: 'USD' }], 'order_created', client, ledger, Date.now(), () => {});
    await client.shutdown();
    expect(outcome.delivered).toEqual([]);
    expect(outcome.notSent.map((n) => n.id)).toEqual(['old-1']);
    expect(flushes).toBe(1);
  });

  it('leaves out an order less than a minute inside the window: it would be stale by the time it is sent', async () => {
    const client = createClient({ pixelId: 'p1', apiKey: 'sk-test-unused', fetch: () => Promise.reject(new Error('no request expected')) });
    const now = Date.now();
    const edge = { line: 3, id: 'edge-1', time: now - MAX_PAST_MS + 30_000 };
    const outcome = await replayMissing([edge], 'order_created', client, undefined, now, () => {});
    await client.shutdown();
    expect(outcome).toEqual({ delivered: [], notSent: [{ id: 'edge-1', line: 3, reason: expect.stringContaining('7-day window') }] });
  });
});
