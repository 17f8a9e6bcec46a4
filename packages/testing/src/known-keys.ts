/**
 * Throws a `RangeError` for the first key of `given` that `known` does not list: `label.key is not
 * <noun> (known: …)`. An ignored misspelling (`pixelId` for `pixelIds`, `status500Rate`) would leave
 * a test running without the check or the fault it means to set up.
 */
export function assertKnownKeys(given: object, known: readonly string[], label: string, noun: string): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) throw new RangeError(`${label}.${key} is not ${noun} (known: ${known.join(', ')})`);
  }
}
