/**
 * One view over the two request shapes the helpers accept: a Fetch `Request` and a Node
 * `IncomingMessage` (node:http, Express…), typed structurally so no Node types leak into the API.
 */

/** The parts of a Node `IncomingMessage` (or Express `req`) the helpers read. */
export interface NodeRequestLike {
  /** HTTP method (`POST`). */
  method?: string | undefined;
  /** Path and query of the request (`/api/openai-capi?x=1`). */
  url?: string | undefined;
  /** Express: the URL before router mounting rewrote `url`. */
  originalUrl?: string | undefined;
  /** Request headers, lowercase names (node:http's `IncomingHttpHeaders`). */
  headers: Record<string, string | string[] | undefined>;
  /** The connection: its peer address (the client IP without proxies) and whether it is TLS. */
  socket?:
    | {
        /** The peer address: the client's IP when no proxy is in between. */
        remoteAddress?: string | undefined;
        /** True on a TLS (https) connection. */
        encrypted?: boolean | undefined;
      }
    | null
    | undefined;
}

/** A Fetch `Request` or a Node request. */
export type AnyRequest = Request | NodeRequestLike;

function isFetchRequest(request: AnyRequest): request is Request {
  return typeof (request.headers as { get?: unknown }).get === 'function';
}

/** A header value (several values joined with `, `), or `undefined`. */
export function headerOf(request: AnyRequest, name: string): string | undefined {
  if (isFetchRequest(request)) return request.headers.get(name) ?? undefined;
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The socket peer address of a Node request (`undefined` for Fetch requests). */
export function socketAddress(request: AnyRequest): string | undefined {
  return isFetchRequest(request) ? undefined : (request.socket?.remoteAddress ?? undefined);
}

/** The absolute request URL, or `undefined` when it cannot be rebuilt. */
export function urlOf(request: AnyRequest): URL | undefined {
  try {
    if (isFetchRequest(request)) return new URL(request.url);
    const scheme = request.socket?.encrypted === true ? 'https' : 'http';
    const host = headerOf(request, 'host') ?? 'localhost';
    return new URL(request.originalUrl ?? request.url ?? '/', `${scheme}://${host}`);
  } catch {
    return undefined;
  }
}
