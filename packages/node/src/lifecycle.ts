import { emptyReport, mergeReport, type SendReport } from './report.js';
import { isDeadlineMs, MAX_DEADLINE_MS, type ClientLifetime } from './deadline.js';
import type { Flusher } from './flusher.js';
import type { Intake } from './intake.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import type { Pipeline } from './pipeline.js';

/** Options of `shutdown`. */
export interface ShutdownOptions {
  /**
   * One deadline for the whole final flush, retries included, in ms (0 to 600 000; more is cut to
   * 600 000). Default, and for a value that is not a non-negative number (with a warning): the
   * client's `shutdownTimeoutMs` (10 s).
   */
  timeoutMs?: number | undefined;
}

/** A signal `shutdownOnSignals` can listen to (no Node types needed in the declarations). */
export type ShutdownSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2';

/** The part of Node's `process` that `shutdownOnSignals` uses. */
interface SignalProcess {
  once(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  removeListener(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  exit(code: number): never;
}

/** Options of `shutdownOnSignals`. */
export interface SignalOptions {
  /** Signals that shut the client down. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly ShutdownSignal[] | undefined;
  /** Deadline of the final flush. Default: the client's `shutdownTimeoutMs`. */
  timeoutMs?: number | undefined;
  /**
   * Ends the process once the client is shut down. Default: `process.exit(128 + signal number)`,
   * the status a shell reports for a process the signal ended (143 for SIGTERM, 130 for SIGINT).
   * Pass your own to close servers and databases first.
   */
  exit?: ((signal: ShutdownSignal) => void) | undefined;
}

/** The end of a client: one shutdown, and the signal handlers that trigger it. */
export interface Lifecycle {
  shutdown(options?: ShutdownOptions): Promise<SendReport>;
  shutdownOnSignals(options?: SignalOptions): () => void;
  closed(): boolean;
}

/** Shutdown under one deadline, then the store closed and anything it never got reported. */
export function createLifecycle(
  o: ResolvedOptions,
  log: Logger,
  lifetime: ClientLifetime,
  flusher: Flusher,
  pipeline: Pipeline,
  intake: () => Intake,
): Lifecycle {
  let shutdownPromise: Promise<SendReport> | undefined;
  const shutdown = (options?: ShutdownOptions): Promise<SendReport> => {
    if (shutdownPromise !== undefined) return shutdownPromise;
    flusher.disarm();
    const given = options?.timeoutMs;
    const timeoutMs = isDeadlineMs(given) ? given : typeof given === 'number' && given > MAX_DEADLINE_MS ? MAX_DEADLINE_MS : o.shutdownTimeoutMs;
    // Not a rejection: a shutdown that refused to run would lose the queue. Said, though.
    if (given !== undefined && timeoutMs !== given) {
      log.warn(`shutdown timeoutMs must be a number of ms from 0 to ${MAX_DEADLINE_MS}; using ${timeoutMs}`);
    }
    lifetime.deadline = o.now() + timeoutMs;
    // Deliberately not unref'd (unlike every other timer here): while a shutdown runs, it keeps the
    // process alive until the deadline, so a retry backoff cannot let it exit with events unsent.
    const deadlineTimer = setTimeout(() => lifetime.end(), timeoutMs);
    const inFlight = flusher.running();
    shutdownPromise = Promise.all([inFlight ?? Promise.resolve(emptyReport()), flusher.flush()]).then(async ([a, b]) => {
      clearTimeout(deadlineTimer);
      const report = mergeReport(mergeReport(emptyReport(), a), b);
      for (const event of await pipeline.close()) report.rejected.push(intake().drop(event, 'shutdown'));
      log.info(`shut down: ${report.delivered.length} delivered, ${report.rejected.length} not delivered`);
      return report;
    });
    return shutdownPromise;
  };

  const shutdownOnSignals = (options?: SignalOptions): (() => void) => {
    const proc = (globalThis as { process?: SignalProcess }).process;
    if (typeof proc?.once !== 'function') throw new TypeError('shutdownOnSignals() needs Node-style process signals; call shutdown() yourself here');
    const signals = options?.signals ?? (['SIGTERM', 'SIGINT'] as const);
    const exit = options?.exit ?? ((signal: ShutdownSignal) => proc.exit(128 + SIGNAL_NUMBERS[signal]));
    const handler = (signal: ShutdownSignal) => {
      remove();
      void shutdown(options?.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs }).then(
        (report) => {
          log.info(`${signal}: ${report.delivered.length} delivered, ${report.rejected.length} not delivered at shutdown`);
          exit(signal);
        },
        () => exit(signal),
      );
    };
    const remove = () => {
      for (const s of signals) proc.removeListener(s, handler);
    };
    for (const s of signals) proc.once(s, handler);
    return remove;
  };

  return { shutdown, shutdownOnSignals, closed: () => shutdownPromise !== undefined };
}

/** Linux numbers (exit status 128 + n, as a shell reports a process the signal ended). */
const SIGNAL_NUMBERS: Record<ShutdownSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15, SIGUSR1: 10, SIGUSR2: 12 };
