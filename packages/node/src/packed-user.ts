import type { WireEvent, WireUser } from '@x/openai-capi-core';

/**
 * Queued events hold their hashed identifiers as bytes, not hex. In a wire `user`, each SHA-256 is
 * a 64-character hex string (an 80-byte heap string) inside a one-value array (~56 bytes more): five
 * identifiers cost ~700 bytes per queued event. Packed, their 32-byte digests share one binary
 * string, and the field names and value counts live in a layout shared by every user of the same
 * shape. The queue packs an event's `user` when it takes the event and unpacks it when a flush takes
 * it out; nothing else ever sees the packed form.
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
    /** The digests, one char (0–255) per byte. */
    readonly bytes: string,
    /** The values kept as they are: none, one value, or an array of them (the layout says how many). */
    readonly kept: unknown,
  ) {}
}

// A shape is looked up by comparing keys and counts: few shapes per application, checked in turn.
const MAX_LAYOUTS = 32;

/** Packs users for one queue. */
export class UserPacker {
  private layouts: Layout[] = [];
  private buffer = new Uint8Array(HASH_BYTES * 16);

  /** Replaces `event.user` with its packed form (in place: the queue holds the only reference). */
  pack(event: WireEvent): void {
    const user = event.user;
    if (user === undefined) return;
    const layout = this.layoutOf(user);
    if (layout === undefined) return;
    if (layout.digests * HASH_BYTES > this.buffer.length) this.buffer = new Uint8Array(layout.digests * HASH_BYTES);
    const values = user as Record<string, unknown>;
    let at = 0;
    const kept: unknown[] = [];
    for (const slot of layout.slots) {
      const value = values[slot.key];
      if (slot.count === -1) {
        kept.push(value);
        continue;
      }
      for (const hex of value as string[]) at = hexInto(hex, this.buffer, at);
    }
    const bytes = String.fromCharCode.apply(null, this.buffer.subarray(0, at) as unknown as number[]);
    (event as { user?: unknown }).user = new PackedUser(layout, bytes, layout.kept === 0 ? undefined : layout.kept === 1 ? kept[0] : kept);
  }

  /** Undoes {@link UserPacker.pack}: `event.user` is a wire user again (a new object, same keys and values). */
  unpack(event: WireEvent): void {
    const packed = event.user as unknown;
    if (!(packed instanceof PackedUser)) return;
    const { layout, bytes } = packed;
    const user: Record<string, unknown> = {};
    let at = 0;
    let k = 0;
    for (const slot of layout.slots) {
      if (slot.count === -1) {
        user[slot.key] = layout.kept === 1 ? packed.kept : (packed.kept as unknown[])[k++];
        continue;
      }
      const list: string[] = new Array<string>(slot.count);
      for (let i = 0; i < slot.count; i++, at += HASH_BYTES) list[i] = hexOf(bytes, at);
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

/** A non-empty array of 64-character lowercase hex strings. */
function isDigestList(value: unknown): value is string[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value) if (!isLowerHex64(item)) return false;
  return true;
}

function isLowerHex64(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== HASH_CHARS) return false;
  for (let i = 0; i < HASH_CHARS; i++) if (nibble(value.charCodeAt(i)) < 0) return false;
  return true;
}

/** 0–15 for `0-9a-f`, −1 otherwise. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function hexInto(hex: string, into: Uint8Array, at: number): number {
  for (let i = 0; i < HASH_CHARS; i += 2) into[at++] = (nibble(hex.charCodeAt(i)) << 4) | nibble(hex.charCodeAt(i + 1));
  return at;
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const hexBuffer = new Uint8Array(HASH_CHARS);
const decoder = new TextDecoder();

/** The 64 hex characters of the digest at `bytes[at…at+32)`, as one flat string. */
function hexOf(bytes: string, at: number): string {
  for (let i = 0; i < HASH_BYTES; i++) {
    const byte = bytes.charCodeAt(at + i);
    hexBuffer[2 * i] = HEX_DIGITS[byte >> 4] as number;
    hexBuffer[2 * i + 1] = HEX_DIGITS[byte & 15] as number;
  }
  return decoder.decode(hexBuffer);
}
