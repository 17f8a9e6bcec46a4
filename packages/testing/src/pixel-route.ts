import type { CapiRequest } from './handle-request.js';
import { handlePixelRequest } from './pixel-ingest.js';
import { PIXEL_EVENTS_PATH, PIXEL_SCRIPT_PATH, renderPixelScript } from './pixel-script.js';
import type { CapiOutcome } from './responses.js';
import type { EmulatorState, ResolvedOptions } from './state.js';

/**
 * The pixel stand-in's two routes, or `undefined` for any other path: the script (`GET`, served to
 * pages on any origin like OpenAI's CDN does) and the ingestion endpoint. `baseUrl` is the
 * emulator's own URL, where the script posts.
 */
export function pixelRoute(path: string, request: CapiRequest, state: EmulatorState, options: ResolvedOptions, baseUrl: string): CapiOutcome | undefined {
  if (path === PIXEL_EVENTS_PATH) return handlePixelRequest(request, state, options);
  if (path !== PIXEL_SCRIPT_PATH) return undefined;
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return { kind: 'response', status: 405, headers: { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }, body: 'Only GET is allowed here', delayMs: 0 };
  }
  return {
    kind: 'response',
    status: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'access-control-allow-origin': '*' },
    body: renderPixelScript(baseUrl),
    delayMs: 0,
  };
}
