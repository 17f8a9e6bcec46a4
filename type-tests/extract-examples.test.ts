import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without declarations
import { rewriteRelativeImports, tsBlocks } from './extract-examples.mjs';

describe('extracting the docs TypeScript blocks', () => {
  it('takes ts and typescript fences with their line, and leaves other languages', () => {
    const md = ['# T', '```ts', 'const a = 1;', '```', '```sh', 'npm i', '```', '```typescript', 'let b;', '```', '```tsx', '<a/>', '```'].join('\n');
    expect(tsBlocks(md)).toEqual([
      { line: 2, code: 'const a = 1;', skip: undefined },
      { line: 8, code: 'let b;', skip: undefined },
    ]);
  });

  it('honours a skip marker on one of the two lines before the fence, with its reason', () => {
    const md = ['<!-- type-test: skip (wire excerpt) -->', '```ts', '{ "a": 1 }', '```', 'text', '', '```ts', 'ok();', '```'].join('\n');
    expect(tsBlocks(md).map((b: { skip?: string }) => b.skip)).toEqual(['(wire excerpt)', undefined]);
  });

  it('un-indents blocks nested in lists and keeps fences inside other fences as text', () => {
    const md = ['1. Step:', '   ```ts', '   const x = 1;', '     nested();', '   ```', '````md', '```ts', 'not code', '```', '````'].join('\n');
    expect(tsBlocks(md)).toEqual([{ line: 2, code: 'const x = 1;\n  nested();', skip: undefined }]);
  });

  it('adds .js to relative imports only', () => {
    const seen = new Set<string>();
    const code = ["import { capi } from './capi';", "import x from '../x.js';", "import { y } from '@x/openai-capi-node';", "const m = await import('./tracker');"].join('\n');
    expect(rewriteRelativeImports(code, seen)).toBe(
      ["import { capi } from './capi.js';", "import x from '../x.js';", "import { y } from '@x/openai-capi-node';", "const m = await import('./tracker.js');"].join('\n'),
    );
    expect([...seen]).toEqual(['./capi', './tracker']);
  });
});
