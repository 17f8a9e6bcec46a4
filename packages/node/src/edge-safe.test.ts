/**
 * The package's sources never import a `node:` module at run time (type-only imports and
 * `typeof import('node:…')` are fine):
 * Node built-ins are reached through `process.getBuiltinModule` when used, so the entries load on
 * edge runtimes, where only the stores (file system, sockets) cannot work, and say so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('./', import.meta.url));

describe('edge-safe sources', () => {
  it('have no run-time import of a node: module', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(SRC)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = readFileSync(SRC + file, 'utf8');
      for (const match of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(node:[^']+)'/gms)) offenders.push(`${file}: ${match[1]}`);
      for (const match of text.matchAll(/\brequire\(\s*'(node:[^']+)'\s*\)|(?<!typeof\s)\bimport\(\s*'(node:[^']+)'\s*\)/g)) offenders.push(`${file}: ${match[1] ?? match[2]}`);
    }
    expect(offenders).toEqual([]);
  });
});
