import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse } from 'msw';
import { createClient } from './client.js';
import { baseOptions, mockApi, NOW, server, wireEvent } from './__tests__/helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('send() and the serialization of its batches', () => {
  it('send() sends what it validated: a change to an event after send() was called is not sent', async () => {
    const seen = mockApi();
    const client = createClient({ ...baseOptions(), maxBatchEvents: 1 });
    const events = [wireEvent('a'), wireEvent('b')];
    const pending = client.send(events);
    // The caller reuses its objects right after the call (send() already validated them).
    (events[1] as { data: unknown }).data = { type: 'not_a_data_type', junk: true };
    events[1]!.user = { emails_sha256: ['not a digest'] };
    const report = await pending;
    expect(seen).toHaveLength(2);
    // Every batch of a send() is serialized inside the call: the API gets the validated event 'b'.
    expect(seen[1]!.body.events[0]).toEqual(wireEvent('b'));
    expect(report.delivered).toEqual(['a', 'b']);
  });

  it('an event too large to send is reported too_large, also in a batch after a 401', async () => {
    mockApi(() => HttpResponse.json({ error: { message: 'bad key' } }, { status: 401 }));
    const client = createClient({ ...baseOptions(), maxBatchEvents: 1, maxBatchBytes: 1024 });
    const huge = wireEvent('huge', NOW, { source_url: `https://shop.example/${'x'.repeat(2000)}` });
    const report = await client.send([wireEvent('ok'), huge]);
    // It can never be sent, refused key or not: reported too_large, not auth.
    expect(report.rejected.map((r) => [r.id, r.reason]).sort()).toEqual([['huge', 'too_large'], ['ok', 'auth']]);
  });
});
