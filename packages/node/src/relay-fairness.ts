/**
 * Fairness between the relay's clients: a token bucket per client, and a bounded share of the
 * Conversions API client's queue per client and for browser traffic as a whole, so that one
 * visitor (or one attacker rotating addresses inside an IPv6 /64) cannot fill the queue and make
 * the application's own `track()` calls, or other visitors' events, be dropped.
 */
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';

/**
 * The key a client is counted under: an IPv4 address as is, an IPv6 address by its /64 (the prefix
 * one subscriber or one server usually gets whole, so rotating within it gains nothing).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::') as [string, string | undefined];
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for two groups.
  const rightCount = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - rightCount)).fill('0'), ...right];
  const prefix = all.slice(0, 4).map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '')));
  while (prefix.length < 4) prefix.push('0');
  return `${prefix.join(':')}::/64`;
}

/** The queue counters the share needs (a `createClient` client's `stats()`). */
export interface QueueStats {
  /** Events accepted into the queue since creation. */
  tracked: number;
  /** Events in the queue now. */
  queued: number;
  /** The queue's capacity. */
  maxQueueSize: number;
}

/** Why the relay may not queue one more event of a client. */
export type ShareRefusal = 'client_share' | 'relay_share';

/** The per-client and whole-relay shares of the client's queue. */
export interface QueueShare {
  /** Whether one more event of `key` may be queued now. */
  check(key: string, stats: QueueStats): ShareRefusal | undefined;
  /** Records that an event of `key` entered the queue at position `seq` (the `tracked` count before it). */
  note(key: string, seq: number): void;
  /** Clients remembered now (those with events possibly still queued). */
  size(): number;
}

/** Most clients remembered at once; the least recently seen are forgotten first. */
const MAX_CLIENTS = 10_000;

/**
 * The shares, from the queue's own counters. The queue is first in, first out, so of all events
 * ever queued (`tracked`), the first `tracked − queued` have left it: an event queued at position
 * `seq` is still there while `seq ≥ tracked − queued`. Each client keeps the positions of its
 * events still queued (at most its share), so its count is exact and its memory bounded.
 */
export function createQueueShare(perClient: number, relay: number): QueueShare {
  const positions = new Map<string, number[]>();
  const prune = (list: number[], gone: number): void => {
    let i = 0;
    while (i < list.length && list[i]! < gone) i++;
    if (i > 0) list.splice(0, i);
  };
  return {
    check(key, stats) {
      const gone = stats.tracked - stats.queued;
      // Forget clients whose events have all left (the least recently seen come first).
      for (const [k, list] of positions) {
        if (list.length > 0 && list[list.length - 1]! >= gone) break;
        positions.delete(k);
      }
      if (stats.queued >= Math.max(1, Math.floor(stats.maxQueueSize * relay))) return 'relay_share';
      const list = positions.get(key);
      if (list === undefined) return undefined;
      prune(list, gone);
      return list.length >= Math.max(1, Math.floor(stats.maxQueueSize * perClient)) ? 'client_share' : undefined;
    },
    note(key, seq) {
      const list = positions.get(key) ?? [];
      positions.delete(key);
      list.push(seq);
      positions.set(key, list);
      if (positions.size > MAX_CLIENTS) positions.delete(positions.keys().next().value as string);
    },
    size: () => positions.size,
  };
}

/** The relay's rate limiter keyed by {@link clientKey}, or `undefined` when disabled. */
export function createClientLimiter(options: RateLimitOptions | false | undefined, now: () => number) {
  if (options === false) return undefined;
  const limiter = createRateLimiter(options ?? {}, now);
  return (ip: string) => limiter.take(clientKey(ip));
}
