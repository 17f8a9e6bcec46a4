// @vitest-environment node
// Security of what ships to browsers: no code path that could carry the Conversions API key.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CapiValidationError } from '@x/openai-capi-core';
import { describe, expect, it } from 'vitest';
import { NOW, openPage } from './__tests__/page.js';
import { createTracker, type TrackerOptions } from './tracker.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const files = existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.js') || f.endsWith('.cjs')) : [];
const built = files.length > 0;
const ci = Boolean(process.env.CI);

/**
 * The one place the bundle may name `apiKey`: the guard that reports an `apiKey` option as
 * `secret_in_browser` (`"apiKey" in options` and its issue path), recognised by that code nearby.
 */
function withoutSecretGuard(code: string): string {
  return code.replace(/"apiKey"\s*in\s*[\w$]+|(["'])options\.apiKey\1/g, (match, _q, offset: number) =>
    code.slice(offset, offset + 300).includes('secret_in_browser') ? '' : match,
  );
}

describe('built browser bundles (dist/*.js)', () => {
  if (!built) {
    if (ci) {
      it('exist (CI builds before testing)', () => {
        expect.fail(`packages/browser/dist has no built .js file: run \`pnpm build\` before the tests (the root \`pnpm test\` does).`);
      });
    } else {
      it.skip('SKIPPED: packages/browser/dist is not built; run `pnpm build` (the root `pnpm test` builds first)', () => {});
    }
    return;
  }

  it.each(files)('%s has no Authorization / Bearer code path', (file) => {
    const code = readFileSync(dist + file, 'utf8');
    expect(code).not.toMatch(/authorization/i);
    expect(code).not.toMatch(/bearer/i);
  });

  it.each(files)('%s names apiKey only in the guard that refuses it, and never targets the Conversions API', (file) => {
    const code = readFileSync(dist + file, 'utf8');
    // The guard is a development check: the production script tag has none (and no apiKey at all).
    if (file === 'openai-capi.iife.js') expect(code).not.toContain('secret_in_browser');
    else expect(code).toContain('secret_in_browser');
    expect(withoutSecretGuard(code)).not.toMatch(/api[_-]?key/i);
    expect(code).not.toMatch(/bzr\.openai\.com\/v1\/events/);
  });

  it('the declared TrackerOptions have no key-, token- or secret-like option', () => {
    const dts = readFileSync(dist + 'index.d.ts', 'utf8');
    const block = /interface TrackerOptions \{([\s\S]*?)\n\}/.exec(dts)?.[1];
    expect(block, 'TrackerOptions in dist/index.d.ts').toBeDefined();
    const names = [...block!.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
    expect(names).toContain('endpoint');
    expect(names.filter((n) => /key|token|secret|auth|bearer|password/i.test(n!))).toEqual([]);
  });
});

describe('an apiKey given to createTracker at runtime', () => {
  it('is reported to onError as secret_in_browser, ignored, and never sent, stored or printed', async () => {
    const SECRET = 'sk-capi-BROWSER-LEAK-0123456789';
    const page = openPage();
    const errors: unknown[] = [];
    const tracker = createTracker({
      endpoint: '/api/openai-capi',
      pixelId: 'px1',
      consent: 'granted',
      window: page.win,
      now: () => NOW,
      onError: (e) => errors.push(e),
      apiKey: SECRET,
    } as TrackerOptions & { apiKey: string });
    expect(errors).toHaveLength(1);
    const error = errors[0] as CapiValidationError;
    expect(CapiValidationError.isInstance(error)).toBe(true);
    expect(error.issues).toEqual([expect.objectContaining({ path: 'options.apiKey', code: 'secret_in_browser' })]);
    expect(error.message).not.toContain(SECRET);

    expect(tracker.track('order_created', { value: '10.00', currency: 'USD' }, { eventId: 'o1' })).toBeTypeOf('string');
    await tracker.flush();
    expect(page.relayEvents()).toHaveLength(1);
    const everything = JSON.stringify([page.beacons, page.fetches.map((f) => [f.url, String(f.init?.body), JSON.stringify(f.init?.headers ?? {})]), page.cookieWrites, page.oaiqCalls(), page.win.document.cookie]);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toMatch(/authorization|bearer/i);
  });
});
