/** How the browser package reports problems: never thrown into the page, always to `onError` or the console. */
import { CapiError, CapiValidationError } from '@x/openai-capi-core';

/** Sends a problem to `onError` (as a `CapiError`) and, in debug mode or without `onError`, to the console. */
export function createReporter(options: { onError?: ((error: CapiError) => void) | undefined; debug?: boolean | undefined }): (error: unknown) => void {
  return (error) => {
    const capiError = CapiError.isInstance(error)
      ? error
      : // Not String(error): a thrown null-prototype object has no string form, and would throw here.
        new CapiError(`openai-capi: unexpected error: ${error instanceof Error ? error.message : typeof error}`, { cause: error });
    // Without an onError (or with one that is not a function, which would swallow every problem),
    // the console is the only way not to drop a problem silently.
    const onError = typeof options.onError === 'function' ? options.onError : undefined;
    if (options.debug || !onError) console.warn('[openai-capi]', capiError.message);
    try {
      onError?.(capiError);
    } catch {
      // a throwing onError must not break the page either
    }
  };
}

/** Throws a `CapiValidationError` with one issue. */
export function invalid(path: string, code: string, message: string): never {
  throw new CapiValidationError([{ path, code, message }]);
}

/** Wraps functions so that what they throw goes to `report` (and they return `undefined`) instead of into the page. */
export function guarded(report: (error: unknown) => void) {
  return <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R | undefined => {
      try {
        return fn(...args);
      } catch (error) {
        report(error);
        return undefined;
      }
    };
}
