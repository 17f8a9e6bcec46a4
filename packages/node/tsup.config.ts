import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/redis.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // node:* builtins are imported lazily (hasher) or only for types (node handler).
  external: ['@x/openai-capi-core', 'redis'],
});
