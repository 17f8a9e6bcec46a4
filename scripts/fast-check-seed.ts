/**
 * Vitest setup for the property tests: one fixed fast-check seed by default, so `pnpm test` (and CI)
 * checks the same generated inputs on every run and a red run replays exactly. `pnpm test:fuzz`
 * sets FC_SEED=random to look for new failures; a failure prints its seed, and FC_SEED=<that seed>
 * replays it. Keep what it finds as a plain regression test.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? '20261129';
if (seed !== 'random') fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
