import { didYouMean } from './input-hints.js';
import type { Issue } from './types.js';

/**
 * One `unknown_option` issue for each own key of `given` that `known` does not list, with a hint
 * when a known name starts like it (`flush_at` → "did you mean flushAt?"). A misspelt option
 * (`allowedOrigin` for `allowedOrigins`) would otherwise be ignored, silently turning a protection
 * off. Every package of this SDK checks its options with it; wrappers can too.
 *
 * @param given - the options object as passed
 * @param known - the option names; typed `Record<keyof Options, true>` by callers, so that the
 *   compiler keeps the list complete
 * @param what - the function the options belong to, for the message (`createClient`)
 * @returns issues whose `path` is the unknown key, code `unknown_option`
 */
export function unknownOptionIssues(given: object, known: Readonly<Record<string, true>>, what: string): Issue[] {
  const names = Object.keys(known);
  return Object.keys(given)
    .filter((key) => !Object.prototype.hasOwnProperty.call(known, key))
    .map((key) => {
      const near = names.find((name) => name.toLowerCase().startsWith(key.toLowerCase().slice(0, 5)));
      const hint = didYouMean(key, names) || (near === undefined ? '' : ` (did you mean ${near}?)`);
      return { path: key, code: 'unknown_option', message: `is not an option of ${what}${hint}` };
    });
}
