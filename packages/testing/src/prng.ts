/** A PRNG returning floats in `[0, 1)`. */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast, seedable 32-bit PRNG. Not cryptographic; used so fault injection is
 * reproducible from a seed.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
