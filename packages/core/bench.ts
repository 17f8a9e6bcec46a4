/** Entry point for bench runners: see `src/core.bench.ts`. Not part of the package build. */
export { benchCore, type BenchResult } from './src/core.bench.js';
