import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  createClient,
  createRelayHandler,
  readAttribution,
  toNodeHandler,
  type CapiClient,
  type DeliveredInfo,
  type ErrorContext,
} from '@x/openai-capi-node';
import { INTEGRATION_SOURCES, PIXEL_SCRIPT_PATH, startEmulator, type Emulator } from '@x/openai-capi-testing';
import { DEMO_PRODUCT, renderShopPage } from './shop-page.js';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Port of the shop (default 3000; 0 picks a free one). */
  port?: number;
  /** Port of the emulator (default 4318; 0 picks a free one). Unused with `real`. */
  emulatorPort?: number;
  /** Interface both servers listen on (default `127.0.0.1`). */
  host?: string;
  /** Pixel id of the demo with the emulator (default `demo-pixel`). */
  pixelId?: string;
  /** Send to the real API instead of the emulator, always with `validate_only: true`. */
  real?: { pixelId: string; apiKey: string };
  /** The browser package's script-tag build (default: its `dist/openai-capi.iife.js`). */
  browserScriptPath?: string;
  /** Where the demo narrates what it does (default `console.log`). */
  log?: (line: string) => void;
}

/** A running demo. */
export interface Demo {
  /** The shop's base URL, e.g. `http://localhost:3000/`. */
  shopUrl: string;
  /** The emulator receiving the events (absent with `real`). */
  emulator: Emulator | undefined;
  /** The server's Conversions API client (sends the server twin). */
  client: CapiClient;
  /** The client behind the relay (sends the browser's events). */
  relayClient: CapiClient;
  /** Delivers whatever both clients still hold. */
  flush(): Promise<void>;
  /** Flushes both clients (`shutdown`), then stops the shop and the emulator. Idempotent. */
  close(): Promise<void>;
}

export const DEMO_PIXEL_ID = 'demo-pixel';
const DEMO_API_KEY = 'demo-key';
/** The customer the demo's order belongs to: what a real shop knows from its checkout. */
const DEMO_CUSTOMER_EMAIL = 'demo.buyer@example.com';
const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Path of the browser package's IIFE build, found through its package.json. */
export function defaultBrowserScriptPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@x/openai-capi-browser/package.json')), 'dist', 'openai-capi.iife.js');
}

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

async function readJson(req: IncomingMessage, limit = 4096): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > limit) throw new Error('body too large');
  }
  return JSON.parse(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the demo stack: the emulator (unless `real`; it also serves the pixel script the page
 * loads, so the browser's pixel events reach it too), two Conversions API clients pointed at it, and
 * the shop on node:http with four routes: the page, the browser script, the relay
 * (`POST /api/openai-capi`) and the order confirmation (`POST /orders/confirm`) that sends the
 * server twin of the browser's `order_created` with the same id (the order id, sent as given).
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(line));
  const scriptPath = options.browserScriptPath ?? defaultBrowserScriptPath();

  const emulator = options.real
    ? undefined
    : await startEmulator({ port: options.emulatorPort ?? 4318, host, apiKey: DEMO_API_KEY, pixelIds: [options.pixelId ?? DEMO_PIXEL_ID] });
  const pixelId = options.real?.pixelId ?? options.pixelId ?? DEMO_PIXEL_ID;
  const clientOptions = (integrationSource: string) => ({
    pixelId,
    ...(options.real ? { apiKey: options.real.apiKey, validateOnly: true } : { apiKey: DEMO_API_KEY, endpoint: (emulator as Emulator).endpoint }),
    integrationSource,
    // Send each event at once, so the demo shows it arrive as soon as it happens.
    flushAt: 1,
    onDelivered: (info: DeliveredInfo) => log(`  → ${options.real ? 'OpenAI (validate_only)' : 'emulator'} accepted ${info.eventIds.join(', ')} (${integrationSource})`),
    onError: (error: Error, context: ErrorContext) => log(`  ✗ ${context.reason}: ${error.message}`),
  });
  // Two clients, as two deployments would have: the relay's copies of browser events carry the
  // relay's integration_source (the emulator labels them "pixel relay"), the server twin the node
  // client's. They reach the API separately and the second copy is absorbed as a duplicate.
  const relayClient = createClient(clientOptions(INTEGRATION_SOURCES.relay));
  const client = createClient(clientOptions(INTEGRATION_SOURCES.node));
  const relay = toNodeHandler(
    createRelayHandler(relayClient, {
      // The shop knows its customer; the relay adds identities server-side, never from the browser.
      enrich: (input) => ({ ...input, user: { ...input.user, email: DEMO_CUSTOMER_EMAIL } }),
    }),
  );

  const confirmOrder = async (req: IncomingMessage, res: ServerResponse) => {
    let body: { orderId?: unknown; consent?: unknown };
    try {
      body = (await readJson(req)) as typeof body;
    } catch {
      return sendJson(res, 400, { error: 'expected a JSON body { orderId, consent }' });
    }
    const orderId = body?.orderId;
    if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) {
      return sendJson(res, 400, { error: 'orderId: 1–64 letters, digits, "-" or "_"' });
    }
    const attribution = readAttribution(req);
    // The shop only measures customers who said yes (a real shop keeps that choice server-side).
    if (body.consent !== 'granted' || attribution.gpc) {
      log(`order ${orderId}: confirmed, not measured (consent ${attribution.gpc ? 'denied by GPC' : String(body.consent)})`);
      return sendJson(res, 200, { orderId, serverTwin: 'not sent (no consent)' });
    }
    const eventId = client.track({
      type: 'order_created',
      id: orderId,
      sourceUrl: req.headers.referer ?? `http://${req.headers.host ?? 'localhost'}/`,
      ...(attribution.oppref !== undefined ? { oppref: attribution.oppref } : {}),
      user: {
        email: DEMO_CUSTOMER_EMAIL,
        ...(attribution.obref !== undefined ? { obref: attribution.obref } : {}),
        ...(attribution.ipAddress !== undefined ? { ipAddress: attribution.ipAddress } : {}),
        ...(attribution.userAgent !== undefined ? { userAgent: attribution.userAgent } : {}),
      },
      data: {
        value: DEMO_PRODUCT.price,
        currency: DEMO_PRODUCT.currency,
        contents: [{ id: DEMO_PRODUCT.id, name: DEMO_PRODUCT.name, quantity: 1, value: DEMO_PRODUCT.price }],
      },
    });
    log(`order ${orderId}: server twin ${eventId}${attribution.oppref ? ` (oppref ${attribution.oppref})` : ' (no oppref)'}`);
    await client.flush();
    sendJson(res, 200, { orderId, eventId, serverTwin: `sent (${eventId})` });
  };

  const shopPage = () =>
    renderShopPage({
      pixelId,
      endpoint: '/api/openai-capi',
      mode: emulator ? 'emulator' : 'validate-only',
      // The emulator's own pixel script: after "Accept", the page loads it (not OpenAI's) and the
      // pixel's copy of each event goes to the emulator too. Nothing leaves the machine.
      ...(emulator ? { emulatorUrl: emulator.url, pixelScriptUrl: emulator.url + PIXEL_SCRIPT_PATH } : {}),
    });

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://shop').pathname;
    const route = `${req.method} ${path}`;
    const handle = async () => {
      if (route === 'GET /') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(shopPage());
      }
      if (route === 'GET /openai-capi.iife.js') {
        const script = await readFile(scriptPath).catch(() => undefined);
        if (!script) return sendJson(res, 404, { error: `${scriptPath} is missing: run pnpm build first` });
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        return res.end(script);
      }
      if (route === 'POST /api/openai-capi') return relay(req, res);
      if (route === 'POST /orders/confirm') return confirmOrder(req, res);
      sendJson(res, 404, { error: `no route ${route}` });
    };
    handle().catch((error: unknown) => {
      log(`shop error on ${route}: ${(error as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 3000, host);
  } catch (error) {
    await Promise.all([relayClient.shutdown(), client.shutdown()]);
    await emulator?.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const reports = await Promise.all([relayClient.shutdown(), client.shutdown()]);
      const delivered = reports.reduce((n, r) => n + r.delivered.length, 0);
      const rejected = reports.reduce((n, r) => n + r.rejected.length, 0);
      if (delivered + rejected > 0) log(`flushed on shutdown: ${delivered} delivered, ${rejected} not delivered`);
      server.closeAllConnections();
      await closed;
      await emulator?.close();
    })());

  const shopHost = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : hostForUrl(host);
  const flush = async () => {
    await Promise.all([relayClient.flush(), client.flush()]);
  };
  return { shopUrl: `http://${shopHost}:${port}/`, emulator, client, relayClient, flush, close };
}
