import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hasher } from './types.js';

/**
 * SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex chars, computed in JavaScript with
 * `@noble/hashes`: synchronous and identical in every runtime (browser, Node, Bun, Deno, edge).
 */
export const nobleSha256Hex: Hasher = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/**
 * The default {@link Hasher} of this SDK (currently {@link nobleSha256Hex}). Pass another `Hasher`
 * (e.g. one on `node:crypto`) to `hashUser`/`buildEvent` when it is faster on your platform.
 */
export const sha256Hex: Hasher = nobleSha256Hex;
