import type { AbsorbedDuplicate, Faults, ReceivedEvent, RecordedRequest } from './types.js';
import { type EmulatorState, type ResolvedOptions, applyFaults, resetState } from './state.js';

/** What the emulator and the msw handlers expose about the traffic they saw. */
export interface CapiRecorder {
  /** Accepted events, deduplicated (first copy wins), in arrival order. Live: read it any time. */
  readonly events: readonly ReceivedEvent[];
  /**
   * Requests to the events endpoint, whatever their status, in arrival order: the latest
   * `maxRecordedRequests` (default 1000) of them.
   */
  readonly requests: readonly RecordedRequest[];
  /** Later copies absorbed by deduplication. */
  readonly duplicates: readonly AbsorbedDuplicate[];
  /**
   * Replaces the fault configuration (`{}` turns faults off). Throws `RangeError` on a rate outside
   * `[0, 1]` or a negative delay. Give `seed` to restart the PRNG for a reproducible sequence.
   */
  setFaults(faults: Faults): void;
  /** Forgets all events, requests and duplicates, and restores the initial faults and seed. */
  reset(): void;
}

/** The {@link CapiRecorder} view of a state (arrays are the state's own, kept live). */
export function createRecorder(state: EmulatorState, options: ResolvedOptions): CapiRecorder {
  return {
    get events() {
      return state.events;
    },
    get requests() {
      return state.requests;
    },
    get duplicates() {
      return state.duplicates;
    },
    setFaults: (faults) => applyFaults(state, faults),
    reset: () => resetState(state, options),
  };
}
