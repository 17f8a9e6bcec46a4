/** Checks of option values, shared by the tracker (which falls back on defaults) and the development checks (which report). */

/** An integer ≥ 0. */
export function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** A finite number > 0. */
export function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < Infinity;
}

/** A finite number ≥ 0. */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < Infinity;
}

/** A non-blank string. */
export function isPixelId(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '';
}

/** `value` when it is a finite number ≥ `min`, else `fallback`. */
export function numberOr(value: unknown, fallback: number, min: number): number {
  return typeof value === 'number' && value >= min && value < Infinity ? value : fallback;
}

/**
 * The rule of the tracker's `pixelScriptUrl`, checked by development builds: an absolute http(s) URL.
 * (A URL with a `"` in it makes the pixel bridge's `script[src="…"]` lookup throw: reported through `onError`.)
 */
export const SCRIPT_URL = /^https?:\/\//i;
