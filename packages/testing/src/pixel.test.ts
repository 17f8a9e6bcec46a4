import { afterEach, describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { startEmulator, type Emulator } from './server.js';
import { coverageOf } from './coverage.js';
import { PIXEL_EVENTS_PATH, PIXEL_SCRIPT_PATH, renderPixelScript } from './pixel-script.js';
import { HASH, KEY, NOW, PIXEL, order } from './__fixtures__/events.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(): Promise<Emulator> {
  emulator = await startEmulator({ apiKey: KEY, pixelIds: [PIXEL], now: NOW });
  return emulator;
}

/** A pixel event in the observed ingestion shape (spec §8). */
function pixelEvent(id: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'order_created',
    id,
    timestamp_ms: NOW - 1000,
    source_url: 'https://shop.example/thanks?oppref=clk_9',
    referrer_url: 'https://chatgpt.com/',
    opt_out: false,
    data: { type: 'contents', amount: 12999, currency: 'USD' },
    ...extra,
  };
}

function postPixel(target: Emulator, body: unknown, pid = PIXEL) {
  return fetch(`${target.url}${PIXEL_EVENTS_PATH}?pid=${encodeURIComponent(pid)}&st=oaiq-web&sv=1&t=${NOW}&ec=1`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example', 'user-agent': 'PixelTest/1' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function postServer(target: Emulator, events: unknown[]) {
  return fetch(`${target.endpoint}?pid=${PIXEL}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events, integration_source: 'x-openai-capi-node' }),
  });
}

describe('pixel ingestion /v1/sdk/events', () => {
  it('stores a pixel event as a web wire event from any origin, then absorbs its server twin (first wins)', async () => {
    const emu = await start();
    const res = await postPixel(emu, { obref: 'ob.1', events: [pixelEvent('o1')], user: { in: { eid: HASH }, fm: { em: HASH, co: 'US' } } });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ received: 1, duplicates: 0 });
    expect(emu.events).toHaveLength(1);
    expect(emu.events[0]).toMatchObject({ pixelId: PIXEL, integrationSource: 'oaiq-web' });
    expect(emu.events[0]!.event).toEqual({
      id: 'o1',
      type: 'order_created',
      timestamp_ms: NOW - 1000,
      source_url: 'https://shop.example/thanks?oppref=clk_9',
      action_source: 'web',
      data: { type: 'contents', amount: 12999, currency: 'USD' },
      user: { obref: 'ob.1', user_agent: 'PixelTest/1', external_ids_sha256: [HASH], emails_sha256: [HASH], countries: ['US'] },
    });

    const server = await postServer(emu, [order('o1')]);
    expect(await server.json()).toMatchObject({ received: 1, duplicates: 1 });
    expect(emu.events).toHaveLength(1);
    expect(emu.duplicates).toHaveLength(1);
    expect(emu.duplicates[0]).toMatchObject({ key: { pixelId: PIXEL, name: 'order_created', id: 'o1' }, integrationSource: 'x-openai-capi-node' });
    // Coverage mirrors the client's stats: the pixel's own copy is not one of its sources.
    expect(coverageOf(emu)['order_created']).toMatchObject({ delivered: { server: 1, relay: 0 }, ids: 1 });
  });

  it('absorbs a pixel copy that arrives after the server event; a different name or pixel is another event', async () => {
    const emu = await start();
    await postServer(emu, [order('o2')]);
    const res = await postPixel(emu, { events: [pixelEvent('o2'), pixelEvent('o2', { type: 'checkout_started' })] });
    expect(await res.json()).toEqual({ received: 2, duplicates: 1 });
    expect(emu.events.map((e) => [e.event.type, e.integrationSource])).toEqual([
      ['order_created', 'x-openai-capi-node'],
      ['checkout_started', 'oaiq-web'],
    ]);
    expect(emu.duplicates.map((d) => d.integrationSource)).toEqual(['oaiq-web']);
  });

  it('keys custom events by their custom name and keeps opt_out and the oppref the script adds', async () => {
    const emu = await start();
    const custom = (name: string) => pixelEvent('c1', { type: 'custom', custom_event_name: name, data: { type: 'custom' }, opt_out: true, oppref: 'clk_7' });
    expect(await (await postPixel(emu, { obref: 'ob.2', events: [custom('quiz_done'), custom('other')] })).json()).toEqual({ received: 2, duplicates: 0 });
    expect(await (await postPixel(emu, { obref: 'ob.2', events: [custom('quiz_done')] })).json()).toEqual({ received: 1, duplicates: 1 });
    expect(emu.events.map((e) => e.event.custom_event_name)).toEqual(['quiz_done', 'other']);
    expect(emu.events[0]!.event).toMatchObject({ opt_out: true, oppref: 'clk_7' });
  });

  it('refuses what the API would: unknown pid 403, invalid event 400 listing issues (nothing stored), bad JSON 400', async () => {
    const emu = await start();
    expect((await postPixel(emu, { events: [pixelEvent('x')] }, 'px_other')).status).toBe(403);
    const invalid = await postPixel(emu, { events: [pixelEvent('ok'), pixelEvent('bad', { type: 'nope' })] });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { type: string; param: string; issues: { path: string; index?: number }[] } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: expect.stringMatching(/^events\[1\]\.type/) });
    expect(body.error.issues[0]).toMatchObject({ index: 1, path: expect.stringMatching(/^events\[1\]\.type/) });
    const unknown = await postPixel(emu, { events: [pixelEvent('x')] }, 'px_other');
    expect(await unknown.json()).toMatchObject({ error: { message: '403: unknown pid', code: 'unknown_pid' } });
    expect((await postPixel(emu, '{oops')).status).toBe(400);
    expect((await postPixel(emu, { events: 'x' })).status).toBe(400);
    expect(emu.events).toHaveLength(0);
  });

  it('answers a post with no pid like /v1/events does, with CORS so the page can read it', async () => {
    const emu = await start();
    const res = await fetch(`${emu.url}${PIXEL_EVENTS_PATH}`, { method: 'POST', body: JSON.stringify({ events: [pixelEvent('x')] }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: { code: 'missing_pid', message: 'Missing pid query parameter (the pixel id)' } });
  });

  it('takes the <noscript> GET (pid, event, event_id, data[…], oppref) with the Referer as source_url', async () => {
    const emu = await start();
    const res = await fetch(`${emu.url}${PIXEL_EVENTS_PATH}?pid=${PIXEL}&event=lead_created&event_id=l1&oppref=clk_3&data[type]=customer_action`, {
      headers: { referer: 'https://shop.example/form' },
    });
    expect(res.status).toBe(204);
    expect(emu.events[0]!.event).toMatchObject({ id: 'l1', type: 'lead_created', oppref: 'clk_3', source_url: 'https://shop.example/form', action_source: 'web' });
  });
});

describe('pixel script /sdk/oaiq.min.js', () => {
  it('is served as JavaScript to any origin and posts to this emulator', async () => {
    const emu = await start();
    const res = await fetch(`${emu.url}${PIXEL_SCRIPT_PATH}`, { headers: { origin: 'http://www.shop.test:3000', host: 'cdn.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await res.text();
    expect(script).toContain(JSON.stringify(`${emu.url}${PIXEL_EVENTS_PATH}`).slice(1, -1));
    expect(script).not.toContain('openai.com');
  });

  /** Runs the script against a fake window whose stub already queued `commands`. */
  function runScript(commands: unknown[][], cookie = '') {
    const posts: { url: string; body: { obref?: string; events: Record<string, unknown>[]; user?: unknown } }[] = [];
    const warnings: string[] = [];
    const stub = Object.assign(() => {}, { q: commands.map((args) => args) });
    const document = { cookie, referrer: 'https://chatgpt.com/' };
    const window: Record<string, unknown> = { oaiq: stub, location: { href: 'https://shop.example/p?oppref=clk_1' }, crypto: { randomUUID: () => 'uuid-1' } };
    const fetch = (url: string, init: { body: string }) => {
      posts.push({ url, body: JSON.parse(init.body) });
      return Promise.resolve({ status: 202 });
    };
    const console = { warn: (m: string) => warnings.push(m), log: () => {} };
    runInNewContext(renderPixelScript('http://127.0.0.1:4318'), { window, document, fetch, console });
    const oaiq = window['oaiq'] as (...args: unknown[]) => void;
    return { posts, warnings, oaiq, document };
  }

  it('drains the stub queue: consent, init, measure and measureSingle post the observed shape', () => {
    const { posts, warnings, oaiq, document } = runScript(
      [['consent', true], ['init', { pixelId: 'px_a', user: { email_sha256: HASH } }], ['measure', 'order_created', { type: 'contents', amount: 100, currency: 'USD' }, { event_id: 'o1' }]],
      '__oppref=clk_1',
    );
    oaiq('measureSingle', 'px_b', 'custom', { type: 'custom' }, { event_id: 'c1', custom_event_name: 'quiz', opt_out: true });
    expect(warnings).toEqual([]);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:4318\/v1\/sdk\/events\?pid=px_a&st=oaiq-web&sv=emulator-1&t=\d+&ec=1$/);
    expect(posts[0]!.body).toMatchObject({
      obref: expect.stringMatching(/^ob\./),
      user: { in: { em: HASH }, fm: { em: HASH } },
      events: [{ type: 'order_created', id: 'o1', source_url: 'https://shop.example/p?oppref=clk_1', referrer_url: 'https://chatgpt.com/', opt_out: false, oppref: 'clk_1', data: { type: 'contents', amount: 100, currency: 'USD' } }],
    });
    expect(posts[1]!.url).toContain('pid=px_b');
    expect(posts[1]!.body.events[0]).toMatchObject({ type: 'custom', id: 'c1', custom_event_name: 'quiz', opt_out: true });
    expect(document.cookie).toMatch(/^__obref=ob\.uuid-1; Max-Age=31536000; Path=\/; SameSite=Lax$/);
  });

  it('sends nothing while consent is false (set before init), and warns about commands it cannot run', () => {
    const { posts, warnings, oaiq, document } = runScript([['consent', false], ['init', { pixelId: 'px_a' }], ['measure', 'order_created', {}, { event_id: 'o1' }]]);
    expect(posts).toEqual([]);
    expect(document.cookie).toBe('');
    oaiq('consent', true);
    oaiq('measure', 'custom', {}, { event_id: 'c1' });
    oaiq('measure', 'order_created', {}, { event_id: 'o2', custom_event_name: 'x' });
    oaiq('measure', 'app_opened', {}, {});
    oaiq('track', 'x');
    expect(posts).toEqual([]);
    expect(warnings).toEqual([
      '[oaiq emulator] custom events need options.custom_event_name (not sent)',
      '[oaiq emulator] custom_event_name is only for custom events (not sent)',
      '[oaiq emulator] not a pixel event type: app_opened (not sent)',
      '[oaiq emulator] unknown command track (ignored)',
    ]);
  });
});

describe('pixel posts and the Conversions API request log', () => {
  it('numbers pixel posts on their own and leaves requests (and its count) to the Conversions API endpoint', async () => {
    const emu = await start();
    await postPixel(emu, { events: [pixelEvent('p1')] });
    await postPixel(emu, { events: [pixelEvent('p2')] });
    const res = await postServer(emu, [order('p1')]);
    expect(res.headers.get('x-request-id')).toBe('req_emu_000001');
    expect(emu.requests).toHaveLength(1);
    expect(emu.events.map((e) => e.requestId)).toEqual(['req_pixel_000001', 'req_pixel_000002']);
    expect(emu.duplicates[0]).toMatchObject({ requestId: 'req_emu_000001', firstRequestId: 'req_pixel_000001' });
  });
});
