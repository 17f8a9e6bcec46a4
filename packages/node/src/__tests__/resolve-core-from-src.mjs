// `node --import tsx --import <this file>`: resolves @x/openai-capi-core to its TypeScript sources,
// as the vitest alias does, so the kill test's child process runs without a build. Not shipped.
import { register } from 'node:module';

const core = new URL('../../../core/src/index.ts', import.meta.url).href;
const hooks = `
export async function resolve(specifier, context, next) {
  return next(specifier === '@x/openai-capi-core' ? ${JSON.stringify(core)} : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
