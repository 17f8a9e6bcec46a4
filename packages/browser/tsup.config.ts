import { defineConfig } from 'tsup';

// Development builds: `process` is defined as an object, so the source's guards
// `(typeof process == 'object' ? process.env.NODE_ENV : 'production') !== 'production'` hold without a real `process`
// (a browser has none). Production builds: NODE_ENV folds to "production" and the development code
// (core's builder and validation, the option checks) is dropped.
const development = { 'process.env.NODE_ENV': '"development"', process: '{"env":{"NODE_ENV":"development"}}' };
const production = { 'process.env.NODE_ENV': '"production"' };

export default defineConfig([
  {
    // npm build: core stays an external dependency so apps share one copy of it. The guards stay in
    // the code: a bundler's `process.env.NODE_ENV` folds them, and without a bundler (no `process`)
    // the production path runs.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Each build cleans only its own files: the configs run in parallel into the same dist/.
    clean: ['index.*'],
    target: 'es2022',
    treeshake: true,
    external: ['@x/openai-capi-core'],
  },
  {
    // The `development` export condition (Vite, webpack in development mode): always full checks.
    entry: { 'index.development': 'src/index.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: ['index.development.*'],
    target: 'es2022',
    treeshake: true,
    external: ['@x/openai-capi-core'],
    define: development,
  },
  {
    // Script-tag builds: everything (core included) in one minified file that exposes
    // `window.OpenAICapi`: the production one, and `openai-capi.dev.iife.js` with full checks.
    entry: { 'openai-capi': 'src/iife.ts' },
    format: ['iife'],
    globalName: 'OpenAICapi',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    clean: ['openai-capi.iife.*'],
    treeshake: true,
    noExternal: [/.*/],
    define: production,
    outExtension: () => ({ js: '.iife.js' }),
  },
  {
    entry: { 'openai-capi.dev': 'src/iife.ts' },
    format: ['iife'],
    globalName: 'OpenAICapi',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    clean: ['openai-capi.dev.iife.*'],
    treeshake: true,
    noExternal: [/.*/],
    define: development,
    outExtension: () => ({ js: '.iife.js' }),
  },
]);
