import { CapiStoreError } from './store.js';

type Fs = typeof import('node:fs');
type FsPromises = typeof import('node:fs/promises');
type Path = typeof import('node:path');
type Os = typeof import('node:os');
type Http = typeof import('node:http');
type Https = typeof import('node:https');
type Util = typeof import('node:util');
type Crypto = typeof import('node:crypto');
type Events = typeof import('node:events');

/** The Node built-ins the package uses (stores, transport, hasher, signals), by name. */
interface Builtins {
  fs: Fs;
  'fs/promises': FsPromises;
  path: Path;
  os: Os;
  http: Http;
  https: Https;
  util: Util;
  crypto: Crypto;
  events: Events;
}

/**
 * A Node built-in through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno), never a static
 * `node:` import: the package's main entry stays loadable on edge runtimes, where only the stores
 * (which need a file system or a socket) cannot work, and say so.
 */
export function builtin<K extends keyof Builtins>(name: K): Builtins[K] {
  const module = builtinIfAny(name);
  if (module === undefined) throw new CapiStoreError(`this runtime has no node:${name} (process.getBuiltinModule): the stores need Node 20.16+, Bun or Deno`);
  return module;
}

/**
 * A Node built-in through `process.getBuiltinModule`, or `undefined` where the runtime has none
 * (an edge runtime), or refuses it (a `getBuiltinModule` that throws for a module it lacks).
 */
export function builtinIfAny<K extends keyof Builtins>(name: K): Builtins[K] | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  try {
    return (get(`node:${name}`) as Builtins[K] | null | undefined) ?? undefined;
  } catch {
    return undefined;
  }
}
