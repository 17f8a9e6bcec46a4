import type { NodeRequestLike } from './request-like.js';
import { urlOf } from './request-like.js';
import type { RelayHandler } from './relay.js';

/** The parts of a node:http `IncomingMessage` / Express `req` the adapter reads. */
export interface NodeIncomingMessageLike extends NodeRequestLike, AsyncIterable<unknown> {
  /** A body already parsed by middleware (Express `express.json()`, `express.text()`…). */
  body?: unknown;
  /** Lets unread data flow away (node:http). */
  resume?(): unknown;
  /** `true` once the body stream has been read to its end (by a body parser, for example). */
  readableEnded?: boolean;
}

/** The parts of a node:http `ServerResponse` / Express `res` the adapter writes. */
export interface NodeServerResponseLike {
  /** HTTP status to answer with. */
  statusCode: number;
  /** Sets a response header (several values for `set-cookie`). */
  setHeader(name: string, value: string | readonly string[]): unknown;
  /** Writes the body and ends the response. */
  end(chunk?: Uint8Array): unknown;
}

/** A node:http request listener, also usable as Express middleware. */
export type NodeHandler = (req: NodeIncomingMessageLike, res: NodeServerResponseLike, next?: (error?: unknown) => void) => Promise<void>;

const NO_BODY = new Set(['GET', 'HEAD']);

/**
 * Adapts a Fetch-style handler (e.g. from `createRelayHandler`) to node:http and Express:
 * `http.createServer(toNodeHandler(h))`, `app.post('/api/openai-capi', toNodeHandler(h))`. The
 * socket address is passed on as `remoteAddress`; a body already parsed by Express middleware is
 * reused, otherwise the request is streamed (the handler enforces its own size limit).
 */
export function toNodeHandler(handler: RelayHandler): NodeHandler {
  return async (req, res, next) => {
    const built = buildRequest(req);
    if (built === undefined) {
      // Nothing a handler could read (a method or header a Fetch Request refuses): the client's fault.
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close');
      res.end(new TextEncoder().encode('{"error":"bad_request"}'));
      req.resume?.();
      return;
    }
    try {
      const response = await handler(built.request, { ...remoteContext(req), ...built.context });
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') res.setHeader(name, value);
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      res.end(new Uint8Array(await response.arrayBuffer()));
      req.resume?.();
    } catch (error) {
      if (next !== undefined) return next(error);
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(new TextEncoder().encode('{"error":"internal_error"}'));
    }
  };
}

/**
 * The Fetch request for `req`. A method a Fetch `Request` cannot carry (`TRACE`, `CONNECT`, `TRACK`)
 * becomes a bodiless GET with the real method in the context, so the handler still answers it
 * (the relay: 405 with `Allow`) and reports it. `undefined` when no request can be built at all.
 */
function buildRequest(req: NodeIncomingMessageLike): { request: Request; context: { method?: string } } | undefined {
  try {
    return { request: toFetchRequest(req), context: {} };
  } catch {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST') return undefined;
    try {
      return { request: toFetchRequest({ ...req, headers: req.headers, method: 'GET' }), context: { method } };
    } catch {
      return undefined;
    }
  }
}

function remoteContext(req: NodeIncomingMessageLike): { remoteAddress?: string } {
  const address = req.socket?.remoteAddress;
  return address === undefined ? {} : { remoteAddress: address };
}

/** Builds a Fetch `Request` from a Node request. */
export function toFetchRequest(req: NodeIncomingMessageLike): Request {
  const url = urlOf(req) ?? new URL('http://localhost/');
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  if (NO_BODY.has(method)) return new Request(url, { method, headers });
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  const parsed = req.body;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) {
    init.body = parsed;
    headers.delete('content-length');
  } else if (parsed !== undefined && parsed !== null && typeof parsed === 'object' && (Object.keys(parsed).length > 0 || req.readableEnded === true)) {
    // An empty `{}` is what Express 4's parsers leave when they did not parse: the stream is still
    // there to read. Once it has been read, though, `{}` or `[]` is the body the client sent.
    init.body = JSON.stringify(parsed);
    headers.delete('content-length');
  } else {
    init.body = streamOf(req);
    init.duplex = 'half';
  }
  return new Request(url, init);
}

function streamOf(req: NodeIncomingMessageLike): ReadableStream<Uint8Array> {
  const iterator = req[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : (value as Uint8Array));
    },
    // No iterator.return() on cancel: it would destroy the socket before the 413 answer is
    // written. The adapter resumes the request after answering, which discards the rest.
  });
}
