import { nobleSha256Hex, type Hasher } from '@x/openai-capi-core';

type CreateHash = (algorithm: 'sha256') => {
  update(text: string, encoding: 'utf8'): { digest(encoding: 'hex'): string };
};
type BuiltinLoader = (id: string) => { createHash?: CreateHash } | undefined;

/**
 * A SHA-256 {@link Hasher} on `node:crypto`, or `undefined` when the runtime has none. It is looked
 * up through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno) rather than imported, so bundles
 * for edge runtimes never see a `node:` import.
 */
export function nodeCryptoHasher(): Hasher | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;
  let createHash: CreateHash | undefined;
  try {
    createHash = proc?.getBuiltinModule?.('node:crypto')?.createHash;
  } catch {
    return undefined;
  }
  if (typeof createHash !== 'function') return undefined;
  const create = createHash;
  return (text) => create('sha256').update(text, 'utf8').digest('hex');
}

/** The default hasher: `node:crypto` when available, else core's pure-JS `nobleSha256Hex`. */
export function defaultHasher(): Hasher {
  return nodeCryptoHasher() ?? nobleSha256Hex;
}
