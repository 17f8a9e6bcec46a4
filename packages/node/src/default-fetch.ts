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

/** Where Node's bundled undici (and the `undici` package) keeps the dispatcher `fetch` uses. */
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * What the client sends with when the `fetch` option is not given, asked again at each request:
 * - on Node, `node:http` / `node:https` ({@link nodeHttpFetch}): less CPU per event than `fetch`;
 * - the global `fetch` elsewhere (Bun, Deno, workerd, edge runtimes), and on Node whenever `fetch`
 *   is configured, since that configuration applies to `fetch` only: the global `fetch` is not
 *   Node's own (a test's stub, msw, an instrumentation wrapper), or undici's global dispatcher is
 *   not a plain `new Agent()` (a `ProxyAgent`, an `Agent` with a CA or other options, one with
 *   interceptors, a `MockAgent`);
 * - `undefined` when the runtime has neither.
 * Anything it cannot recognise counts as configured: the global `fetch` is always the safe choice.
 */
export function defaultFetch(): FetchLike | undefined {
  const g = globalThis as Globals;
  const global = g.fetch;
  if (isNode(g) && isNodesOwnFetch(global) && !hasConfiguredDispatcher()) {
    const http = builtinIfAny('http');
    const https = builtinIfAny('https');
    if (http !== undefined && https !== undefined) return nodeHttpFetch(http, https);
  }
  return typeof global === 'function' ? (global as FetchLike) : undefined;
}

/** Node itself: Bun and Deno answer to `process.release` and `node:http` too, but their `fetch` is native. */
function isNode(g: Globals): boolean {
  if (g.process?.release?.name !== 'node' || g.Bun !== undefined || g.Deno !== undefined) return false;
  const agent = g.navigator?.userAgent;
  return agent === undefined || (typeof agent === 'string' && agent.startsWith('Node.js'));
}

/**
 * True for the `fetch` Node installs: a function whose source loads Node's bundled undici (the same
 * in Node 18 to 24). A stub or a wrapper (vitest, msw, OpenTelemetry, Next.js) has other source.
 */
function isNodesOwnFetch(fetch: unknown): boolean {
  return typeof fetch === 'function' && Function.prototype.toString.call(fetch).includes("require('internal/deps/undici/undici')");
}

function hasConfiguredDispatcher(): boolean {
  const dispatcher = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER];
  return dispatcher !== undefined && !isPlainAgent(dispatcher); // none yet: Node's fetch would make a plain Agent
}

/**
 * True for what `new Agent()` without options looks like, in Node 20's bundled undici (options
 * `{ connect, interceptors }`, both undefined) and undici 7 (`{ maxOrigins: Infinity, connect }`).
 * `agent.compose(...)` answers with a Proxy of the agent whose `dispatch` runs the interceptors.
 */
function isPlainAgent(dispatcher: unknown): boolean {
  if (typeof dispatcher !== 'object' || dispatcher === null) return false;
  if ((dispatcher as { constructor?: { name?: unknown } }).constructor?.name !== 'Agent') return false;
  if (builtinIfAny('util')?.types.isProxy(dispatcher) !== false) return false;
  const key = Object.getOwnPropertySymbols(dispatcher).find((s) => s.description === 'options');
  const options = key === undefined ? undefined : (dispatcher as Record<symbol, unknown>)[key];
  if (typeof options !== 'object' || options === null) return false;
  return Object.entries(options).every(([name, value]) => value === undefined || (name === 'maxOrigins' && value === Infinity));
}

/**
 * The client's `fetch` when none is given: {@link defaultFetch} asked at each request, so a stub
 * or a dispatcher set after `createClient` is used from the next request on.
 */
export const fetchOfTheMoment: FetchLike = (url, init) => {
  const fetch = defaultFetch();
  if (fetch === undefined) return Promise.reject(new TypeError('no global fetch in this runtime: pass the fetch option'));
  return fetch(url, init);
};
