/**
 * The list of test projects. vitest 4 no longer reads this file on its own: `vitest.config.ts`
 * imports it as `test.projects`, so a project added here is a project that runs.
 */
import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the packages by name and run against their sources, not a stale dist/.
export const alias = {
  '@x/openai-capi-core': src('core'),
  '@x/openai-capi-node': src('node'),
  '@x/openai-capi-browser': src('browser'),
  '@x/openai-capi-testing': src('testing'),
};

export default [
  { resolve: { alias }, test: { name: 'core', include: ['packages/core/src/**/*.test.ts'], environment: 'node' } },
  // The same core suite again in happy-dom: proves core needs neither Node nor its globals.
  { resolve: { alias }, test: { name: 'core-dom', include: ['packages/core/src/**/*.test.ts'], environment: 'happy-dom' } },
  { resolve: { alias }, test: { name: 'node', include: ['packages/node/src/**/*.test.ts'], environment: 'node' } },
  { resolve: { alias }, test: { name: 'browser', include: ['packages/browser/src/**/*.test.ts'], environment: 'happy-dom' } },
  { resolve: { alias }, test: { name: 'testing', include: ['packages/testing/src/**/*.test.ts'], environment: 'node' } },
  {
    resolve: { alias },
    test: { name: 'examples', include: ['examples/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts'], environment: 'node' },
  },
  {
    resolve: { alias },
    test: { name: 'e2e', include: ['e2e/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
  },
];
