/**
 * The `node:http` / `node:https` transport, against real servers on 127.0.0.1 started here (TLS
 * with a self-signed certificate made for these tests, `__tests__/tls/`), and the rule that picks
 * it over the global `fetch`.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, EnvHttpProxyAgent, MockAgent, ProxyAgent, setGlobalDispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from './client.js';
import { defaultFetch } from './default-fetch.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import type { FetchLike } from './platform.js';
import { API_KEY, NOW, wireEvent } from './__tests__/helpers.js';

const TLS = {
  cert: readFileSync(new URL('./__tests__/tls/localhost-cert.pem', import.meta.url)),
  key: readFileSync(new URL('./__tests__/tls/localhost-key.pem', import.meta.url)),
};

/** One request as the server saw it. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  remotePort: number;
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const open: Array<{ close(): void; sockets: Set<Socket> }> = [];

/** A server on 127.0.0.1 that records each request, then answers with `answer` (default 200 `{}`). */
async function startServer(answer: Answer = (_req, res) => res.end('{}'), tls = false) {
  const seen: Seen[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, bytes: Buffer.concat(chunks), remotePort: req.socket.remotePort! });
      answer(req, res, seen.length - 1);
    });
  };
  const server = tls ? https.createServer(TLS, handler) : http.createServer(handler);
  // Idle connections stay open until the client closes them (Node's default closes them after 5 s).
  server.keepAliveTimeout = 120_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const entry = {
    sockets,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
  open.push(entry);
  return { seen, sockets, origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, tlsOrigin: `https://localhost:${port}` };
}

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const viaNodeHttp = nodeHttpFetch(http, https);
const post = (fetch: FetchLike, url: string, body: string, signal = new AbortController().signal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, redirect: 'manual' });

function client(origin: string, extra: Record<string, unknown> = {}) {
  return createClient({ pixelId: 'px', apiKey: API_KEY, endpoint: `${origin}/v1/events`, logLevel: 'off', maxRetries: 0, now: () => NOW, ...extra });
}

describe('the transport the client picks when no fetch is given (at each request)', () => {
  const DISPATCHER = Symbol.for('undici.globalDispatcher.1');
  const g = globalThis as Record<symbol, unknown>;
  let dispatcherBefore: unknown;
  beforeEach(() => {
    dispatcherBefore = g[DISPATCHER];
  });
  afterEach(() => {
    g[DISPATCHER] = dispatcherBefore;
  });

  it('is node:http on Node: the server sees none of the headers undici adds', async () => {
    expect(defaultFetch()).not.toBe(globalThis.fetch);
    const api = await startServer();
    const report = await client(api.origin).send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
    const [request] = api.seen;
    expect(request!.headers['sec-fetch-mode']).toBeUndefined(); // undici's fetch always sends it
    expect(request!.headers['user-agent']).toBeUndefined(); // undici's: "node"
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.accept).toBe('application/json');
    expect(Number(request!.headers['content-length'])).toBe(request!.bytes.length);
    expect(JSON.parse(request!.bytes.toString('utf8')).events[0].id).toBe('a');
  });

  it('is the global fetch while it is not Node\'s own (a stub, a wrapper), from the next request on', async () => {
    const api = await startServer();
    const c = client(api.origin); // created before the stub, as a module-level client is
    const calls: string[] = [];
    const native = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      calls.push(url);
      return native(url, init);
    });
    expect(defaultFetch()).toBe(globalThis.fetch);
    expect((await c.send([wireEvent('a')])).delivered).toEqual(['a']);
    expect(calls).toEqual([`${api.origin}/v1/events?pid=px`]);
    expect(api.seen[0]!.headers['sec-fetch-mode']).toBe('cors');

    vi.unstubAllGlobals();
    expect((await c.send([wireEvent('b')])).delivered).toEqual(['b']);
    expect(calls).toHaveLength(1);
    expect(api.seen[1]!.headers['sec-fetch-mode']).toBeUndefined();
  });

  it('is the global fetch when a stub was installed before the package loaded (vitest setupFiles)', async () => {
    const stub = async () => new Response('{}', { status: 200 });
    vi.stubGlobal('fetch', stub);
    vi.resetModules();
    const fresh = (await import('./default-fetch.js')) as typeof import('./default-fetch.js');
    expect(fresh.defaultFetch()).toBe(stub);
  });

  it("is node:http beside undici's plain Agent: Node's own (made by a first fetch) or new Agent()", async () => {
    const api = await startServer();
    await (await fetch(api.origin)).text(); // Node's fetch installs its default dispatcher on first use
    expect((g[DISPATCHER] as object).constructor.name).toBe('Agent');
    expect(defaultFetch()).not.toBe(globalThis.fetch);
    setGlobalDispatcher(new Agent());
    expect(defaultFetch()).not.toBe(globalThis.fetch);
  });

  it('is the global fetch when undici\'s global dispatcher is configured: a proxy, an Agent with options or interceptors, a mock', () => {
    const configured = [
      new ProxyAgent('http://127.0.0.1:3128'),
      new EnvHttpProxyAgent(),
      new Agent({ connect: { ca: TLS.cert } }),
      new Agent({ keepAliveTimeout: 10 }),
      new Agent().compose((dispatch) => dispatch),
      new MockAgent(),
    ];
    for (const dispatcher of configured) {
      setGlobalDispatcher(dispatcher);
      expect(defaultFetch(), dispatcher.constructor.name).toBe(globalThis.fetch);
    }
  });

  it('delivers through an undici Agent that trusts a private CA, which node:http would not know', async () => {
    const api = await startServer(undefined, true);
    setGlobalDispatcher(new Agent({ connect: { ca: TLS.cert } }));
    const report = await client(api.tlsOrigin).send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
    expect(api.seen[0]!.headers['sec-fetch-mode']).toBe('cors'); // through fetch
  });

  it('is the global fetch on Bun and Deno, which answer to process.release too', () => {
    vi.stubGlobal('Bun', {});
    expect(defaultFetch()).toBe(globalThis.fetch);
    vi.unstubAllGlobals();
    vi.stubGlobal('Deno', {});
    expect(defaultFetch()).toBe(globalThis.fetch);
  });

  it('lets msw answer a client created before server.listen() (a module-level client)', async () => {
    const { setupServer } = await import('msw/node');
    const { capiHandlers } = await import('@x/openai-capi-testing/msw');
    const c = createClient({ pixelId: 'px', apiKey: API_KEY, logLevel: 'off', maxRetries: 0 });
    const capi = capiHandlers({ apiKey: API_KEY, pixelIds: ['px'] });
    const mocked = setupServer(...capi.handlers);
    mocked.listen({ onUnhandledRequest: 'error' });
    try {
      const report = await c.send([wireEvent('msw-1', Date.now())]); // the emulator judges timestamps by the real clock
      expect(report.delivered).toEqual(['msw-1']);
      expect(capi.events.map((e) => e.event.id)).toEqual(['msw-1']);
    } finally {
      mocked.close();
    }
  });

  it('calls http.request as it is at each request: a library patching it later (nock) sees the request', async () => {
    const api = await startServer();
    const c = client(api.origin);
    const spy = vi.spyOn(http, 'request');
    expect((await c.send([wireEvent('a')])).delivered).toEqual(['a']);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('nodeHttpFetch', () => {
  it('sends the same bytes as fetch, non-ASCII and lone surrogates included (U+FFFD, as fetch does)', async () => {
    const api = await startServer();
    const body = JSON.stringify({ name: 'Zoë 🛒 \ud800 end' }).replace('\\ud800', '\ud800');
    await (await post(viaNodeHttp, api.origin, body)).text();
    await (await fetch(api.origin, { method: 'POST', body })).text();
    const [mine, theirs] = api.seen;
    expect(mine!.bytes.equals(theirs!.bytes)).toBe(true);
    expect(mine!.bytes.toString('utf8')).toContain('\ufffd');
    expect(Number(mine!.headers['content-length'])).toBe(mine!.bytes.length);
  });

  it('answers with the status, the body and headers as fetch reads them (any case, repeats joined)', async () => {
    const api = await startServer((_req, res) => {
      res.writeHead(429, [['Retry-After', '5'], ['retry-after', '7'], ['X-Request-Id', 'req_1'], ['Location', '/a'], ['Location', '/b'], ['X-Many', 'a'], ['X-Many', 'b']]);
      res.end('{"error":"slow down"}');
    });
    const mine = await post(viaNodeHttp, api.origin, '{}');
    const theirs = await post(globalThis.fetch as FetchLike, api.origin, '{}');
    expect(mine.status).toBe(429);
    expect(await mine.text()).toBe('{"error":"slow down"}');
    expect(mine.headers.get('retry-after')).toBe('5, 7'); // node's response.headers keeps only '5'
    for (const name of ['retry-after', 'X-REQUEST-ID', 'location', 'x-many', 'x-absent']) {
      expect(mine.headers.get(name), name).toBe(theirs.headers.get(name));
    }
  });

  it('keeps the first 65 536 characters of a huge body, reads the rest, and reuses the socket', async () => {
    const api = await startServer((_req, res, n) => res.end(n === 0 ? 'x'.repeat(3_000_000) : '{}'));
    const first = await post(viaNodeHttp, api.origin, '{}');
    expect((await first.text()).length).toBe(65_536);
    await (await post(viaNodeHttp, api.origin, '{}')).text();
    expect(api.seen[1]!.remotePort).toBe(api.seen[0]!.remotePort);
  });

  it('never follows a redirect itself', async () => {
    const api = await startServer((_req, res) => {
      res.writeHead(301, { location: '/elsewhere' });
      res.end();
    });
    const response = await post(viaNodeHttp, `${api.origin}/v1/events`, '{}');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect(api.seen.map((s) => s.url)).toEqual(['/v1/events']);
  });

  it('aborts on the signal while waiting for the answer and while reading the body, closing the socket', async () => {
    const api = await startServer((_req, res, n) => {
      if (n === 1) res.writeHead(200, { 'content-length': '100' }).write('{"partial":');
      // n === 0: never answers
    });
    for (const _ of [0, 1]) {
      const controller = new AbortController();
      const response = post(viaNodeHttp, api.origin, '{}', controller.signal);
      await vi.waitFor(() => expect(api.seen.length).toBe(_ + 1));
      controller.abort();
      await expect(response).rejects.toThrow();
    }
    await vi.waitFor(() => expect(api.sockets.size).toBe(0));
  });

  it('rejects a body cut off by the server, and an unsupported protocol', async () => {
    const api = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' }).write('{"cut":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expect(post(viaNodeHttp, api.origin, '{}')).rejects.toThrow();
    await expect(post(viaNodeHttp, 'ftp://127.0.0.1/', '{}')).rejects.toThrow(/unsupported protocol ftp:/);
  });
});

describe('the client on node:http', () => {
  it('follows a same-origin 307 with the same body', async () => {
    const api = await startServer((_req, res, n) => {
      if (n === 0) res.writeHead(307, { location: '/v2/events' }).end();
      else res.end('{}');
    });
    const report = await client(api.origin).send([wireEvent('a')]);
    expect(report.delivered).toEqual(['a']);
    expect(api.seen.map((s) => s.url)).toEqual(['/v1/events?pid=px', '/v2/events']);
    expect(api.seen[1]!.bytes.equals(api.seen[0]!.bytes)).toBe(true);
  });

  it('reports a timeout when the server never answers, and a network error for a cut-off body', async () => {
    const silent = await startServer(() => {});
    const timedOut = await client(silent.origin, { timeoutMs: 300 }).send([wireEvent('a')]);
    expect(timedOut.rejected.map((r) => r.reason)).toEqual(['timeout']);

    const cut = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' }).write('{');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const cutOff = await client(cut.origin).send([wireEvent('b')]);
    expect(cutOff.rejected.map((r) => r.reason)).toEqual(['network']);
    expect(cutOff.delivered).toEqual([]);
  });

  /** Runs `send-then-exit.ts` against `origin` in a child process: its exit code (or 'still running' after 10 s) and output. */
  async function sendThenExit(api: { seen: Seen[] }, origin: string, env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', fileURLToPath(new URL('./__tests__/resolve-core-from-src.mjs', import.meta.url)), fileURLToPath(new URL('./__tests__/send-then-exit.ts', import.meta.url)), origin],
      { cwd: fileURLToPath(new URL('../../../', import.meta.url)), env: { ...process.env, ...env } },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await vi.waitFor(() => expect(api.seen.length).toBe(1), { timeout: 20_000 });
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
    child.kill();
    return { code, stdout };
  }

  it('leaves no socket holding the process open: a script that sent its events exits at once', async () => {
    const api = await startServer();
    // The server keeps the idle connection open (keep-alive): only the child can end it, by exiting.
    const { code, stdout } = await sendThenExit(api, api.origin);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ delivered: ['exit-http'] });
    expect(api.sockets.size).toBe(0);
  }, 40_000);

  it('trusts the CAs of NODE_EXTRA_CA_CERTS, as fetch does', async () => {
    const api = await startServer(undefined, true);
    const { code, stdout } = await sendThenExit(api, api.tlsOrigin, {
      NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('./__tests__/tls/localhost-cert.pem', import.meta.url)),
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ delivered: ['exit-http'] });
    expect(api.seen[0]!.headers['sec-fetch-mode']).toBeUndefined(); // node:https, not fetch
  }, 40_000);

  it('reports a refused connection as a network error that does not carry the key', async () => {
    const api = await startServer();
    const origin = api.origin;
    open.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    const report = await client(origin).send([wireEvent('a')]);
    expect(report.rejected.map((r) => r.reason)).toEqual(['network']);
    expect(report.rejected[0]!.error.message).toMatch(/ECONNREFUSED/);
    expect(report.rejected[0]!.error.message).not.toContain(API_KEY);
  });

  it('verifies TLS certificates: an untrusted one is refused, one the global agent trusts is accepted', async () => {
    const api = await startServer(undefined, true);
    const refused = await client(api.tlsOrigin).send([wireEvent('a')]);
    expect(refused.rejected.map((r) => r.reason)).toEqual(['network']);
    expect(refused.rejected[0]!.error.message).toMatch(/self[- ]signed/i);
    expect(api.seen).toEqual([]);

    // What a user configures on https.globalAgent (a CA, a proxy library's agent) applies.
    const options = https.globalAgent.options as { ca?: unknown };
    const before = options.ca;
    options.ca = TLS.cert;
    try {
      const report = await client(api.tlsOrigin).send([wireEvent('b')]);
      expect(report.delivered).toEqual(['b']);
      expect(api.seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    } finally {
      options.ca = before;
      https.globalAgent.destroy();
    }
  });
});
