/** What the shop page needs to know about the server that renders it. */
export interface ShopPageConfig {
  /** Pixel id given to the browser tracker (must match the server client's). */
  pixelId: string;
  /** The relay endpoint on this server. */
  endpoint: string;
  /** URL of the emulator's live page, when the demo runs against the emulator. */
  emulatorUrl?: string;
  /** The pixel script the tracker loads after consent (the emulator's stand-in); default OpenAI's. */
  pixelScriptUrl?: string;
  /** Where the server sends: the local emulator, or OpenAI with `validate_only: true`. */
  mode: 'emulator' | 'validate-only';
}

/** The product the demo sells: one line, priced as a decimal string (converted exactly by core). */
export const DEMO_PRODUCT = { id: 'sku-trail-mug', name: 'Trail mug', price: '25.99', currency: 'USD' } as const;

// JSON inside <script> must not be able to close the tag.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const STYLE = `
  :root { color-scheme: light; --ink:#1d1d1f; --muted:#6e6e73; --line:#e5e5ea; --accent:#10a37f; --bg:#f6f6f3; }
  * { box-sizing: border-box; }
  body { margin:0; font:16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
  header { display:flex; align-items:center; justify-content:space-between; padding:16px 32px; background:#fff; border-bottom:1px solid var(--line); }
  header strong { font-size:20px; letter-spacing:-.02em; }
  header span { color:var(--muted); font-size:14px; }
  main { max-width:880px; margin:32px auto; padding:0 24px; display:grid; grid-template-columns:1fr 1fr; gap:24px; }
  .card { background:#fff; border:1px solid var(--line); border-radius:16px; padding:24px; }
  .mug { height:180px; border-radius:12px; background:linear-gradient(135deg,#cfe9df,#f3e7d3); display:grid; place-items:center; font-size:72px; }
  h1 { font-size:24px; margin:16px 0 4px; } .price { font-size:20px; font-weight:600; margin:0 0 16px; }
  button { font:inherit; border:0; border-radius:10px; padding:10px 18px; cursor:pointer; }
  .primary { background:var(--accent); color:#fff; } .primary:disabled { opacity:.5; cursor:wait; }
  .secondary { background:#ececf0; color:var(--ink); }
  dl { display:grid; grid-template-columns:auto 1fr; gap:6px 12px; margin:0; font-size:14px; }
  dt { color:var(--muted); } dd { margin:0; font-family:ui-monospace, SFMono-Regular, Menlo, monospace; word-break:break-all; }
  .log { margin:16px 0 0; padding:0; list-style:none; font-size:14px; }
  .log li { padding:6px 0; border-top:1px solid var(--line); }
  a { color:var(--accent); }
  #consent { position:fixed; left:24px; right:24px; bottom:24px; max-width:640px; margin:auto; background:#1d1d1f; color:#fff; border-radius:14px; padding:16px 20px; display:flex; gap:12px; align-items:center; box-shadow:0 10px 30px rgba(0,0,0,.2); }
  #consent p { margin:0; flex:1; font-size:14px; } #consent[hidden] { display:none; }
  @media (max-width:720px) { main { grid-template-columns:1fr; } }
`;

/** The client script: tracker, consent banner, buy button. Runs against the IIFE global `OpenAICapi`. */
const SCRIPT = `
  const config = JSON.parse(document.getElementById('demo-config').textContent);
  const $ = (id) => document.getElementById(id);
  const log = (text) => { const li = document.createElement('li'); li.textContent = text; $('log').prepend(li); };
  const gpc = navigator.globalPrivacyControl === true;

  const tracker = OpenAICapi.createTracker({
    endpoint: config.endpoint,
    pixelId: config.pixelId,
    ...(config.pixelScriptUrl ? { pixelScriptUrl: config.pixelScriptUrl } : {}),
    onError: (error) => log('SDK: ' + error.message),
  });
  window.demoTracker = tracker;

  const showConsent = () => {
    $('consent-state').textContent = gpc ? 'denied (Global Privacy Control is on)' : tracker.consent;
    $('oppref').textContent = tracker.getOppref() ?? '—';
    $('consent').hidden = tracker.consent !== 'pending';
  };
  $('accept').onclick = () => { tracker.setConsent('granted'); log('Consent granted: oppref stored in the __oppref cookie'); showConsent(); };
  $('reject').onclick = () => { tracker.setConsent('denied'); log('Consent denied: nothing is stored or sent'); showConsent(); };
  showConsent();

  const randomHex = (bytes) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

  $('buy').onclick = async () => {
    $('buy').disabled = true;
    try {
      const orderId = 'ORD-' + randomHex(4).toUpperCase();
      const p = config.product;
      const eventId = tracker.track('order_created', {
        value: p.price,
        currency: p.currency,
        contents: [{ id: p.id, name: p.name, quantity: 1, value: p.price }],
      }, { eventId: orderId });
      await tracker.flush();
      const response = await fetch('/orders/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId, consent: tracker.consent }),
      });
      const result = await response.json();
      $('order-id').textContent = orderId;
      $('event-id').textContent = eventId ?? 'not tracked (consent ' + tracker.consent + ')';
      $('twin').textContent = result.serverTwin;
      log('Order ' + orderId + ' confirmed: browser ' + (eventId ? 'sent ' + eventId : 'sent nothing') + ', server twin ' + result.serverTwin);
      document.body.dataset.lastOrder = orderId;
    } catch (error) {
      log('Order failed: ' + error.message);
    } finally {
      $('buy').disabled = false;
    }
  };
`;

/** The demo shop: one product, a consent banner, and the conversion log. Self-contained HTML. */
export function renderShopPage(config: ShopPageConfig): string {
  const target =
    config.mode === 'emulator'
      ? `the local emulator${config.emulatorUrl ? ` (<a href="${config.emulatorUrl}/" target="_blank" rel="noopener">open its live page</a>)` : ''}`
      : 'the OpenAI Conversions API with <code>validate_only: true</code> (validated, not saved)';
  const pixel = config.pixelScriptUrl ? "the pixel (the emulator's stand-in script)" : "OpenAI's pixel";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trailhead Goods · openai-capi demo</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><strong><svg width="22" height="18" viewBox="0 0 22 18" aria-hidden="true"><path d="M1 17 8 5l4 6 3-4 6 10z" fill="#10a37f"/></svg> Trailhead Goods</strong><span>openai-capi demo shop</span></header>
<main>
  <section class="card">
    <div class="mug" aria-hidden="true">☕</div>
    <h1>${DEMO_PRODUCT.name}</h1>
    <p class="price">$${DEMO_PRODUCT.price}</p>
    <button id="buy" class="primary">Buy now</button>
  </section>
  <section class="card">
    <dl>
      <dt>Consent</dt><dd id="consent-state">…</dd>
      <dt>oppref</dt><dd id="oppref">—</dd>
      <dt>Order</dt><dd id="order-id">—</dd>
      <dt>Event id</dt><dd id="event-id">—</dd>
      <dt>Server twin</dt><dd id="twin">—</dd>
    </dl>
    <p style="font-size:14px;color:var(--muted)">The browser sends <code>order_created</code> to ${pixel} and through this shop's relay;
      the server sends its twin with the same id to ${target}. OpenAI keeps the first copy.</p>
    <ul id="log" class="log"></ul>
  </section>
</main>
<div id="consent" role="dialog" aria-label="Cookie consent" hidden>
  <p>We use a first-party cookie to credit the ChatGPT ad that brought you here. OK?</p>
  <button id="reject" class="secondary">Reject</button>
  <button id="accept" class="primary">Accept</button>
</div>
<script type="application/json" id="demo-config">${scriptJson({ ...config, product: DEMO_PRODUCT })}</script>
<script src="/openai-capi.iife.js"></script>
<script>${SCRIPT}</script>
</body>
</html>`;
}
