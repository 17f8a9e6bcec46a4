import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nobleSha256Hex, type WireEvent, type WireRequestBody, type WireUser } from '@x/openai-capi-core';
import { createClient } from './client.js';
import { nodeCryptoHasher } from './hasher.js';
import { baseOptions, fakeClock, mockApi, server } from './__tests__/helpers.js';

interface Vectors {
  now_ms: number;
  bodies: Array<{ name: string; body: WireRequestBody }>;
  events: Array<{ name: string; event: WireEvent }>;
  user_objects: Array<{ name: string; user: WireUser }>;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../core/src/__fixtures__/vectors.json', import.meta.url), 'utf8'),
) as Vectors;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('spec/vectors.json replayed through send with a frozen clock', () => {
  for (const { name, body } of vectors.bodies.filter((b) => b.body.events.length > 0)) {
    it(`${name}: the exact JSON on the wire`, async () => {
      const seen = mockApi();
      const client = createClient({
        ...baseOptions(fakeClock(vectors.now_ms)),
        integrationSource: body.integration_source ?? false,
        ...(body.validate_only === undefined ? {} : { validateOnly: body.validate_only }),
      });
      const report = await client.send(body.events);
      expect(report.rejected).toEqual([]);
      expect(report.delivered).toEqual(body.events.map((e) => e.id));
      expect(seen).toHaveLength(1);
      expect(seen[0]!.text).toBe(JSON.stringify(body));
    });
  }

  it('capi_envelope_skeleton: an empty event list sends no request (the API needs 1..1000)', async () => {
    const seen = mockApi();
    const report = await createClient(baseOptions(fakeClock(vectors.now_ms))).send([]);
    expect(report).toEqual({ delivered: [], rejected: [], duplicates: [], warnings: [], retries: 0, requests: 0 });
    expect(seen).toHaveLength(0);
  });

  for (const { name, event } of vectors.events) {
    it(`${name}: sent inside the default envelope`, async () => {
      const seen = mockApi();
      await createClient(baseOptions(fakeClock(vectors.now_ms))).send([event]);
      expect(seen[0]!.text).toBe(JSON.stringify({ integration_source: 'x-openai-capi-node', events: [event] }));
    });
  }

  const hashers = [['node:crypto', nodeCryptoHasher()!], ['noble', nobleSha256Hex]] as const;
  for (const [hasherName, hasher] of hashers) {
    it(`track hashes raw user input to the documented user object (${hasherName})`, async () => {
      const seen = mockApi();
      const expected = vectors.user_objects[0]!.user;
      const client = createClient({ ...baseOptions(fakeClock(vectors.now_ms)), hasher });
      client.track({
        type: 'order_created',
        id: 'order_12345',
        sourceUrl: 'https://shop.example.com/checkout/confirmation',
        user: {
          obref: '123e4567-e89b-42d3-a456-426614174000',
          phone: '+1 (415) 555-2671',
          email: 'user@example.com',
          externalId: 'customer_123',
          firstName: 'ada',
          lastName: 'lovelace',
          region: 'California',
          postalCode: '94107',
          city: 'San Francisco',
          country: 'US',
          androidAdvertisingId: '38400000-8cf0-11bd-b23e-10b96e40000d',
          ipAddress: '203.0.113.1',
          userAgent: 'Mozilla/5.0',
        },
        data: { value: '25.99', currency: 'usd' },
      });
      await client.flush();
      const sent = seen[0]!.body.events[0]!;
      expect(sent.user).toEqual(expected);
      expect(sent).toMatchObject({ timestamp_ms: vectors.now_ms, data: { type: 'contents', amount: 2599, currency: 'USD' } });
    });
  }
});
