/**
 * The channel between a tracker and `identify` (identify.ts). It is kept off the public `Tracker`, so that
 * `createTracker` alone carries no user normalization or hashing code: a site that never calls
 * `identify` does not download it.
 */
import type { PixelUser, UserInput } from '@x/openai-capi-core';

/** What `identify` needs from one tracker. */
export interface PixelUserLink {
  /** Every field given so far, merged: the pixel replaces its user on each `init`, never merges. */
  user: UserInput;
  /** Hands the complete hashed user to the pixel (now, or once consent allows it). */
  setUser(user: PixelUser): void;
  /** The tracker's reporter (`onError`, else the console). */
  report(error: unknown): void;
}

// A global symbol, not a WeakMap: the link must survive a Proxy around the tracker (Vue's reactive,
// MobX) and reach `identify` from another copy of this package (ESM and CJS builds, script tag).
const LINK = Symbol.for('x.openai-capi.pixel-user-link');

/** Registers the link of a tracker that `createTracker` made; returns the tracker. */
export function linkPixelUser<T extends object>(tracker: T, link: PixelUserLink): T {
  Object.defineProperty(tracker, LINK, { value: link });
  return tracker;
}

/** The link of `tracker`, or `undefined` when it is not a tracker made by `createTracker`. */
export function pixelUserLinkOf(tracker: unknown): PixelUserLink | undefined {
  if (typeof tracker !== 'object' || tracker === null) return undefined;
  const link = (tracker as { [LINK]?: unknown })[LINK];
  return typeof link === 'object' && link !== null && typeof (link as PixelUserLink).setUser === 'function' ? (link as PixelUserLink) : undefined;
}
