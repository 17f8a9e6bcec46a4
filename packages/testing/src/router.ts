import type { EmulatorState, ResolvedOptions } from './state.js';
import { resetState } from './state.js';
import { type CapiOutcome, errorOutcome, jsonOutcome } from './responses.js';
import { type CapiRequest, handleCapiRequest } from './handle-request.js';
import { pageCsp, renderLive, renderPage } from './page.js';

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
 * Routes one request of the emulator's HTTP server: the events endpoint, the live page (`/`), its
 * fragment (`/__emulator/view`), a JSON dump (`/__emulator/events`) and `POST /__emulator/reset`.
 */
export function routeRequest(request: CapiRequest, state: EmulatorState, options: ResolvedOptions, context: RouteContext): CapiOutcome {
  const url = new URL(request.url, 'http://emulator.invalid');
  const method = request.method.toUpperCase();
  switch (url.pathname) {
    case EVENTS_PATH:
      return handleCapiRequest(request, state, options);
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
