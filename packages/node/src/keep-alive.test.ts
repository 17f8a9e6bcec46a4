/**
 * An awaited `flush()` or `send()` keeps the process alive through a retry wait, although every
 * timer of the client is unref'd (so that an idle client never holds a process open).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./__tests__/flush-then-exit.ts', import.meta.url));
const CORE_FROM_SRC = fileURLToPath(new URL('./__tests__/resolve-core-from-src.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('a script that awaits flush() or send() and has nothing else to do', () => {
  for (const method of ['flush', 'send'] as const) {
    it(`is not cut short by the retry wait of ${method}()`, () => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', CORE_FROM_SRC, CHILD, method], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual({ method, calls: 2, delivered: [method === 'send' ? 'exit-2' : 'exit-1'] });
    }, 40_000);
  }
});
