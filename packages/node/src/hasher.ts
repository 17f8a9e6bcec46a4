import { nobleSha256Hex, type Hasher } from '@x/openai-capi-core';
import { builtinIfAny } from './node-builtins.js';

type CreateHash = (algorithm: 'sha256') => {
  update(text: string, encoding: 'utf8'): { digest(encoding: 'hex'): string };
};
/** `crypto.hash` (Node ≥ 20.12 / 21.7): a one-shot digest, no `Hash` object per call. */
type OneShotHash = (algorithm: 'sha256', data: string, outputEncoding: 'hex') => string;
type CryptoLike = { createHash?: CreateHash; hash?: OneShotHash };

/**
 * A SHA-256 {@link Hasher} on `node:crypto`, or `undefined` when the runtime has none. It is looked
 * up through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno) rather than imported, so bundles
 * for edge runtimes never see a `node:` import. It uses the one-shot `crypto.hash` where the
 * runtime has it (about twice as fast for short values: no `Hash` object per digest), else
 * `createHash`; both hash the UTF-8 bytes of the text.
 */
export function nodeCryptoHasher(): Hasher | undefined {
  const crypto = builtinIfAny('crypto') as CryptoLike | undefined;
  const oneShot = crypto?.hash;
  if (typeof oneShot === 'function') return (text) => oneShot('sha256', text, 'hex');
  const createHash = crypto?.createHash;
  if (typeof createHash !== 'function') return undefined;
  return (text) => createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The default hasher: `node:crypto` when available, else core's pure-JS `nobleSha256Hex`. */
export function defaultHasher(): Hasher {
  return nodeCryptoHasher() ?? nobleSha256Hex;
}
