import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { CapiEmulatorOptions } from './types.js';
import { createState, resolveOptions } from './state.js';
import { type CapiRecorder, createRecorder } from './recorder.js';
import type { CapiOutcome } from './responses.js';
import { EVENTS_PATH, routeRequest } from './router.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions extends CapiEmulatorOptions {
  /** Port to listen on (default 0: a free port, see `url`). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`: loopback only). */
  host?: string;
}

/** A running emulator: a real HTTP server plus what it recorded. */
export interface Emulator extends CapiRecorder {
  /** Base URL, e.g. `http://127.0.0.1:4318`; the live page is served at `url + '/'`. */
  readonly url: string;
  /** `url + '/v1/events'`: pass it as the node client's `endpoint` option. */
  readonly endpoint: string;
  /** Stops the server, drops open connections and pending delayed answers. Idempotent. */
  close(): Promise<void>;
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Reads the body, keeping at most `limit + 1` bytes but counting them all. */
function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes <= limit + 1) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: bytes > limit ? '' : Buffer.concat(chunks).toString('utf8'), bytes }));
    req.on('error', reject);
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the Conversions API emulator on loopback: `POST /v1/events?pid=…` behaves as the spec
 * describes (bearer key, pixel, envelope, all-or-nothing validation with core, `validate_only`,
 * first-wins deduplication), with seeded fault injection, and a live page of received events at `/`.
 *
 * @example
 * const emulator = await startEmulator({ apiKey: 'test-key', pixelIds: ['px_1'] });
 * const client = createClient({ pixelId: 'px_1', apiKey: 'test-key', endpoint: emulator.endpoint });
 * // … emulator.events, emulator.duplicates …
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options, ['port', 'host']);
  // Checked before listening: an empty host listens on every interface, a string port is a socket path.
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw new RangeError('options.host must be a non-empty host name or address');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError('options.port must be an integer from 0 to 65535');
  const state = createState(resolved);
  const timers = new Set<NodeJS.Timeout>();
  let endpoint = '';

  const deliver = (outcome: CapiOutcome, req: IncomingMessage, res: ServerResponse) => {
    if (res.destroyed) return;
    if (outcome.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    res.writeHead(outcome.status, outcome.headers);
    res.end(req.method === 'HEAD' ? undefined : outcome.body);
  };

  const server = createServer((req, res) => {
    readBody(req, resolved.maxBodyBytes)
      .then(({ text, bytes }) => {
        const outcome = routeRequest(
          { method: req.method ?? 'GET', url: req.url ?? '/', headers: flattenHeaders(req.headers), bodyText: text, bodyBytes: bytes },
          state,
          resolved,
          { endpoint, nonce: () => randomBytes(16).toString('base64') },
        );
        if (outcome.delayMs <= 0) return deliver(outcome, req, res);
        const timer = setTimeout(() => {
          timers.delete(timer);
          deliver(outcome, req, res);
        }, outcome.delayMs);
        timers.add(timer);
      })
      .catch(() => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { type: 'server_error', message: 'Emulator failed to read the request' } }));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${hostForUrl(host)}:${(server.address() as AddressInfo).port}`;
  endpoint = url + EVENTS_PATH;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return Object.defineProperties(createRecorder(state, resolved), {
    url: { value: url, enumerable: true },
    endpoint: { value: endpoint, enumerable: true },
    close: { value: close, enumerable: true },
  }) as Emulator;
}
