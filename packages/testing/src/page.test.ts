import { describe, expect, it } from 'vitest';
import { escapeHtml, truncate } from './html.js';
import { sourceOf, INTEGRATION_SOURCES } from './sources.js';
import { matchKeysHint, renderLive, renderPage } from './page.js';
import { createState, resolveOptions } from './state.js';
import { handleCapiRequest } from './handle-request.js';
import { HASH, NOW, custom, order, request } from './__fixtures__/events.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and leaves the rest', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a> é`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; é');
  });

  it('truncates long values with an ellipsis only when needed', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
  });
});

describe('matchKeysHint (core matchKeysOf, labelled for the page)', () => {
  const WARN = '<span class="warn" title="None of oppref, obref, hashed e-mail or hashed external id: unlikely to be attributed">';
  it.each([
    ['oppref', order('a'), '<span class="ok">oppref</span>'],
    ['obref', { ...order('a'), oppref: '', user: { obref: 'ob' } }, '<span class="ok">obref</span>'],
    ['hashed email', { ...order('a'), oppref: '', user: { emails_sha256: [HASH] } }, '<span class="ok">email</span>'],
    ['hashed external id', custom('c', 'quiz_done'), '<span class="ok">external id</span>'],
    [
      'only phone and ip+ua',
      { ...order('a'), oppref: '', user: { phone_numbers_sha256: [HASH], ip_address: '::1', user_agent: 'UA' } },
      `${WARN}⚠ only phone, ip+ua</span>`,
    ],
    ['nothing', { ...order('a'), oppref: '' }, `${WARN}⚠ none</span>`],
  ])('%s', (_, event, html) => {
    expect(matchKeysHint(event)).toBe(html);
  });
});

describe('sourceOf', () => {
  it('recognises the relay as the pixel relay and anything else as a server', () => {
    expect(sourceOf(INTEGRATION_SOURCES.relay)).toBe('pixel relay');
    expect(sourceOf(INTEGRATION_SOURCES.node)).toBe('server');
    expect(sourceOf(undefined)).toBe('server');
    expect(sourceOf('shopify-app')).toBe('server');
  });
});

describe('renderLive / renderPage', () => {
  function stateWith(...bodies: unknown[]) {
    const options = resolveOptions({ now: NOW });
    const state = createState(options);
    for (const body of bodies) handleCapiRequest(request(body), state, options);
    return state;
  }

  it('shows an empty state before any request', () => {
    const html = renderLive(stateWith());
    expect(html).toContain('No event yet');
    expect(html).toContain('No duplicate absorbed');
  });

  it('shows custom names, the duplicate count on the kept row, and the absorbing request', () => {
    const state = stateWith({ events: [custom('c1', 'quiz_done')] }, { events: [custom('c1', 'quiz_done')] }, { events: [custom('c1', 'quiz_done')] });
    const html = renderLive(state);
    expect(html).toContain('custom: quiz_done');
    expect(html).toContain('<span class="dup">2</span>');
    expect(html).toContain('req_emu_000003');
    expect(html).toContain('<b>1</b> events · <b>2</b> duplicates absorbed · <b>3</b> requests');
  });

  it('escapes values everywhere, including the endpoint and nonce of the page', () => {
    const state = stateWith({ events: [custom('<b>id', 'quiz_done', { user: { obref: '<i>ob' } })] });
    const html = renderPage(state, 'http://x/"><script>', 'n"once');
    expect(html).not.toMatch(/<b>id|<i>ob|"><script>|n"once/);
    expect(html).toContain('&lt;b&gt;id');
  });
});
