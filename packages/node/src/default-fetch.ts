import { builtinIfAny } from './node-builtins.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import type { FetchLike } from './platform.js';

type Globals = {
  fetch?: unknown;
  process?: { release?: { name?: unknown } };
  navigator?: { userAgent?: unknown };
  Bun?: unknown;
  Deno?: unknown;
};

/** The global `fetch` when this module was loaded: one replaced since (a test's stub, msw) is the caller's choice. */
const fetchAtLoad = (globalThis as Globals).fetch;

/** Where Node's bundled undici keeps the dispatcher its `fetch` uses (`setGlobalDispatcher`). */
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * What the client sends with when the `fetch` option is not given:
 * - on Node, `node:http` / `node:https` ({@link nodeHttpFetch}): less CPU per event than `fetch`;
 * - the global `fetch` elsewhere (Bun, Deno, workerd, edge runtimes), and on Node whenever the
 *   global `fetch` was configured: replaced after this package loaded (a test's `vi.stubGlobal`,
 *   msw), or undici's global dispatcher set to something other than its default `Agent` (a
 *   `ProxyAgent`, `EnvHttpProxyAgent`, `MockAgent`): those settings apply to `fetch` only;
 * - `undefined` when the runtime has neither (the options report it).
 */
export function defaultFetch(): FetchLike | undefined {
  const g = globalThis as Globals;
  if (g.fetch === fetchAtLoad && isNode(g) && !hasConfiguredDispatcher()) {
    const http = builtinIfAny('http');
    const https = builtinIfAny('https');
    if (http !== undefined && https !== undefined) return nodeHttpFetch(http, https);
  }
  return typeof g.fetch === 'function' ? (g.fetch as FetchLike) : undefined;
}

/** Node itself: Bun and Deno answer to `process.release` and `node:http` too, but their `fetch` is native. */
function isNode(g: Globals): boolean {
  if (g.process?.release?.name !== 'node' || g.Bun !== undefined || g.Deno !== undefined) return false;
  const agent = g.navigator?.userAgent;
  return agent === undefined || (typeof agent === 'string' && agent.startsWith('Node.js'));
}

function hasConfiguredDispatcher(): boolean {
  const dispatcher = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER];
  if (dispatcher === undefined) return false;
  return (dispatcher as { constructor?: { name?: unknown } } | null)?.constructor?.name !== 'Agent';
}
