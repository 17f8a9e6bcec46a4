import { buildEvent, CapiError, CapiValidationError, type EventInput, type Issue, type WireEvent } from '@x/openai-capi-core';
import type { TrackOptions } from './client.js';
import type { DeliveryRecords } from './reporter.js';
import { isDeliverySource } from './ledger-format.js';
import { toRejected } from './deliver.js';
import type { Flusher } from './flusher.js';
import type { ResolvedOptions } from './options.js';
import type { Pipeline } from './pipeline.js';
import type { Reporter } from './reporter.js';
import { toWarned, type DuplicateEvent, type RejectedEvent } from './report.js';

/** `track` and `enqueue`: build, queue (or report why not), and schedule the flush. */
export interface Intake {
  track(input: EventInput, options?: TrackOptions): string;
  enqueue(input: EventInput, options?: TrackOptions): Promise<string>;
  /** `track` repeats of a queued (name, id) since the last call: reported with the flush that takes the first copy. */
  takeDuplicates(): DuplicateEvent[];
  /** Reports events that will never be sent (`shutdown`): the client closed before they could be. */
  drop(event: WireEvent, reason: 'queue_full' | 'store_full' | 'shutdown'): RejectedEvent;
}

/** The intake of one client; `closed()` tells whether `shutdown()` was called. */
export function createIntake(
  o: ResolvedOptions,
  reporter: Reporter,
  pipeline: Pipeline,
  flusher: Flusher,
  closed: () => boolean,
  records: DeliveryRecords,
): Intake {
  let duplicates: DuplicateEvent[] = [];
  const { counters } = reporter;

  const drop = (event: WireEvent, reason: 'queue_full' | 'store_full' | 'shutdown'): RejectedEvent => {
    counters.dropped++;
    const message = reason === 'queue_full'
      ? `Event dropped: the queue is full (maxQueueSize ${o.maxQueueSize})`
      : reason === 'store_full'
        ? `Event dropped: the queue is full (maxQueueSize ${o.maxQueueSize}) while the store is at its cap`
        : 'Event dropped: track() was called after shutdown(), or it never reached the store before it';
    const error = new CapiError(message);
    const rejected = toRejected(event, reason, error);
    reporter.rejected(error, [rejected]);
    return rejected;
  };
  /** After an event was queued: flush at `flushAt`, else start the interval timer. */
  const queued = () => {
    counters.tracked++;
    // Once a flush is scheduled, it takes everything queued when it starts: asking again would only
    // chain one more promise per event for the rest of a burst.
    if (pipeline.size >= o.flushAt) {
      if (!flusher.scheduled()) flusher.background();
    } else flusher.arm();
  };
  // Spec §10: invalid optional fields are left out; said at once through the logger and onError.
  // One options object and one warnings list for every call (buildEvent is synchronous): nothing
  // is allocated per event for them.
  const warnings: Issue[] = [];
  const buildOptions = { now: 0, hasher: o.hasher, onWarning: (w: Issue) => void warnings.push(w) };
  const build = (input: EventInput, options: TrackOptions | undefined): WireEvent => {
    const source = options?.source;
    if (source !== undefined && !isDeliverySource(source)) {
      throw new CapiValidationError([{ path: 'source', code: 'invalid_value', message: "track option source must be 'server' or 'relay'" }]);
    }
    // Emptied only when a throwing build left warnings behind: setting `length` is a runtime call,
    // measurable at one per event.
    if (warnings.length !== 0) warnings.length = 0;
    buildOptions.now = o.now();
    const event = buildEvent(input, buildOptions);
    if (warnings.length > 0) reporter.warned([toWarned(event, warnings.splice(0))]);
    if (source !== undefined) records.marks.mark(event, source);
    // What `marks.of(event)` answers for an event just marked, without a WeakMap lookup.
    records.coverage.seen(event, source ?? records.marks.fallback);
    return event;
  };

  return {
    track(input, options) {
      const event = build(input, options);
      if (closed()) {
        drop(event, 'shutdown');
        return event.id;
      }
      const pushed = pipeline.push(event);
      if (pushed === 'full' || pushed === 'store_full') drop(event, pushed === 'full' ? 'queue_full' : pushed);
      else if (pushed === 'duplicate') reporter.duplicate(event, duplicates);
      else queued();
      return event.id;
    },
    async enqueue(input, options) {
      const event = build(input, options);
      for (;;) {
        if (closed()) throw new CapiError('enqueue() was called after shutdown(): the event was not queued');
        const pushed = pipeline.push(event);
        if (pushed === 'duplicate') {
          reporter.duplicate(event, duplicates);
          break;
        }
        if (pushed === 'queued') {
          queued();
          break;
        }
        // Full: make room, and wait for it instead of dropping.
        flusher.background();
        await pipeline.room();
      }
      await pipeline.written();
      return event.id;
    },
    takeDuplicates() {
      const out = duplicates;
      duplicates = [];
      return out;
    },
    drop,
  };
}
