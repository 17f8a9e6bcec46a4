import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: `runCli` and the upload parts, for scripts that drive the CLI from code.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // The CLI config below writes into the same folder at the same time: never clean its files.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    treeshake: true,
  },
  {
    // What bin/openai-capi.js runs: ESM only.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
  },
]);
