import { describe, expect, it } from 'vitest';
import { dedupeNameOf, type WireEvent } from '@x/openai-capi-core';
import { DedupeSet, EventQueue } from './queue.js';

/** The reference the set must agree with: a set of joined (dedupe name, id) strings. */
const dedupeKey = (e: WireEvent) => `${dedupeNameOf(e)}\n${e.id}`;

const event = (id: string, type = 'order_created', name?: string): WireEvent =>
  ({ id, type, timestamp_ms: 1, action_source: 'web', source_url: 'https://a.example/', data: { type: 'custom' }, ...(name === undefined ? {} : { custom_event_name: name }) }) as unknown as WireEvent;

describe('DedupeSet', () => {
  it('matches (dedupe name, id) pairs exactly as a set of dedupeKey strings would', () => {
    const set = new DedupeSet();
    const keys = new Set<string>();
    const events = [
      event('1'), event('1'), event('2'), event('1', 'page_viewed'), event('1', 'custom', 'signup'), event('1', 'custom', 'signup'),
      event('1', 'custom', 'other'), event('2', 'custom', 'order_created'),
    ];
    for (const e of events) {
      expect(set.has(e)).toBe(keys.has(dedupeKey(e)));
      set.addNew(e);
      keys.add(dedupeKey(e));
    }
    // Removal (the store writer forgets an event once its store holds it) agrees as well.
    for (const e of events.slice(0, 4)) {
      set.delete(e);
      keys.delete(dedupeKey(e));
    }
    for (const e of events) expect(set.has(e)).toBe(keys.has(dedupeKey(e)));
    expect(set.has(event('1'))).toBe(false);
    expect(set.has(event('1', 'custom', 'signup'))).toBe(true);
  });

  it('addNew answers whether the pair was new, and adds it', () => {
    const set = new DedupeSet();
    const keys = new Set<string>();
    const events = [
      event('1'), event('1'), event('2'), event('1', 'page_viewed'), event('1', 'custom', 'signup'), event('1', 'custom', 'signup'),
      event('1', 'custom', 'other'), event('2', 'custom', 'order_created'), event('1'),
    ];
    for (const e of events) {
      expect(set.addNew(e)).toBe(!keys.has(dedupeKey(e)));
      keys.add(dedupeKey(e));
      expect(set.has(e)).toBe(true);
    }
    set.delete(event('1'));
    expect(set.addNew(event('1'))).toBe(true);
    expect(set.addNew(event('1'))).toBe(false);
  });

  it('does not confuse a name and id that a joined key string would (an id holding the separator)', () => {
    const set = new DedupeSet();
    set.addNew(event('b\nc', 'custom', 'a'));
    expect(set.has(event('c', 'custom', 'a\nb'))).toBe(false);
  });
});

describe('EventQueue', () => {
  it('queues, refuses repeats and a full queue, and forgets every key when drained', () => {
    const queue = new EventQueue(2);
    expect(queue.push(event('1'))).toBe('queued');
    expect(queue.push(event('1'))).toBe('duplicate');
    expect(queue.push(event('1', 'page_viewed'))).toBe('queued');
    expect(queue.push(event('3'))).toBe('full');
    expect(queue.push(event('1'))).toBe('duplicate'); // full, but a repeat is still called one
    expect(queue.drain().map((e) => e.id)).toEqual(['1', '1']);
    expect(queue.size).toBe(0);
    expect(queue.push(event('1'))).toBe('queued');
  });
});
