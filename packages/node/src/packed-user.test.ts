import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { buildEvent, sha256Hex, type WireEvent } from '@x/openai-capi-core';
import { UserPacker } from './packed-user.js';
import { memoryPipeline } from './pipeline.js';
import { resolveOptions } from './options.js';
import { createReporter } from './reporter.js';
import { emptyReport } from './report.js';
import { baseOptions } from './__tests__/helpers.js';

const packedEvent = (i: number, user: unknown) => ({ id: `o${i}`, type: 'order_created', timestamp_ms: 1, data: { type: 'contents' }, user }) as WireEvent;

const hex = (text: string) => sha256Hex(text);

function eventWith(user: unknown): WireEvent {
  return { id: 'o-1', type: 'order_created', timestamp_ms: 1, data: { type: 'contents' }, user } as WireEvent;
}

/** Packs then unpacks `user` and returns what came back, after checking it was packed in between. */
function roundTrip(packer: UserPacker, user: unknown, expectPacked = true): unknown {
  const event = eventWith(user);
  packer.pack(event);
  if (expectPacked) expect(event.user).not.toBe(user);
  packer.unpack(event);
  return event.user;
}

describe('UserPacker', () => {
  it('gives back the same user, keys in their order, after packing its digests', () => {
    const packer = new UserPacker();
    const event = buildEvent({
      type: 'order_created',
      id: 'o-1',
      sourceUrl: 'https://shop.example/',
      user: { email: ['a@example.com', 'b@example.com'], phone: '+14155550100', externalId: 'c-1', firstName: 'Ada', lastName: 'Lovelace', obref: 'ob', ipAddress: '203.0.113.1', userAgent: 'UA/1', city: 'Paris', country: 'fr' },
      data: { value: '1.00', currency: 'USD' },
    });
    const before = JSON.stringify(event);
    const user = event.user;
    packer.pack(event);
    expect(event.user).not.toBe(user);
    expect(JSON.stringify(event)).not.toContain(hex('a@example.com'));
    packer.unpack(event);
    expect(JSON.stringify(event)).toBe(before);
  });

  it('keeps as they are the values that are not 64-character ASCII strings', () => {
    const packer = new UserPacker();
    const short = { emails_sha256: [hex('a')], external_ids_sha256: ['short'], phone_numbers_sha256: [hex('p')], ip_address: '::1' };
    expect(JSON.stringify(roundTrip(packer, short))).toBe(JSON.stringify(short));
    const upper = { emails_sha256: [hex('a'), hex('b').toUpperCase()], ip_address: '::1' };
    expect(JSON.stringify(roundTrip(packer, upper))).toBe(JSON.stringify(upper));
    // 64 characters but one is not ASCII: the user is not packed at all, and the next one still is.
    const accented = { emails_sha256: [hex('a'), `${hex('b').slice(0, 63)}\u0161`], ip_address: '::1' };
    const event = eventWith(accented);
    packer.pack(event);
    expect(event.user).toBe(accented);
    const fine = { emails_sha256: [hex('a'), hex('b')], ip_address: '::1' };
    expect(JSON.stringify(roundTrip(packer, fine))).toBe(JSON.stringify(fine));
  });

  it('unpacks a whole queue in order across many arena chunks, and again after a reset', () => {
    const packer = new UserPacker();
    const events = Array.from({ length: 5000 }, (_, i) => eventWith({ emails_sha256: [hex(`e${i}`)], external_ids_sha256: [hex(`x${i}`), hex(`y${i}`)], obref: `ob${i}` }));
    const before = events.map((e) => JSON.stringify(e));
    for (let round = 0; round < 2; round++) {
      for (const e of events) packer.pack(e);
      expect(events.every((e) => !JSON.stringify(e).includes(hex('e1')))).toBe(true);
      for (const e of events) packer.unpack(e);
      packer.reset();
      expect(events.map((e) => JSON.stringify(e))).toEqual(before);
    }
  });

  it('leaves alone a user with nothing to pack, an event without user, and an unpacked event', () => {
    const packer = new UserPacker();
    const plain = { ip_address: '203.0.113.1', user_agent: 'UA' };
    const event = eventWith(plain);
    packer.pack(event);
    expect(event.user).toBe(plain);
    const none = { id: 'x', type: 'order_created', timestamp_ms: 1, data: { type: 'contents' } } as WireEvent;
    packer.pack(none);
    packer.unpack(none);
    expect('user' in none).toBe(false);
    packer.unpack(event);
    expect(event.user).toBe(plain);
    expect(packer.holding).toBe(false);
    const hashed = eventWith({ emails_sha256: [hex('a')] });
    packer.pack(hashed);
    expect(packer.holding).toBe(true);
    packer.unpack(hashed);
    packer.reset();
    expect(packer.holding).toBe(false);
  });

  it('tells shapes apart by key order and value counts, and stops learning shapes after 32 until a drain', () => {
    const packer = new UserPacker();
    const a = { emails_sha256: [hex('1')], external_ids_sha256: [hex('2')] };
    const b = { external_ids_sha256: [hex('2')], emails_sha256: [hex('1')] };
    const c = { emails_sha256: [hex('1'), hex('3')], external_ids_sha256: [hex('2')] };
    for (const user of [a, b, c, a, c]) expect(JSON.stringify(roundTrip(packer, user))).toBe(JSON.stringify(user));
    for (let i = 0; i < 40; i++) {
      const user = { [`k${i}`]: 1, emails_sha256: [hex(String(i))] };
      expect(JSON.stringify(roundTrip(packer, user, i < 29))).toBe(JSON.stringify(user));
    }
    // A drain forgets the shapes once they ran out: new ones are packed again.
    packer.reset();
    const later = { k99: 1, emails_sha256: [hex('99')] };
    expect(JSON.stringify(roundTrip(packer, later, true))).toBe(JSON.stringify(later));
  });

  it('round-trips any user-like object exactly (property)', () => {
    const digest = fc.stringMatching(/^[0-9a-f]{64}$/);
    const value = fc.oneof(
      fc.array(digest, { minLength: 1, maxLength: 3 }),
      fc.array(fc.oneof(digest, fc.string({ maxLength: 70 })), { maxLength: 3 }),
      fc.string(),
      fc.integer(),
      fc.constant(null),
    );
    const key = fc.oneof(fc.constantFrom('emails_sha256', 'phone_numbers_sha256', 'external_ids_sha256', 'obref', 'ip_address', 'cities'), fc.string({ minLength: 1, maxLength: 8 }));
    const packer = new UserPacker();
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (user) => {
        const expected = JSON.stringify(user);
        expect(JSON.stringify(roundTrip(packer, user, false))).toBe(expected);
      }),
    );
  });
});

describe('UserPacker in the queue', () => {
  it('packs every user, also those whose digests would straddle two chunks', () => {
    const packer = new UserPacker();
    // 3 digests = 192 bytes: 341⅓ per 64 KiB chunk, so every 342nd user would straddle.
    const users = Array.from({ length: 2000 }, (_, i) => ({ emails_sha256: [sha256Hex(`e${i}`)], external_ids_sha256: [sha256Hex(`x${i}`), sha256Hex(`y${i}`)] }));
    const events = users.map((u, i) => packedEvent(i, u));
    for (const e of events) packer.pack(e);
    expect(events.filter((e, i) => e.user === users[i]).map((e) => e.id)).toEqual([]);
  });

  it('resets the arena at each drain (else it grows with every flush)', async () => {
    const reset = vi.spyOn(UserPacker.prototype, 'reset');
    const { options: o } = resolveOptions({ ...baseOptions(), maxBatchEvents: 1 });
    const reporter = createReporter(o, { error() {}, warn() {}, info() {}, debug() {} });
    const pipeline = memoryPipeline(o, reporter, async (_items, _v, report) => report);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) pipeline.push(packedEvent(round * 10 + i, { emails_sha256: [sha256Hex(`${round}-${i}`)] }));
      await pipeline.drain({ outer: { deadline: Infinity, signal: new AbortController().signal, reason: 'timeout' } } as never, emptyReport());
    }
    expect(reset).toHaveBeenCalledTimes(3);
    reset.mockRestore();
  });
});
