import { describe, expect, it, vi } from 'vitest';
import * as core from '@x/openai-capi-core';
// Vite's ?raw import keeps this test free of Node APIs, so it also runs in the happy-dom project.
import readme from '../../../README.md?raw';

/** The README's "Core in a few lines" sample, as a user would paste it. */
function coreSample(): string {
  const section = readme.split('## Core in a few lines')[1] ?? '';
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no ts sample under "Core in a few lines"');
  return match[1];
}

describe('README core sample', () => {
  it('runs and prints what its comments promise', () => {
    const source = coreSample().replace(
      /import \{([^}]+)\} from '@x\/openai-capi-core';/,
      (_, names: string) => `const {${names}} = core;`,
    );
    const log = vi.fn();
    new Function('core', 'console', source)(core, { log });
    expect(log.mock.calls).toEqual([
      ['order_12345'],
      [2599, 'b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514'],
    ]);
  });
});
