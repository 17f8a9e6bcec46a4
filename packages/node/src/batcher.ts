import type { WireEvent } from '@x/openai-capi-core';

/** One request: its events and its exact body, serialized once so every retry sends the same bytes. */
export interface Batch {
  events: WireEvent[];
  body: string;
}

/** Limits of one request. */
export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

const ASCII = /^[\x00-\x7f]*$/;

/** UTF-8 byte length of `text` without encoding it (native fast path for ASCII). */
export function utf8Length(text: string): number {
  if (ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The request body around the events: `{"validate_only":…,"integration_source":…,"events":[…]}`. */
export class Envelope {
  /** Bytes of the body with no events. */
  readonly overhead: number;

  constructor(
    private readonly validateOnly: boolean | undefined,
    private readonly integrationSource: string | undefined,
  ) {
    this.overhead = utf8Length(this.body([]));
  }

  /** The exact body for these events (fields in spec order, absent ones omitted). */
  body(events: readonly WireEvent[]): string {
    return JSON.stringify({ validate_only: this.validateOnly, integration_source: this.integrationSource, events });
  }

  /** A batch of these events, serialized in one `JSON.stringify` call. */
  batch(events: WireEvent[]): Batch {
    const body = this.body(events);
    return { events, body };
  }
}

/**
 * True when `batch.body` is at most `maxBytes` UTF-8 bytes. A UTF-8 char is 1–3 bytes per UTF-16
 * unit, so the exact count is only needed when the length alone cannot decide.
 */
export function fits(batch: Batch, maxBytes: number): boolean {
  const units = batch.body.length;
  if (units * 3 <= maxBytes) return true;
  if (units > maxBytes) return false;
  return encodesWithin(batch.body, maxBytes);
}

/**
 * True when the UTF-8 encoding of `text` (a lone surrogate as U+FFFD, 3 bytes, as `fetch` sends it)
 * is at most `maxBytes` bytes. `TextEncoder.encodeInto` a buffer of `maxBytes` bytes stops at the
 * first character that does not fit: native and several times faster than counting in JavaScript
 * for the ~1 MB bodies of full batches.
 */
function encodesWithin(text: string, maxBytes: number): boolean {
  const Encoder = (globalThis as { TextEncoder?: typeof TextEncoder }).TextEncoder;
  if (Encoder === undefined) return utf8Length(text) <= maxBytes;
  return new Encoder().encodeInto(text, new Uint8Array(maxBytes)).read === text.length;
}

/**
 * Cuts `events` into consecutive batches of at most `maxEvents` events and `maxBytes` body bytes.
 * Each chunk of `maxEvents` is serialized whole; only a chunk over the byte cap is measured event by
 * event and cut greedily. An event too big to fit even alone comes back in `oversized`.
 */
export function splitIntoBatches(
  events: readonly WireEvent[],
  envelope: Envelope,
  limits: BatchLimits,
): { batches: Batch[]; oversized: WireEvent[] } {
  const batches: Batch[] = [];
  const oversized: WireEvent[] = [];
  for (let start = 0; start < events.length; start += limits.maxEvents) {
    const chunk = events.slice(start, start + limits.maxEvents);
    const whole = envelope.batch(chunk);
    if (fits(whole, limits.maxBytes)) {
      batches.push(whole);
      continue;
    }
    let group: WireEvent[] = [];
    let size = envelope.overhead;
    for (const event of chunk) {
      const bytes = utf8Length(JSON.stringify(event));
      if (envelope.overhead + bytes > limits.maxBytes) {
        oversized.push(event);
        continue;
      }
      const added = bytes + (group.length === 0 ? 0 : 1);
      if (size + added > limits.maxBytes) {
        batches.push(envelope.batch(group));
        group = [];
        size = envelope.overhead;
      }
      size += bytes + (group.length === 0 ? 0 : 1);
      group.push(event);
    }
    if (group.length > 0) batches.push(envelope.batch(group));
  }
  return { batches, oversized };
}
