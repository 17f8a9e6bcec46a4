import { CapiError } from '@x/openai-capi-core';

/** Most distinct keys remembered by {@link Reporter.once}; the oldest are forgotten first. */
const MAX_REMEMBERED = 1000;

/** Hands errors to the relay's `onError`, some of them once per key. */
export interface Reporter {
  /** Passes `error` on; a hook that throws is ignored (it must not turn an answer into a crash). */
  report(error: unknown, request: Request): void;
  /** Passes `error` on unless `key` was reported before (bounded memory: an attacker can vary keys). */
  once(key: string, error: () => unknown, request: Request): void;
}

/** A reporter over the relay's `onError` (default: one `console.error` line, see {@link defaultOnError}). */
export function createReporter(onError: ((error: unknown, request: Request) => void) | undefined): Reporter {
  const hook = onError ?? defaultOnError;
  const seen = new Set<string>();
  const report = (error: unknown, request: Request): void => {
    try {
      hook(error, request);
    } catch {
      // A failing error hook must not turn an answer into a crash.
    }
  };
  return {
    report,
    once(key, error, request) {
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > MAX_REMEMBERED) seen.delete(seen.values().next().value as string);
      report(error(), request);
    },
  };
}

// This SDK's own errors are printed; of any other, only the name: its message may hold personal data.
function defaultOnError(error: unknown): void {
  if (CapiError.isInstance(error)) {
    console.error(`[openai-capi] ${error.message}`);
    return;
  }
  const name = error instanceof Error ? error.name : typeof error;
  console.error(`[openai-capi] relay handler failed (${name}); pass onError to createRelayHandler to see it`);
}
