import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // npm build: core stays an external dependency so apps share one copy of it.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Each build cleans only its own files: the two configs run in parallel into the same dist/.
    clean: ['index.*'],
    target: 'es2022',
    treeshake: true,
    external: ['@x/openai-capi-core'],
  },
  {
    // Script-tag build: everything (core and @noble/hashes included) in one minified file that
    // exposes `window.OpenAICapi`.
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
    outExtension: () => ({ js: '.iife.js' }),
  },
]);
