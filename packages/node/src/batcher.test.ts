import { describe, expect, it } from 'vitest';
import { Envelope, fits, splitIntoBatches, utf8Length } from './batcher.js';
import { wireEvent } from './__tests__/helpers.js';

const bytesOf = (text: string) => new TextEncoder().encode(text).length;

describe('batcher', () => {
  it('measures UTF-8 bytes like TextEncoder', () => {
    for (const text of ['abc', 'é', '€', '😀', 'a\ud800b', 'José 🇫🇷', '']) expect(utf8Length(text)).toBe(bytesOf(text));
  });

  it('builds the exact body in spec field order and knows its size', () => {
    const envelope = new Envelope(true, 'x-openai-capi-node');
    const events = [wireEvent('a'), wireEvent('ü')];
    const batch = envelope.batch(events);
    expect(batch.body).toBe(JSON.stringify({ validate_only: true, integration_source: 'x-openai-capi-node', events }));
    const size = bytesOf(batch.body);
    expect([fits(batch, size), fits(batch, size - 1), fits(batch, size * 3)]).toEqual([true, false, true]);
    expect(new Envelope(undefined, undefined).body([])).toBe('{"events":[]}');
    expect(new Envelope(undefined, undefined).overhead).toBe(13);
  });

  it('decides at the exact byte cap for multi-byte text (a pair split by the cap, a lone surrogate), with and without TextEncoder', () => {
    const texts = ['a'.repeat(40) + '😀', 'é'.repeat(30), '€'.repeat(20) + 'x', 'a\ud800'.repeat(15), 'x'.repeat(10) + '🇫🇷'.repeat(8)];
    const sizes = texts.map(bytesOf);
    const check = () => {
      for (const [i, body] of texts.entries()) {
        const size = sizes[i]!;
        for (const cap of [size - 3, size - 2, size - 1, size, size + 1]) {
          expect(fits({ events: [], body }, cap), `${JSON.stringify(body)} within ${cap}`).toBe(size <= cap);
        }
      }
    };
    check();
    const encoder = globalThis.TextEncoder;
    try {
      (globalThis as { TextEncoder?: unknown }).TextEncoder = undefined;
      check();
    } finally {
      globalThis.TextEncoder = encoder;
    }
  });

  it('cuts by count and by bytes, keeps order, and sets aside events too big alone', () => {
    const envelope = new Envelope(undefined, undefined);
    const events = Array.from({ length: 10 }, (_, i) => wireEvent(`é${i}`));
    expect(splitIntoBatches(events, envelope, { maxEvents: 4, maxBytes: 1e6 }).batches.map((b) => b.events.length)).toEqual([4, 4, 2]);
    const one = bytesOf(envelope.batch(events.slice(0, 1)).body);
    const { batches } = splitIntoBatches(events, envelope, { maxEvents: 1000, maxBytes: one * 3 });
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) {
      expect(bytesOf(b.body)).toBeLessThanOrEqual(one * 3);
    }
    expect(batches.flatMap((b) => b.events)).toEqual(events);
    const big = splitIntoBatches(events, envelope, { maxEvents: 1000, maxBytes: one - 1 });
    expect(big.batches).toEqual([]);
    expect(big.oversized).toEqual(events);
  });
});
