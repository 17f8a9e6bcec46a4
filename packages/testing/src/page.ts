import { matchKeysOf, type MatchKey, type WireEvent } from '@x/openai-capi-core';
import type { EmulatorState } from './state.js';
import type { AbsorbedDuplicate, ReceivedEvent, RecordedRequest } from './types.js';
import { escapeHtml as e, truncate } from './html.js';
import { sourceOf } from './sources.js';
import { dedupeKeyOf, dedupeKeyString } from './dedupe.js';
import { coverageOf } from './coverage.js';

/** Most rows a table of the live page shows (newest first). */
const MAX_ROWS = 500;
const MAX_REQUEST_ROWS = 50;

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function newestFirst<T>(items: readonly T[], max: number): T[] {
  return items.slice(-max).reverse();
}

function eventName(event: ReceivedEvent['event']): string {
  return event.type === 'custom' ? `custom: ${event.custom_event_name ?? '?'}` : event.type;
}

function opaque(value: string | undefined): string {
  if (!value) return '<span class="no">—</span>';
  return `<span class="yes" title="${e(value)}">✓ <code>${e(truncate(value, 24))}</code></span>`;
}

function sourceCell(integrationSource: string | undefined): string {
  const detail = integrationSource ? `<br><small>${e(integrationSource)}</small>` : '';
  return `${e(sourceOf(integrationSource))}${detail}`;
}

const MATCH_KEY_LABELS: Readonly<Record<MatchKey, string>> = {
  oppref: 'oppref',
  obref: 'obref',
  email: 'email',
  external_id: 'external id',
  phone: 'phone',
  ip_user_agent: 'ip+ua',
};

/** The live page's match-keys cell: core's `matchKeysOf`, flagged when unlikely to be attributed (spec §4). */
export function matchKeysHint(event: WireEvent): string {
  const keys = matchKeysOf(event);
  const labels = keys.present.map((key) => MATCH_KEY_LABELS[key]).join(', ');
  return keys.likelyAttributable
    ? `<span class="ok">${e(labels)}</span>`
    : `<span class="warn" title="None of oppref, obref, hashed e-mail or hashed external id: unlikely to be attributed">⚠ ${labels ? `only ${e(labels)}` : 'none'}</span>`;
}

function eventRow(received: ReceivedEvent, absorbed: ReadonlyMap<string, number>): string {
  const { event } = received;
  const hint = matchKeysHint(event);
  const dupes = absorbed.get(dedupeKeyString(dedupeKeyOf(received.pixelId, event))) ?? 0;
  return `<tr${received.event.opt_out ? ' class="optout"' : ''}>
<td>${e(time(received.receivedAt))}</td><td><code>${e(received.pixelId)}</code></td>
<td>${e(eventName(event))}</td><td><code>${e(truncate(event.id, 40))}</code></td>
<td>${sourceCell(received.integrationSource)}</td><td>${opaque(event.oppref)}</td><td>${opaque(event.user?.obref)}</td>
<td>${hint}</td><td class="num">${dupes > 0 ? `<span class="dup">${dupes}</span>` : '0'}</td></tr>`;
}

function duplicateRow(d: AbsorbedDuplicate): string {
  return `<tr><td>${e(time(d.receivedAt))}</td><td><code>${e(d.key.pixelId)}</code></td><td>${e(d.key.name)}</td>
<td><code>${e(truncate(d.key.id, 40))}</code></td><td>${sourceCell(d.integrationSource)}</td>
<td><code>${e(d.firstRequestId)}</code></td><td><code>${e(d.requestId)}</code></td></tr>`;
}

function requestRow(r: RecordedRequest): string {
  const status = r.status === 0 ? 'reset' : String(r.status);
  const cls = r.status >= 200 && r.status < 300 ? 'ok' : 'warn';
  return `<tr><td>${e(time(r.receivedAt))}</td><td><code>${e(r.requestId)}</code></td><td class="${cls}">${e(status)}</td>
<td><code>${e(r.pixelId ?? '—')}</code></td><td class="num">${r.eventCount}</td><td>${r.validateOnly ? 'yes' : ''}</td>
<td>${e(r.fault ?? '')}</td></tr>`;
}

/** Per dedupe key: how many later copies were absorbed. */
function absorbedCounts(state: EmulatorState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of state.duplicates) {
    const k = dedupeKeyString(d.key);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function table(caption: string, head: string[], rows: string[], empty: string): string {
  const body = rows.length > 0 ? rows.join('\n') : `<tr><td colspan="${head.length}" class="empty">${e(empty)}</td></tr>`;
  return `<section><h2>${e(caption)}</h2><table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>
<tbody>${body}</tbody></table></section>`;
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** One row per event type: the figures of the node client's `stats().coverage`, from what arrived here. */
function coverageRows(state: EmulatorState): string[] {
  return Object.entries(coverageOf(state)).map(([name, c]) => `<tr><td>${e(name)}</td><td class="num">${c.delivered.server}</td><td class="num">${c.delivered.relay}</td>
<td class="num">${pct(c.dedupeRate)}</td>${(['oppref', 'obref', 'email', 'phone', 'external_id', 'ip_user_agent'] as const).map((k) => `<td class="num">${pct(c.matchKeys[k])}</td>`).join('')}
<td class="num${c.matchKeys.none > 0.2 ? ' warn' : ''}">${pct(c.matchKeys.none)}</td></tr>`);
}

/** The live part of the page (every value escaped); the page polls it and swaps it in. */
export function renderLive(state: EmulatorState): string {
  const absorbed = absorbedCounts(state);
  return `<p class="stats"><b>${state.events.length}</b> events · <b>${state.duplicates.length}</b> duplicates absorbed · <b>${state.requestCounter}</b> requests</p>
${table(
  'Coverage by event type (copies received; source from integration_source)',
  ['Event', 'Server', 'Relay', 'Ids from both', 'oppref', 'obref', 'email', 'phone', 'external id', 'ip+ua', 'No key'],
  coverageRows(state),
  'No event yet.',
)}
${table(
  'Events received (deduplicated, newest first)',
  ['Received (UTC)', 'Pixel', 'Event', 'ID', 'Source', 'oppref', 'obref', 'Match keys', 'Dupes'],
  newestFirst(state.events, MAX_ROWS).map((r) => eventRow(r, absorbed)),
  'No event yet: POST to the endpoint above.',
)}
${table(
  'Duplicates absorbed (first copy wins)',
  ['Received (UTC)', 'Pixel', 'Event', 'ID', 'Source', 'Kept (request)', 'Absorbed (request)'],
  newestFirst(state.duplicates, MAX_ROWS).map(duplicateRow),
  'No duplicate absorbed.',
)}
${table(
  'Requests',
  ['Received (UTC)', 'Request', 'Status', 'Pixel', 'Events', 'validate_only', 'Fault'],
  newestFirst(state.requests, MAX_REQUEST_ROWS).map(requestRow),
  'No request yet.',
)}`;
}

const STYLE = `
:root { color-scheme: light dark; --fg:#1d1d1f; --bg:#fff; --muted:#6e6e73; --line:#e5e5ea; --ok:#1a7f37; --warn:#b35900; --head:#f5f5f7; }
@media (prefers-color-scheme: dark) { :root { --fg:#f5f5f7; --bg:#161618; --muted:#a1a1a6; --line:#2c2c2e; --ok:#3fb950; --warn:#f0883e; --head:#1f1f22; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
header p { margin: 2px 0; color: var(--muted); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--head); font-weight: 600; position: sticky; top: 0; }
td.num { text-align: right; } td.empty { color: var(--muted); text-align: center; }
small, .no { color: var(--muted); } .ok, .yes { color: var(--ok); } .warn, .dup { color: var(--warn); font-weight: 600; }
tr.optout td { opacity: .7; } .stats { margin: 12px 0 0; } .live-dot { color: var(--ok); }
`;

const SCRIPT = `
(function () {
  var live = document.getElementById('live');
  var version = live.getAttribute('data-version');
  function tick() {
    fetch('/__emulator/view?since=' + encodeURIComponent(version), { cache: 'no-store' })
      .then(function (r) {
        if (r.status !== 200) return;
        version = r.headers.get('x-emulator-version') || version;
        return r.text().then(function (html) { live.innerHTML = html; });
      })
      .catch(function () {})
      .then(function () { setTimeout(tick, 1000); });
  }
  setTimeout(tick, 1000);
})();
`;

/** Content-Security-Policy of the page: nothing but its own inline style, its nonce'd script and polling. */
export function pageCsp(nonce: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The self-contained live page served at `/`: no external asset, values escaped, polls `/__emulator/view`. */
export function renderPage(state: EmulatorState, endpoint: string, nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenAI Conversions API emulator</title><style>${STYLE}</style></head>
<body><header><h1>OpenAI Conversions API emulator <span class="live-dot" title="live">●</span></h1>
<p>Endpoint: <code>POST ${e(endpoint)}?pid=&lt;pixel id&gt;</code></p>
<p>Events appear as they arrive. Source is inferred from <code>integration_source</code>. “Match keys” warns when an event has none of oppref, obref, hashed e-mail or hashed external id.</p></header>
<main id="live" data-version="${state.version}">${renderLive(state)}</main>
<script nonce="${e(nonce)}">${SCRIPT}</script></body></html>`;
}
