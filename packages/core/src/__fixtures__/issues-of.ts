/** Test helper: the issues of the CapiValidationError that `fn` throws. Not shipped. */
import { CapiValidationError } from '../errors.js';

/** Runs `fn` and returns the issues of the `CapiValidationError` it throws; fails if it throws nothing or anything else. */
export function issuesOf(fn: () => unknown): CapiValidationError['issues'] {
  try {
    fn();
  } catch (error) {
    if (CapiValidationError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected a CapiValidationError');
}
