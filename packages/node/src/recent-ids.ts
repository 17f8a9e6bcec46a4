import type { IdSources } from '@x/openai-capi-core';

/** Ids per generation: between this many and twice this many are remembered. */
export const IDS_PER_GENERATION = 50_000;
/** Slots of a new table; it doubles when fuller than {@link MAX_LOAD}. */
const MIN_SLOTS = 64;
/** Share of a table's slots in use above which it doubles: 50 000 ids fit in 65 536 slots. */
const MAX_LOAD = 0.78;
/**
 * Slots a lookup walks at most. Probing by double hashing (the step comes from the verifying half),
 * a miss at the load above walks ~4 slots on average and past 256 with odds of about 10⁻³⁰ per lookup, so the
 * last 50 000 ids are always remembered. Linear probing, used before, piled neighbours into runs:
 * about one table in 200 filled to 50 000 ids had a run past 256, and ids landing there were
 * forgotten. Ids crafted to land on one slot with one step (a relay takes ids from any browser)
 * would make every lookup walk all of them; past this many, an id is not remembered (it counts as
 * new): the coverage figures may be off under such an attack, `track` stays fast.
 */
const MAX_PROBES = 256;
/** What {@link Table.find} answers when it gave up after {@link MAX_PROBES} slots. */
const NO_ROOM = Number.MIN_SAFE_INTEGER;

/** One generation: an open-addressing (double hashing) table of 64-bit fingerprints and their source bits. */
/** @internal Exported for recent-ids.test.ts. */
export class Table {
  readonly mask: number;
  /**
   * Per slot, the fingerprint's two 32-bit halves: `[2 * slot]` picks the first slot, `[2 * slot + 1]`
   * verifies and (its high 16 bits) sets the step between the slots walked.
   */
  readonly keys: Int32Array;
  /** Per slot, the source bits (1 server, 2 relay); 0: the slot is empty. */
  readonly bits: Uint8Array;
  count = 0;

  constructor(readonly slots: number) {
    this.mask = slots - 1;
    this.keys = new Int32Array(slots * 2);
    this.bits = new Uint8Array(slots);
  }

  /**
   * The slot holding (`a`, `b`), or `-1 - slot` of the empty slot where it would go, or
   * {@link NO_ROOM} when neither turned up within {@link MAX_PROBES} slots.
   */
  find(a: number, b: number): number {
    const { keys, bits, mask } = this;
    let slot = a & mask;
    // Odd, so the walk visits every slot of the power-of-two table before it comes back.
    const step = ((b >>> 16) | 1) & mask;
    for (let probes = 0; bits[slot] !== 0; probes++) {
      if (keys[2 * slot] === a && keys[2 * slot + 1] === b) return slot;
      if (probes === MAX_PROBES) return NO_ROOM;
      slot = (slot + step) & mask;
    }
    return -1 - slot;
  }

  /** Fills the empty `slot`. */
  put(slot: number, a: number, b: number, bits: number): void {
    this.keys[2 * slot] = a;
    this.keys[2 * slot + 1] = b;
    this.bits[slot] = bits;
    this.count++;
  }

  /** The same entries in a table twice as large. */
  doubled(): Table {
    const next = new Table(this.slots * 2);
    for (let slot = 0; slot < this.slots; slot++) {
      const bits = this.bits[slot]!;
      if (bits === 0) continue;
      const a = this.keys[2 * slot]!;
      const b = this.keys[2 * slot + 1]!;
      const free = next.find(a, b);
      if (free !== NO_ROOM) next.put(-1 - free, a, b, bits);
    }
    return next;
  }
}

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
/** MurmurHash3's finalizer: every input bit reaches every output bit. */
export function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Where {@link fingerprint} writes (no allocation per call). */
export const FINGERPRINT = new Int32Array(2);

/**
 * A random start for both hashes, drawn once per process at the first fingerprint: which ids share
 * a slot cannot be worked out ahead of time (the walk cap above bounds the cost if they are anyway).
 * Drawn lazily: workerd refuses random values at a module's top level, and a client may be created there.
 */
let seed: Int32Array | undefined;

/** The per-process random start of {@link fingerprint} (drawn at the first call); also seeds `FirstIds`. */
export function hashSeed(): Int32Array {
  return (seed ??= drawSeed());
}

function drawSeed(): Int32Array {
  const drawn = new Int32Array(2);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Int32Array) => Int32Array } }).crypto;
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(drawn);
  else for (let i = 0; i < 2; i++) drawn[i] = (Math.random() * 0x100000000) | 0;
  return drawn;
}

// The state of both hashes after a name and the separator: most events share a few names, so the
// name's part is reused while it repeats (it depends on the name and the seed only).
let lastName: string | undefined;
let nameA = 0;
let nameB = 0;
// The last pair fingerprinted and its first half: `track` fingerprints a pair for the coverage
// counters, then the queue asks for the first half again ({@link pairHash}).
let lastId: string | undefined;
let lastPairName: string | undefined;
let lastA = 0;

/** The state of both hashes after `name` and the separator, into `nameA` and `nameB`. */
function hashName(name: string): void {
  const seed = hashSeed();
  let a = 0x811c9dc5 ^ seed[0]!;
  let b = 0x3c6ef372 ^ seed[1]!;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(rotl(Math.imul(c, 0xcc9e2d51), 15), 0x1b873593) ^ b;
    b = (Math.imul(rotl(b, 13), 5) + 0xe6546b64) | 0;
  }
  const separator = 0x10000 + name.length;
  nameA = Math.imul(a ^ separator, 0x01000193);
  b = Math.imul(rotl(Math.imul(separator, 0xcc9e2d51), 15), 0x1b873593) ^ b;
  nameB = (Math.imul(rotl(b, 13), 5) + 0xe6546b64) | 0;
  lastName = name;
}

/**
 * The 64-bit fingerprint of (`name`, `id`) into {@link FINGERPRINT}: two independent 32-bit hashes
 * (FNV-1a and MurmurHash3's mixing, each from a random per-process start and finished by
 * MurmurHash3's finalizer) in one pass over the name's UTF-16 code units, a separator no code unit
 * can equal (so no name and id split the same characters differently into the same sequence) and
 * the id's code units. The first half is {@link pairHash}.
 */
export function fingerprint(name: string, id: string): void {
  if (name !== lastName) hashName(name);
  let a = nameA;
  let b = nameB;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(rotl(Math.imul(c, 0xcc9e2d51), 15), 0x1b873593) ^ b;
    b = (Math.imul(rotl(b, 13), 5) + 0xe6546b64) | 0;
  }
  FINGERPRINT[0] = lastA = fmix(a ^ id.length);
  FINGERPRINT[1] = fmix(b ^ (name.length + id.length));
  lastPairName = name;
  lastId = id;
}

/**
 * The first half of {@link fingerprint} alone (FNV-1a), the hash `FirstIds` places pairs with: the
 * pair fingerprinted last is not hashed again.
 */
export function pairHash(name: string, id: string): number {
  if (id === lastId && name === lastPairName) return lastA;
  if (name !== lastName) hashName(name);
  let a = nameA;
  for (let i = 0; i < id.length; i++) a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
  return fmix(a ^ id.length);
}

/**
 * The source bits (1 server, 2 relay) of the recent ids of one client, per dedupe name: what
 * `stats().coverage` counts `idsFromBoth` with, in about 12 to 24 bytes per id and no allocation
 * per id (a table doubles now and then while it fills).
 *
 * **What it remembers.** Ids live in two generations: new ids enter the current one; once it holds
 * {@link IDS_PER_GENERATION} (50 000) ids it becomes the previous one (the older one is dropped) and a
 * fresh one starts, small. An id found in the previous generation is carried into the current one.
 * So the last 50 000 distinct ids seen are always remembered, at most 100 000 are, and an id is
 * forgotten once 100 000 other ids came after it (it counts as a new id when it comes back).
 *
 * **Fingerprints, not ids.** An id is kept as a 64-bit fingerprint of (dedupe name, id)
 * ({@link fingerprint}): two independent 32-bit hashes, one placing it in the table and one
 * verifying it. Two ids with the same fingerprint would count as one; with 100 000 ids remembered
 * the odds that any two of them collide are about 3 in 10¹⁰. A lookup walks at most 256 slots: ids
 * crafted to pile onto one slot are then not remembered, instead of slowing every `track` down.
 */
export class RecentIds implements IdSources {
  private current: Table = new Table(MIN_SLOTS);
  private previous: Table | undefined;

  /** `perGeneration`: ids per generation (tests use small ones). */
  constructor(private readonly perGeneration = IDS_PER_GENERATION) {}

  add(name: string, id: string, bits: number): number {
    fingerprint(name, id);
    const a = FINGERPRINT[0]!;
    const b = FINGERPRINT[1]!;
    let table = this.current;
    let slot = table.find(a, b);
    if (slot >= 0) {
      const before = table.bits[slot]!;
      table.bits[slot] = before | bits;
      return before;
    }
    let before = 0;
    if (this.previous !== undefined) {
      const old = this.previous.find(a, b);
      if (old >= 0) before = this.previous.bits[old]!;
    }
    if (table.count >= this.perGeneration) {
      this.previous = table;
      this.current = table = new Table(MIN_SLOTS);
      slot = table.find(a, b);
    } else if (table.count + 1 > table.slots * MAX_LOAD) {
      this.current = table = table.doubled();
      slot = table.find(a, b);
    }
    if (slot !== NO_ROOM) table.put(-1 - slot, a, b, before | bits);
    return before;
  }

  /** Entries held, both generations (an id carried from the previous one counts twice). */
  get size(): number {
    return this.current.count + (this.previous?.count ?? 0);
  }

  /** Slots allocated, both generations (each costs 9 bytes). */
  get slots(): number {
    return this.current.slots + (this.previous?.slots ?? 0);
  }
}
