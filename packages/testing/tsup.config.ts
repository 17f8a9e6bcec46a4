import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: `@x/openai-capi-testing` and `@x/openai-capi-testing/msw` (msw stays external).
    entry: { index: 'src/index.ts', msw: 'src/msw.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // The CLI config below writes into the same folder at the same time: never clean its files.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'es2022',
    removeNodeProtocol: false,
    treeshake: true,
  },
  {
    // The `openai-capi-emulator` bin: ESM only, with a shebang (tsup marks it executable).
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    removeNodeProtocol: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
