import type { WireEvent } from '@x/openai-capi-core';
import { builtin } from './node-builtins.js';
import { CapiStoreError, type EventStore, type StoreProblem, type StoredEvent } from './store.js';

/**
 * The part of a Redis client the store uses: node-redis (`redis` v5+) `createClient()` as it is,
 * connected (`await client.connect()`). The store never connects, quits or configures it.
 */
export interface RedisCommandClient {
  /** Sends one raw command (`['XADD', key, '*', …]`) and resolves to its RESP2 reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** A connected node-redis client (`import { createClient } from 'redis'`). */
  client: RedisCommandClient;
  /** Stream key. Default `openai-capi:events`; use one per pixel id when several share a Redis. */
  key?: string | undefined;
  /** Consumer group every process of one queue joins. Default `openai-capi`. */
  group?: string | undefined;
  /** This process's consumer name, unique per process. Default `<hostname>-<pid>-<random>`. */
  consumer?: string | undefined;
  /**
   * How long a claimed event may stay unsettled before another consumer claims it (XAUTOCLAIM):
   * a crashed process's batch is delivered by another after this. Keep it above the time one batch
   * can take (`retryDeadlineMs` + `timeoutMs`), or a slow batch may be sent by two consumers (the
   * API keeps the first copy). Default 180 000 ms; at least 100 ms.
   */
  claimTimeoutMs?: number | undefined;
  /** Most events in the stream; appends beyond are refused (`store_full`). Default 1 000 000. */
  maxEvents?: number | undefined;
}

type Entry = [id: string, fields: string[] | Record<string, string> | null];

/** The entries of an XREADGROUP reply on one stream: RESP2 `[[key, entries]]`, RESP3 `{ key: entries }`, or null. */
function streamEntries(reply: unknown): Entry[] {
  if (reply === null || typeof reply !== 'object') return [];
  const streams = Array.isArray(reply) ? reply.map((s) => (s as [string, Entry[]])[1]) : Object.values(reply as Record<string, Entry[]>);
  return (streams[0] ?? []).filter((e): e is Entry => Array.isArray(e));
}

/**
 * A store shared by many processes: a Redis stream read through one consumer group. Every process
 * may append; each event is claimed by one consumer at a time (XREADGROUP), acknowledged and deleted
 * once settled (XACK + XDEL), and claimed by another consumer when its owner did not settle it
 * within `claimTimeoutMs` (XAUTOCLAIM): the batch of a crashed process is not lost.
 */
export function createRedisStore(options: RedisStoreOptions): EventStore {
  const client = options?.client;
  if (typeof client?.sendCommand !== 'function') {
    throw new CapiStoreError('createRedisStore: client must be a connected node-redis client (it has sendCommand)');
  }
  const key = options.key ?? 'openai-capi:events';
  const group = options.group ?? 'openai-capi';
  const consumer = options.consumer ?? `${builtin('os').hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const claimTimeoutMs = Math.max(100, Math.floor(options.claimTimeoutMs ?? 180_000));
  const maxEvents = Math.max(1, Math.floor(options.maxEvents ?? 1_000_000));
  const problems: StoreProblem[] = [];
  let cursor = '0-0';
  // Claimed by this consumer and not settled yet; those released after a transient failure are
  // handed out again by this consumer's next load (they stay in its pending list meanwhile).
  const owned = new Map<string, WireEvent>();
  let retry: StoredEvent[] = [];
  const command = async (args: string[]): Promise<unknown> => {
    try {
      return await client.sendCommand(args);
    } catch (cause) {
      if (/BUSYGROUP/.test(String((cause as Error)?.message))) throw cause;
      throw new CapiStoreError(`Redis ${args[0]} on ${key} failed (${(cause as Error)?.name ?? 'error'})`, { cause });
    }
  };
  const toStored = async (entries: readonly Entry[], out: StoredEvent[]) => {
    const corrupt: string[] = [];
    for (const [id, fields] of entries) {
      const event = readEvent(fields);
      if (event === undefined) corrupt.push(id);
      else out.push({ ref: id, event });
    }
    if (corrupt.length > 0) {
      problems.push({ code: 'corrupt_entry', message: `${corrupt.length} stream entries without a readable event: acknowledged and skipped` });
      await settle(corrupt);
    }
  };
  const settle = async (refs: readonly string[]) => {
    if (refs.length === 0) return;
    for (const ref of refs) owned.delete(ref);
    await command(['XACK', key, group, ...refs]);
    await command(['XDEL', key, ...refs]);
  };

  return {
    description: `Redis store ${key} (group ${group}, consumer ${consumer})`,
    maxEvents,
    async open() {
      try {
        await command(['XGROUP', 'CREATE', key, group, '0', 'MKSTREAM']);
      } catch (error) {
        if (!/BUSYGROUP/.test(String((error as Error)?.message))) throw error;
      }
      return { problems: problems.splice(0) };
    },
    async append(events) {
      const length = Number(await command(['XLEN', key]));
      const room = Math.max(0, maxEvents - length);
      const accepted = events.length <= room ? events : events.slice(0, room);
      await Promise.all(accepted.map((event) => command(['XADD', key, '*', 'e', JSON.stringify(event)])));
      return accepted.length;
    },
    async load(max) {
      const out: StoredEvent[] = retry.splice(0, Math.max(0, max));
      if (out.length >= max) return out;
      const claimed = (await command(['XAUTOCLAIM', key, group, consumer, String(claimTimeoutMs), cursor, 'COUNT', String(max)])) as [string, Entry[]];
      cursor = claimed[0] ?? '0-0';
      await toStored((claimed[1] ?? []).filter((e): e is Entry => Array.isArray(e)), out);
      if (out.length < max) {
        const reply = await command(['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(max - out.length), 'STREAMS', key, '>']);
        await toStored(streamEntries(reply), out);
      }
      for (const s of out) owned.set(s.ref, s.event);
      return out;
    },
    problems: () => problems.splice(0),
    markDelivered: settle,
    markRejected: settle,
    // Still pending with this consumer: its next load hands them out again. Should this process
    // die first, any consumer claims them once idle for claimTimeoutMs.
    release: async (refs) => {
      for (const ref of refs) {
        const event = owned.get(ref);
        if (event !== undefined) retry.push({ ref, event });
      }
    },
    close: async () => undefined,
  };
}

function readEvent(fields: Entry[1]): WireEvent | undefined {
  let text: unknown;
  if (Array.isArray(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) if (String(fields[i]) === 'e') text = fields[i + 1];
  } else if (fields !== null && typeof fields === 'object') text = fields['e'];
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(String(text));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WireEvent) : undefined;
  } catch {
    return undefined;
  }
}
