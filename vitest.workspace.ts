/**
 * The list of test projects. vitest 4 no longer reads this file on its own: `vitest.config.ts`
 * imports it as `test.projects`, so a project added here is a project that runs.
 */
import { fileURLToPath } from 'node:url';

const pkgDir = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/`, import.meta.url));

// Tests import the packages by name and run against their sources, not a stale dist/.
// `@x/openai-capi-testing/msw` maps to `packages/testing/src/msw.ts`, the bare name to `index.ts`.
export const alias = ['core', 'node', 'browser', 'testing'].map((pkg) => ({
  find: new RegExp(`^@x/openai-capi-${pkg}(?:/(.+))?$`),
  replacement: `${pkgDir(pkg)}$1`,
}));

// Pins the fast-check seed (FC_SEED=random to explore): see the file.
const setupFiles = [fileURLToPath(new URL('./scripts/fast-check-seed.ts', import.meta.url))];

export default [
  { resolve: { alias }, test: { setupFiles, name: 'core', include: ['packages/core/src/**/*.test.ts'], environment: 'node' } },
  // The same core suite again in happy-dom: proves core needs neither Node nor its globals.
  { resolve: { alias }, test: { setupFiles, name: 'core-dom', include: ['packages/core/src/**/*.test.ts'], environment: 'happy-dom' } },
  { resolve: { alias }, test: { setupFiles, name: 'node', include: ['packages/node/src/**/*.test.ts'], environment: 'node' } },
  { resolve: { alias }, test: { setupFiles, name: 'browser', include: ['packages/browser/src/**/*.test.ts'], environment: 'happy-dom' } },
  { resolve: { alias }, test: { setupFiles, name: 'testing', include: ['packages/testing/src/**/*.test.ts'], environment: 'node' } },
  { resolve: { alias }, test: { setupFiles, name: 'cli', include: ['packages/cli/src/**/*.test.ts'], environment: 'node' } },
  // The packed tarballs of every published package (needs the build: `pnpm test` builds first), and
  // the extraction of the docs' TypeScript blocks that `pnpm typecheck` compiles.
  {
    test: {
      name: 'packaging',
      include: ['scripts/**/*.test.ts', 'type-tests/**/*.test.ts'],
      exclude: ['**/node_modules/**', 'type-tests/generated/**'],
      environment: 'node',
      testTimeout: 60_000,
    },
  },
  {
    resolve: { alias },
    test: {
      setupFiles,
      name: 'examples',
      include: ['examples/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
      exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
      environment: 'node',
    },
  },
  // The built node package in the runtimes the docs name (workerd, edge-runtime, Bun, Deno), each
  // started by the test from its npm package.
  {
    resolve: { alias },
    test: {
      setupFiles,
      name: 'runtimes',
      include: ['packages/node/runtimes/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  },
  // Real Chromium (Debian's /usr/bin/chromium through playwright-core) against the demo stack.
  {
    resolve: { alias },
    test: {
      setupFiles,
      name: 'e2e',
      include: ['examples/*/test/**/*.e2e.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  },
];
