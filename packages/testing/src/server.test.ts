import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startEmulator, type Emulator, type EmulatorOptions } from './server.js';
import { KEY, NOW, PIXEL, order } from './__fixtures__/events.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: NOW, ...options });
  return emulator;
}

function post(target: Emulator, body: unknown, init: { key?: string; pid?: string; signal?: AbortSignal } = {}) {
  return fetch(`${target.endpoint}?pid=${encodeURIComponent(init.pid ?? PIXEL)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.key ?? KEY}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

describe('startEmulator: the events endpoint over real HTTP', () => {
  it('listens on loopback on a free port and exposes url and endpoint', async () => {
    const emu = await start();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.endpoint).toBe(`${emu.url}/v1/events`);
  });

  it('accepts a batch, stores it, and answers the JSON success body', async () => {
    const emu = await start();
    const res = await post(emu, { events: [order('o1')], integration_source: 'x-openai-capi-node' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req_emu_000001');
    expect(await res.json()).toEqual({ received: 1, duplicates: 0, validate_only: false });
    expect(emu.events.map((e) => e.event.id)).toEqual(['o1']);
  });

  it('answers 401, 403 (unknown pixel), 400 (bad JSON, invalid event) and stores nothing', async () => {
    const emu = await start();
    expect((await post(emu, { events: [order('o1')] }, { key: 'wrong' })).status).toBe(401);
    expect((await post(emu, { events: [order('o1')] }, { pid: 'px_unknown' })).status).toBe(403);
    expect((await post(emu, '{not json')).status).toBe(400);
    const invalid = await post(emu, { events: [order('o1'), order('o2', { type: 'nope' as never })] });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { issues: unknown[] } };
    expect(body.error.issues).toContainEqual(expect.objectContaining({ index: 1, path: 'events[1].type', code: 'invalid_value' }));
    expect(emu.events).toHaveLength(0);
    expect(emu.requests.map((r) => r.status)).toEqual([401, 403, 400, 400]);
  });

  it('deduplicates across requests (first wins) and records the duplicates', async () => {
    const emu = await start();
    await post(emu, { events: [order('o1', { oppref: 'first' })] });
    const res = await post(emu, { events: [order('o1', { oppref: 'second' })] });
    expect(await res.json()).toEqual({ received: 1, duplicates: 1, validate_only: false });
    expect(emu.events.map((e) => e.event.oppref)).toEqual(['first']);
    expect(emu.duplicates.map((d) => d.event.oppref)).toEqual(['second']);
  });

  it('answers 413 to a body over maxBodyBytes', async () => {
    const emu = await start({ maxBodyBytes: 1000 });
    const res = await post(emu, { events: Array.from({ length: 10 }, (_, i) => order(`o${i}`)) });
    expect(res.status).toBe(413);
    expect(emu.requests[0]).toMatchObject({ status: 413, eventCount: 0 });
  });

  it('answers 405 to GET on the endpoint and 404 to other paths', async () => {
    const emu = await start();
    expect((await fetch(emu.endpoint)).status).toBe(405);
    const other = await fetch(`${emu.url}/v2/other`, { method: 'POST' });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { type: string; code: string } }).error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
  });

  it('injects 429 with Retry-After and 5xx from setFaults', async () => {
    const emu = await start();
    emu.setFaults({ rateLimitRate: 1, retryAfterS: 2 });
    const limited = await post(emu, { events: [order('o1')] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    emu.setFaults({ status5xxRate: 1 });
    expect((await post(emu, { events: [order('o1')] })).status).toBe(503);
    emu.setFaults({});
    expect((await post(emu, { events: [order('o1')] })).status).toBe(200);
  });

  it('resets the connection on a reset fault (the client sees a network error)', async () => {
    const emu = await start({ faults: { resetRate: 1 } });
    await expect(post(emu, { events: [order('o1')] })).rejects.toThrow(TypeError);
    expect(emu.requests[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('delays the answer past a client timeout while the events are still stored (a retry then dedupes)', async () => {
    const emu = await start({ faults: { latencyMs: 60_000 } });
    const controller = new AbortController();
    const pending = post(emu, { events: [order('o1')] }, { signal: controller.signal });
    await expect.poll(() => emu.requests.length, { timeout: 10_000 }).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(emu.events).toHaveLength(1);
    emu.setFaults({});
    expect(await (await post(emu, { events: [order('o1')] })).json()).toMatchObject({ duplicates: 1 });
  }, 20_000);

  it('close() drops answers still delayed and is idempotent', async () => {
    const emu = await start({ faults: { latencyMs: 60_000 } });
    const pending = post(emu, { events: [order('o1')] });
    await expect.poll(() => emu.requests.length, { timeout: 10_000 }).toBe(1);
    await Promise.all([emu.close(), emu.close()]);
    await expect(pending).rejects.toThrow();
    await expect(fetch(emu.url)).rejects.toThrow();
  }, 20_000);

  it('reset() forgets events, requests and duplicates but keeps the arrays live', async () => {
    const emu = await start();
    const events = emu.events;
    await post(emu, { events: [order('o1')] });
    await post(emu, { events: [order('o1')] });
    emu.reset();
    expect([emu.events.length, emu.requests.length, emu.duplicates.length]).toEqual([0, 0, 0]);
    await post(emu, { events: [order('o1')] });
    expect(events).toHaveLength(1);
    expect(emu.duplicates).toHaveLength(0);
  });

  it('serves POST /__emulator/reset and GET /__emulator/events', async () => {
    const emu = await start();
    await post(emu, { events: [order('o1')] });
    const dump = (await (await fetch(`${emu.url}/__emulator/events`)).json()) as { events: unknown[]; requests: unknown[] };
    expect(dump.events).toHaveLength(1);
    expect(dump.requests).toHaveLength(1);
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' })).status).toBe(204);
    expect(emu.events).toHaveLength(0);
    expect((await fetch(`${emu.url}/__emulator/reset`)).status).toBe(405);
  });
});

describe('startEmulator: the live page', () => {
  it('serves a self-contained HTML page with a strict CSP', async () => {
    const emu = await start();
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    const html = await res.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(emu.endpoint);
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=/);
  });

  it('lists received events with source, oppref/obref, match keys and absorbed duplicates', async () => {
    const emu = await start();
    await post(emu, { events: [order('o1', { user: { obref: 'ob_1' } })], integration_source: 'x-openai-capi-relay' });
    await post(emu, { events: [order('o1')], integration_source: 'x-openai-capi-node' });
    const { oppref: _, ...bare } = order('bare', { user: { ip_address: '203.0.113.9', user_agent: 'UA' } });
    await post(emu, { events: [bare] });
    const html = await (await fetch(`${emu.url}/`)).text();
    expect(html).toContain('pixel relay');
    expect(html).toContain('x-openai-capi-relay');
    expect(html).toContain('ob_1');
    expect(html).toMatch(/class="warn"[^>]*>⚠ only ip\+ua/);
    expect(html).toMatch(/Duplicates absorbed[\s\S]*x-openai-capi-node/);
  });

  it('escapes a malicious oppref (XSS-safe) in the page and in the live fragment', async () => {
    const emu = await start();
    const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    expect((await post(emu, { events: [order('x1', { oppref: evil })] })).status).toBe(200);
    for (const path of ['/', '/__emulator/view']) {
      const html = await (await fetch(`${emu.url}${path}`)).text();
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('answers the live fragment only when something changed', async () => {
    const emu = await start();
    const first = await fetch(`${emu.url}/__emulator/view`);
    const version = first.headers.get('x-emulator-version') ?? '';
    expect((await fetch(`${emu.url}/__emulator/view?since=${version}`)).status).toBe(204);
    await post(emu, { events: [order('o1')] });
    const changed = await fetch(`${emu.url}/__emulator/view?since=${version}`);
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('o1');
  });
});

describe('startEmulator: options', () => {
  it('rejects bad options with a RangeError naming them', async () => {
    await expect(startEmulator({ maxBodyBytes: 0 })).rejects.toThrow(/maxBodyBytes/);
    await expect(startEmulator({ faults: { resetRate: 2 } })).rejects.toThrow(/resetRate/);
    await expect(startEmulator({ apiKey: '' })).rejects.toThrow(/apiKey/);
  });

  it('rejects options of the wrong type or name, which would otherwise be ignored or misread', async () => {
    // A bare string would become a Set of its characters, and every real pixel id a 404.
    await expect(startEmulator({ pixelIds: 'px_1' as never })).rejects.toThrow(/options\.pixelIds must be an array of non-empty strings/);
    await expect(startEmulator({ pixelIds: ['px_1', ''] })).rejects.toThrow(/options\.pixelIds/);
    await expect(startEmulator({ apiKey: 42 as never })).rejects.toThrow(/options\.apiKey must be a non-empty string/);
    // `pixelId` (singular) would silently accept every pixel.
    await expect(startEmulator({ pixelId: 'px_1' } as never)).rejects.toThrow(/options\.pixelId is not an option/);
    await expect(startEmulator({ faults: { status500Rate: 1 } } as never)).rejects.toThrow(/faults\.status500Rate/);
  });

  it('fails to start on a port already in use', async () => {
    const emu = await start();
    const port = Number(new URL(emu.url).port);
    await expect(startEmulator({ port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('records the redacted Authorization header of real requests', async () => {
    const emu = await start();
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${emu.endpoint}?pid=${PIXEL}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ events: [order('o1')] }));
    });
    expect(emu.requests[0]?.headers['authorization']).toBe('Bearer [redacted]');
  });
});

describe('startEmulator: audit cases', () => {
  it('refuses a host or port it cannot use before listening (an empty host would listen on every interface)', async () => {
    await expect(startEmulator({ host: '' })).rejects.toThrow(RangeError);
    await expect(startEmulator({ host: 42 as never })).rejects.toThrow(/options\.host/);
    await expect(startEmulator({ port: 'abc' as never })).rejects.toThrow(/options\.port/);
    await expect(startEmulator({ port: 70_000 })).rejects.toThrow(/options\.port/);
  });

  it('shows its page and data only to this machine: another site name (DNS rebinding) or a cross-site post gets 403', async () => {
    const emu = await start();
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${emu.url}${path}`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await get('/__emulator/events', { host: 'attacker.example' })).toBe(403);
    expect(await get('/__emulator/events', { host: 'localhost:1234' })).toBe(200);
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST', headers: { origin: 'null' } })).status).toBe(403);
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST', headers: { origin: emu.url } })).status).toBe(204);
    expect((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' })).status).toBe(204);
    expect((await post(emu, { events: [order('o1')] })).status).toBe(200);
  });

  it('answers an odd request target with 400 or 404, never 500', async () => {
    const emu = await start();
    const raw = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: new URL(emu.url).port, path: target, method: 'POST' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const target of ['//[/v1/events', '//v1/events?pid=px', '*']) {
      const status = await raw(target);
      expect([400, 404]).toContain(status);
    }
  });
});
