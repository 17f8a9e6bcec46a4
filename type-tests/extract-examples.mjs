#!/usr/bin/env node
/**
 * Writes every ```ts / ```typescript block of the README, docs/*.md and the package and example
 * READMEs into generated/<doc>/block-<line>.ts, so that `tsc` compiles the examples users copy
 * exactly as written (then `tsconfig.node16.json` and `tsconfig.bundler.json` check them against
 * the built packages, the way a strict user project would).
 *
 * Only two rewrites, both what a user's own project would have: relative imports gain `.js`
 * (node16 needs the extension; bundler accepts it), and each block is a module (`export {}`), so
 * two blocks' `declare const request` do not clash. A block importing `./capi` or `./tracker`
 * gets the doc's own block that exports `capi` / `tracker`, else the stub in stubs/.
 *
 * A block that is not meant to compile (a wire-format excerpt, a deliberate mistake) is preceded by
 * `<!-- type-test: skip (why) -->`; skipped blocks are listed on every run.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(here, 'generated');

function markdownFiles() {
  const files = [join(root, 'README.md')];
  for (const name of readdirSync(join(root, 'docs')).sort()) if (name.endsWith('.md')) files.push(join(root, 'docs', name));
  for (const parent of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, parent)).sort()) {
      const readme = join(root, parent, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files;
}

/** The TypeScript blocks of one Markdown text: `{ line, code, skip }` (`line` of the opening fence, 1-based). */
export function tsBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\w+)?/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(fence ?? '```')) end++;
    if (lang === 'ts' || lang === 'typescript') {
      const before = [lines[i - 1], lines[i - 2]].map((l) => l ?? '');
      const skip = before.map((l) => /<!--\s*type-test:\s*skip\b\s*(.*?)\s*-->/.exec(l)).find(Boolean);
      const code = lines
        .slice(i + 1, end)
        .map((l) => (indent && l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n');
      blocks.push({ line: i + 1, code, skip: skip ? skip[1] || 'no reason given' : undefined });
    }
    i = end;
  }
  return blocks;
}

const RELATIVE_IMPORT = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]+?)(?<!\.js)\2/g;

/** Adds `.js` to relative import specifiers (node16 needs it), collecting the specifiers seen. */
export function rewriteRelativeImports(code, seen) {
  return code.replace(RELATIVE_IMPORT, (_, kw, q, spec) => {
    seen.add(spec);
    return `${kw}${q}${spec}.js${q}`;
  });
}

function main() {
  for (const pkg of ['core', 'browser', 'node', 'testing', 'cli']) {
    if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.d.ts'))) {
      throw new Error(`packages/${pkg}/dist is missing: the type tests compile against the built packages, run \`pnpm build\` first`);
    }
  }
  rmSync(out, { recursive: true, force: true });
  let compiled = 0;
  const skipped = [];
  for (const file of markdownFiles()) {
    const doc = relative(root, file);
    const blocks = tsBlocks(readFileSync(file, 'utf8'));
    if (blocks.length === 0) continue;
    const dir = join(out, doc.replace(/\.md$/, '').replace(/[/\\]/g, '__'));
    mkdirSync(dir, { recursive: true });
    const provided = new Map();
    const imported = new Set();
    for (const block of blocks) {
      if (block.skip) {
        skipped.push(`${doc}:${block.line} (${block.skip})`);
        continue;
      }
      const code = rewriteRelativeImports(block.code, imported);
      writeFileSync(join(dir, `block-${String(block.line).padStart(4, '0')}.ts`), `// ${doc}:${block.line}\n${code}\nexport {};\n`);
      compiled++;
      for (const name of ['capi', 'tracker']) {
        if (!provided.has(name) && new RegExp(`export const ${name}\\b`).test(block.code)) provided.set(name, code);
      }
    }
    for (const spec of imported) {
      const name = spec.replace(/^\.\//, '');
      const target = join(dir, `${name}.ts`);
      if (provided.has(name)) writeFileSync(target, `${provided.get(name)}\nexport {};\n`);
      else if (existsSync(join(here, 'stubs', `${name}.ts`))) writeFileSync(target, readFileSync(join(here, 'stubs', `${name}.ts`)));
      else throw new Error(`${doc}: a block imports "${spec}", which no block of the page exports and type-tests/stubs/ lacks`);
    }
  }
  if (compiled === 0) throw new Error('no TypeScript block found: the extraction is broken');
  console.log(`type-tests: ${compiled} documentation blocks written to type-tests/generated/`);
  if (skipped.length > 0) console.log(`type-tests: ${skipped.length} skipped on purpose:\n  ${skipped.join('\n  ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
