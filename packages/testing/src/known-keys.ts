import { unknownOptionIssues } from '@x/openai-capi-core';

/**
 * Throws a `RangeError` for the first key of `given` that `known` does not list (core's
 * `unknownOptionIssues`): `label.key is not <noun> (known: …)`. An ignored misspelling (`pixelId`
 * for `pixelIds`, `status500Rate`) would leave a test running without the check or the fault it
 * means to set up.
 */
export function assertKnownKeys(given: object, known: readonly string[], label: string, noun: string): void {
  const [unknown] = unknownOptionIssues(given, Object.fromEntries(known.map((name) => [name, true as const])), label);
  if (unknown) throw new RangeError(`${label}.${unknown.path} is not ${noun} (known: ${known.join(', ')})`);
}
