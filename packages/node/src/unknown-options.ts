import type { Issue } from '@x/openai-capi-core';

/**
 * Issues for the keys of `given` that `known` does not list. A misspelt option (`allowedOrigin`
 * for `allowedOrigins`) would otherwise be ignored, silently turning a protection off.
 * `known` is typed `Record<keyof Options, true>` by callers, so the compiler keeps it complete.
 */
export function unknownOptionIssues(given: object, known: Readonly<Record<string, true>>, what: string): Issue[] {
  const names = Object.keys(known);
  return Object.keys(given)
    .filter((key) => !Object.hasOwn(known, key))
    .map((key) => {
      const near = names.find((name) => name.toLowerCase().startsWith(key.toLowerCase().slice(0, 5)));
      return {
        path: key,
        code: 'unknown_option',
        message: `is not an option of ${what}${near === undefined ? '' : ` (did you mean ${near}?)`}`,
      };
    });
}
