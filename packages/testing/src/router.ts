import type { EmulatorState, ResolvedOptions } from './state.js';
import { resetState } from './state.js';
import { type CapiOutcome, errorOutcome, jsonOutcome } from './responses.js';
import { type CapiRequest, handleCapiRequest } from './handle-request.js';
import { pageCsp, renderLive, renderPage } from './page.js';
import { pixelRoute } from './pixel-route.js';

/** Path of the emulated events endpoint. */
export const EVENTS_PATH = '/v1/events';

/** What the router needs besides the request: the public endpoint URL and a fresh CSP nonce. */
export interface RouteContext {
  endpoint: string;
  nonce: () => string;
}

function html(body: string, headers: Record<string, string> = {}): CapiOutcome {
  return {
    kind: 'response',
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body,
    delayMs: 0,
  };
}

function empty(status: number, headers: Record<string, string> = {}): CapiOutcome {
  return { kind: 'response', status, headers, body: '', delayMs: 0 };
}

function onlyMethod(method: string, allowed: string, run: () => CapiOutcome): CapiOutcome {
  if (method === allowed || (allowed === 'GET' && method === 'HEAD')) return run();
  return errorOutcome(405, 'method_not_allowed', `Only ${allowed} is allowed here`, { headers: { allow: allowed } });
}

/**
 * Routes one request of the emulator's HTTP server: the events endpoint, the pixel stand-in
 * (`/sdk/oaiq.min.js`, `/v1/sdk/events`), the live page (`/`), its
 * fragment (`/__emulator/view`), a JSON dump (`/__emulator/events`) and `POST /__emulator/reset`.
 */
export function routeRequest(request: CapiRequest, state: EmulatorState, options: ResolvedOptions, context: RouteContext): CapiOutcome {
  // A request target is a path: `//host/…` or garbage must not be read as a URL of its own.
  const url = URL.canParse(`http://emulator.invalid${request.url}`) ? new URL(`http://emulator.invalid${request.url}`) : undefined;
  if (url === undefined || !request.url.startsWith('/')) return errorOutcome(400, 'invalid_request_target', 'The request target must be a path');
  const method = request.method.toUpperCase();
  if (url.pathname === EVENTS_PATH) return handleCapiRequest(request, state, options);
  // The pixel stand-in: any page may load the script and post events, as with OpenAI's hosts.
  const pixel = pixelRoute(url.pathname, request, state, options, context.endpoint.slice(0, -EVENTS_PATH.length));
  if (pixel !== undefined) return pixel;
  // The page and its endpoints show what was received (IPs, user agents): only for this machine,
  // never for another site's page (DNS rebinding uses a domain name; a cross-site form posts reset).
  if (!isLocalName(hostnameOf(request.headers['host']), context.endpoint)) {
    return errorOutcome(403, 'forbidden', 'The emulator page answers only to localhost, an IP address or the host it listens on');
  }
  // `Origin: null` is a sandboxed frame or a file: page, which may be anyone's.
  const origin = request.headers['origin'];
  const originHost = origin !== undefined && URL.canParse(origin) ? new URL(origin).host : undefined;
  if (origin !== undefined && (originHost === undefined || !isLocalName(hostnameOf(originHost), context.endpoint))) {
    return errorOutcome(403, 'forbidden', 'Cross-site requests to the emulator page are refused');
  }
  switch (url.pathname) {
    case '/':
      return onlyMethod(method, 'GET', () => {
        const nonce = context.nonce();
        return html(renderPage(state, context.endpoint, nonce), { 'content-security-policy': pageCsp(nonce) });
      });
    case '/__emulator/view':
      return onlyMethod(method, 'GET', () => {
        const version = String(state.version);
        if (url.searchParams.get('since') === version) return empty(204, { 'x-emulator-version': version });
        return html(renderLive(state), { 'x-emulator-version': version });
      });
    case '/__emulator/events':
      return onlyMethod(method, 'GET', () =>
        jsonOutcome(200, { events: state.events, duplicates: state.duplicates, requests: state.requests }),
      );
    case '/__emulator/reset':
      return onlyMethod(method, 'POST', () => {
        resetState(state, options);
        return empty(204);
      });
    default:
      return errorOutcome(404, 'not_found', `No route for ${url.pathname} (the events endpoint is POST ${EVENTS_PATH})`);
  }
}

/** The hostname of a `Host` header (`[::1]:80` → `::1`), lowercased; `undefined` when absent. */
function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  return (bracketed ? bracketed[1]! : host.replace(/:\d*$/, '')).toLowerCase();
}

/** `localhost` (and `*.localhost`), an IP literal, or the host the emulator listens on. */
function isLocalName(hostname: string | undefined, endpoint: string): boolean {
  if (hostname === undefined) return true; // HTTP/1.0 without Host: not a browser
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return true;
  return URL.canParse(endpoint) && new URL(endpoint).hostname.replace(/^\[|\]$/g, '') === hostname;
}
