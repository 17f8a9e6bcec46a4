import type { WireEvent, WireUser } from '@x/openai-capi-core';

/**
 * Queued events hold their hashed identifiers as bytes, not hex. In a wire `user`, each SHA-256 is
 * a 64-character hex string (an 80-byte heap string) inside a one-value array (~56 bytes more): five
 * identifiers cost ~700 bytes per queued event. Packed, their 32-byte digests go to one byte arena
 * of the queue, and the field names and value counts live in a layout shared by every user of the
 * same shape. The queue packs an event's `user` when it takes the event and unpacks every queued
 * event when a flush takes them all out (the arena is then empty again); nothing else ever sees the
 * packed form.
 *
 * Lossless: a value that is not 64 lowercase hex characters keeps its field as it is (with every
 * field that is not a `…_sha256` list), and the keys come back in their order.
 */
const HASH_CHARS = 64;
const HASH_BYTES = 32;

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
    /** Where the digests start in the arena. */
    readonly offset: number,
    /** The values kept as they are: none, one value, or an array of them (the layout says how many). */
    readonly kept: unknown,
  ) {}
}

// A shape is looked up by comparing keys and counts: few shapes per application, checked in turn.
const MAX_LAYOUTS = 32;

/** Packs the users of one queue's events. */
export class UserPacker {
  private layouts: Layout[] = [];
  /** The digests of the packed users, back to back; `used` bytes of it hold digests. */
  private arena = new Uint8Array(HASH_BYTES * 64);
  private used = 0;

  /** Replaces `event.user` with its packed form (in place: the queue holds the only reference). */
  pack(event: WireEvent): void {
    const user = event.user;
    if (user === undefined) return;
    const layout = this.layoutOf(user);
    if (layout === undefined) return;
    const start = this.used;
    const end = start + layout.digests * HASH_BYTES;
    if (end > this.arena.length) this.grow(end);
    const values = user as Record<string, unknown>;
    let at = start;
    const kept: unknown[] = [];
    for (const slot of layout.slots) {
      const value = values[slot.key];
      if (slot.count === -1) kept.push(value);
      // A character outside 0-9a-f: this user stays as it is.
      else for (const hex of value as string[]) if ((at = hexInto(hex, this.arena, at)) < 0) return;
    }
    this.used = end;
    (event as { user?: unknown }).user = new PackedUser(layout, start, layout.kept === 0 ? undefined : layout.kept === 1 ? kept[0] : kept);
  }

  /**
   * Call once every packed event was unpacked (the queue was drained): the arena is reused from its
   * start, and given back when a burst had grown it past 1 MiB.
   */
  reset(): void {
    this.used = 0;
    if (this.arena.length > 1 << 20) this.arena = new Uint8Array(HASH_BYTES * 64);
  }

  private grow(needed: number): void {
    const arena = new Uint8Array(Math.max(needed, this.arena.length * 2));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }

  /** Undoes {@link UserPacker.pack}: `event.user` is a wire user again (a new object, same keys and values). */
  unpack(event: WireEvent): void {
    const packed = event.user as unknown;
    if (!(packed instanceof PackedUser)) return;
    const { layout } = packed;
    // Every digest in one native decode; each value is then a 64-character slice of it.
    const hex = hexOf(this.arena, packed.offset, layout.digests * HASH_BYTES);
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

  /** The layout of `user`, or `undefined` when it has nothing to pack (or too many shapes were seen). */
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
    if (digests === 0) return undefined;
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

/** A non-empty array of 64-character strings (whether they are hex is checked while packing). */
function isDigestList(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value) if (typeof item !== 'string' || item.length !== HASH_CHARS) return false;
  return true;
}

/** 0–15 for the char codes of `0-9a-f`, −1 for every other code below 256. */
const NIBBLE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** Writes the 32 bytes of `hex` at `into[at]`; returns the next offset, or −1 at a non-hex character. */
function hexInto(hex: string, into: Uint8Array, at: number): number {
  for (let i = 0; i < HASH_CHARS; i += 2) {
    const a = hex.charCodeAt(i);
    const b = hex.charCodeAt(i + 1);
    const high = NIBBLE[a & 255] as number;
    const low = NIBBLE[b & 255] as number;
    // A code above 255 is never a hex digit (`& 255` alone could alias one onto a digit).
    if ((high | low) < 0 || (a | b) > 255) return -1;
    into[at++] = (high << 4) | low;
  }
  return at;
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const decoder = new TextDecoder();
let hexBuffer = new Uint8Array(HASH_CHARS * 16);

/** The lowercase hex of `length` bytes of `bytes` from `offset`, as one flat string. */
function hexOf(bytes: Uint8Array, offset: number, length: number): string {
  if (length * 2 > hexBuffer.length) hexBuffer = new Uint8Array(length * 2);
  for (let i = 0; i < length; i++) {
    const byte = bytes[offset + i] as number;
    hexBuffer[2 * i] = HEX_DIGITS[byte >> 4] as number;
    hexBuffer[2 * i + 1] = HEX_DIGITS[byte & 15] as number;
  }
  return decoder.decode(hexBuffer.subarray(0, length * 2));
}
