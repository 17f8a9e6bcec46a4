import type { WireEvent, WireUser } from '@x/openai-capi-core';

/**
 * Queued events hold their hashed identifiers in one byte arena per queue. In a wire `user`, each
 * SHA-256 is a 64-character hex string (an 80-byte heap string) inside a one-value array (~56 bytes
 * more), all in a user object: five identifiers cost ~800 bytes per queued event. Packed, their 64
 * ASCII characters go to the arena (64 bytes each, written in one native `encodeInto`), and the
 * field names and value counts live in a layout shared by every user of the same shape. Hex is kept
 * rather than halved to bytes: converting in JavaScript cost ~6× more CPU than the one native copy.
 *
 * The queue packs an event's `user` when it takes the event and unpacks every queued event when a
 * flush takes them all out (the arena is then empty again); nothing else ever sees the packed form.
 * Lossless: a user whose `…_sha256` list holds anything but 64-character ASCII strings is left as it
 * is, the other fields are kept as they are, and the keys come back in their order.
 */
const HASH_CHARS = 64;

/** One field of a layout: a list of `count` digests, or a value kept as it is. */
type Slot = { key: string; count: number } | { key: string; count: -1 };

/** The fields of a user, in order; shared by every packed user of that shape. */
interface Layout {
  keys: readonly string[];
  slots: readonly Slot[];
  digests: number;
  kept: number;
}

/** A packed user: an instance of this class is never anything else (a wire user is a plain object). */
class PackedUser {
  constructor(
    readonly layout: Layout,
    /** Where the digests start in the arena (chunk × CHUNK + offset in it). */
    readonly offset: number,
    /** The values kept as they are: none, one value, or an array of them (the layout says how many). */
    readonly kept: unknown,
  ) {}
}

// A shape is looked up by comparing keys and counts: few shapes per application, checked in turn.
const MAX_LAYOUTS = 32;

/** Bytes per arena chunk: the arena grows a chunk at a time, never copying what it holds. */
const CHUNK = 1 << 16;
/** Chunks kept for reuse after a drain (1 MiB); those past it are given back. */
const KEEP_CHUNKS = 16;

/** Packs the users of one queue's events. */
export class UserPacker {
  private layouts: Layout[] = [];
  /**
   * The digests of the packed users, back to back, as ASCII, in chunks of {@link CHUNK} bytes (a
   * user's digests never straddle two); `used` is the offset where the next user's go.
   */
  private chunks: Uint8Array[] = [];
  private used = 0;

  /** Replaces `event.user` with its packed form (in place: the queue holds the only reference). */
  pack(event: WireEvent): void {
    const user = event.user;
    if (user === undefined) return;
    const layout = this.layoutOf(user);
    if (layout === undefined || layout.digests === 0) return;
    const length = layout.digests * HASH_CHARS;
    let start = this.used;
    if ((start % CHUNK) + length > CHUNK) start += CHUNK - (start % CHUNK);
    const chunk = (this.chunks[(start / CHUNK) | 0] ??= new Uint8Array(CHUNK));
    const values = user as Record<string, unknown>;
    let digests = '';
    const kept: unknown[] = [];
    for (const slot of layout.slots) {
      const value = values[slot.key];
      if (slot.count === -1) kept.push(value);
      else for (const hex of value as string[]) digests += hex;
    }
    // One copy of every digest; a non-ASCII character takes more than one byte: that user stays as it is.
    const at = start % CHUNK;
    const { read, written } = encoder.encodeInto(digests, chunk.subarray(at, at + length));
    if (read !== digests.length || written !== length) return;
    this.used = start + length;
    (event as { user?: unknown }).user = new PackedUser(layout, start, layout.kept === 0 ? undefined : layout.kept === 1 ? kept[0] : kept);
  }

  /** True when some event was packed since the last {@link UserPacker.reset} (else there is nothing to unpack). */
  get holding(): boolean {
    return this.used > 0;
  }

  /** Call once every packed event was unpacked (the queue was drained): the arena is reused from its start. */
  reset(): void {
    this.used = 0;
    // Nothing packed refers to a layout any more: a queue whose users came in more shapes than
    // MAX_LAYOUTS learns anew, instead of leaving new shapes unpacked for good.
    if (this.layouts.length >= MAX_LAYOUTS) this.layouts = [];
    if (this.chunks.length > KEEP_CHUNKS) this.chunks.length = KEEP_CHUNKS;
  }

  /** Undoes {@link UserPacker.pack}: `event.user` is a wire user again (a new object, same keys and values). */
  unpack(event: WireEvent): void {
    const packed = event.user as unknown;
    if (!(packed instanceof PackedUser)) return;
    const { layout } = packed;
    // Every digest in one native decode; each value is then a 64-character slice of it.
    const from = packed.offset % CHUNK;
    const chunk = this.chunks[(packed.offset / CHUNK) | 0] as Uint8Array;
    const hex = decoder.decode(chunk.subarray(from, from + layout.digests * HASH_CHARS));
    const user: Record<string, unknown> = {};
    let at = 0;
    let k = 0;
    for (const slot of layout.slots) {
      if (slot.count === -1) {
        user[slot.key] = layout.kept === 1 ? packed.kept : (packed.kept as unknown[])[k++];
        continue;
      }
      const list: string[] = new Array<string>(slot.count);
      for (let i = 0; i < slot.count; i++, at += HASH_CHARS) list[i] = hex.slice(at, at + HASH_CHARS);
      user[slot.key] = list;
    }
    event.user = user as WireUser;
  }

  /** The layout of `user`, or `undefined` when too many shapes were seen (or its digests would not fit a chunk). */
  private layoutOf(user: WireUser): Layout | undefined {
    const values = user as Record<string, unknown>;
    const keys = Object.keys(values);
    for (const layout of this.layouts) if (matches(layout, keys, values)) return layout;
    if (this.layouts.length >= MAX_LAYOUTS) return undefined;
    const slots: Slot[] = keys.map((key) => {
      const value = values[key];
      return isDigestList(value) ? { key, count: value.length } : { key, count: -1 };
    });
    const digests = slots.reduce((n, s) => n + Math.max(0, s.count), 0);
    if (digests * HASH_CHARS > CHUNK) return undefined;
    // A shape with no digest (the relay's IP, user agent and obref) is remembered too, so that its
    // users are recognised at once and left as they are.
    const layout: Layout = { keys, slots, digests, kept: slots.filter((s) => s.count === -1).length };
    this.layouts.push(layout);
    return layout;
  }
}

/** True when `user` has `layout`'s keys in order, with a digest list of the same length where it has one. */
function matches(layout: Layout, keys: readonly string[], values: Record<string, unknown>): boolean {
  if (keys.length !== layout.keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const slot = layout.slots[i] as Slot;
    if (keys[i] !== slot.key) return false;
    const value = values[slot.key];
    if (slot.count === -1 ? isDigestList(value) : !(isDigestList(value) && value.length === slot.count)) return false;
  }
  return true;
}

/** A non-empty array of 64-character strings (whether they are ASCII is checked while packing). */
function isDigestList(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value) if (typeof item !== 'string' || item.length !== HASH_CHARS) return false;
  return true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
