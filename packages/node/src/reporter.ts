import { CapiValidationError, hasMatchKey, type CapiError, type WireEvent } from '@x/openai-capi-core';
import type { ClientStats } from './client.js';
import type { Coverage } from './coverage.js';
import type { DeliveryLedger } from './ledger.js';
import type { Logger } from './logger.js';
import type { SourceMarks } from './sources.js';
import type { ResolvedOptions } from './options.js';
import { toDuplicate, type DuplicateEvent, type RejectedEvent, type WarnedEvent } from './report.js';

/** The counters behind `stats()` (the queue's size, `closed`, `maxQueueSize` and `coverage` are added by the client). */
export type Counters = Pick<ClientStats, 'tracked' | 'delivered' | 'rejected' | 'dropped' | 'deduplicated' | 'requests' | 'retries' | 'inFlight'>;

/** Where every outcome is counted, logged and handed to the application's hooks. */
export interface Reporter {
  counters: Counters;
  /** A group of events was not delivered, for one cause: counted, logged (ids only), `onError`. */
  rejected(error: CapiError, rejected: RejectedEvent[]): void;
  /** A request succeeded: counted, logged, `onDelivered`. */
  delivered(events: readonly WireEvent[], status: number, requestId: string | undefined, validateOnly: boolean): void;
  /** `event` repeats the (name, id) of an earlier one: counted and listed in `into`. */
  duplicate(event: WireEvent, into: DuplicateEvent[]): void;
  /** Spec §10: events sent without invalid optional fields: logged and passed to `onError` (reason `warning`). */
  warned(warned: WarnedEvent[]): void;
  /** Spec §4: events without a match key are sent anyway, but said at debug level (ids only). */
  unattributable(items: readonly WireEvent[]): void;
}

/** What the reporter also feeds with each delivery: the coverage counters and, with a file store, the ledger. */
export interface DeliveryRecords {
  coverage: Coverage;
  marks: SourceMarks;
  ledger: DeliveryLedger | undefined;
}

/** The {@link Reporter} of one client. Hooks that throw are logged by error name only. */
export function createReporter(o: ResolvedOptions, log: Logger, records?: DeliveryRecords): Reporter {
  const warn = (message: string) => log.warn(message);
  const counters: Counters = { tracked: 0, delivered: 0, rejected: 0, dropped: 0, deduplicated: 0, requests: 0, retries: 0, inFlight: 0 };
  return {
    counters,
    rejected(error, rejected) {
      counters.rejected += rejected.length;
      const first = rejected[0];
      if (first === undefined) return;
      const eventIds = rejected.map((r) => r.id);
      const meta = { reason: first.reason, count: rejected.length, status: first.status, eventIds: eventIds.slice(0, 10) };
      if (first.reason === 'auth' || first.reason === 'config') log.error(error.message, meta);
      else log.warn(`${rejected.length} event(s) not delivered (${first.reason}): ${error.message}`, meta);
      if (o.onError === undefined) return;
      try {
        o.onError(error, first.status === undefined
          ? { reason: first.reason, eventIds, events: rejected }
          : { reason: first.reason, eventIds, events: rejected, status: first.status });
      } catch (hookError) {
        log.error(`onError hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
      }
    },
    delivered(events, status, requestId, validateOnly) {
      counters.delivered += events.length;
      if (records !== undefined && !validateOnly) {
        records.coverage.delivered(events, records.marks.of, warn);
        records.ledger?.record(events, records.marks.of, warn);
      }
      log.debug(`delivered ${events.length} event(s) (HTTP ${status})`, { requestId });
      if (o.onDelivered === undefined) return;
      const info = { eventIds: events.map((e) => e.id), status, validateOnly };
      try {
        o.onDelivered(requestId === undefined ? info : { ...info, requestId });
      } catch (hookError) {
        log.error(`onDelivered hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
      }
    },
    warned(warned) {
      if (warned.length === 0) return;
      const issues = warned.flatMap((w) => w.warnings);
      const error = new CapiValidationError(issues, `Sent without ${issues.length} invalid optional field(s): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const eventIds = warned.map((w) => w.id);
      log.warn(error.message, { reason: 'warning', count: warned.length, eventIds: eventIds.slice(0, 10) });
      if (o.onError === undefined) return;
      try {
        o.onError(error, { reason: 'warning', eventIds, events: [], warnings: warned });
      } catch (hookError) {
        log.error(`onError hook threw (${errorName(hookError)}); its message is not logged, as it may hold personal data`);
      }
    },
    duplicate(event, into) {
      counters.deduplicated++;
      into.push(toDuplicate(event));
      log.debug('event repeats the name and id of an earlier one: sent once', { eventId: event.id });
    },
    unattributable(items) {
      if (o.logLevel !== 'debug') return; // said at debug level only: no scan of every event otherwise
      const eventIds = items.filter((event) => !hasMatchKey(event)).map((event) => event.id);
      if (eventIds.length === 0) return;
      log.debug(`${eventIds.length} event(s) have no oppref, obref, hashed email or hashed external id: unlikely to be attributed`, {
        count: eventIds.length,
        eventIds: eventIds.slice(0, 10),
      });
    },
  };
}

/** The name of a thrown value (`TypeError`), never its message: an application's message may hold personal data. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
