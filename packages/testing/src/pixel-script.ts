/**
 * The emulator's stand-in for OpenAI's Measurement Pixel script (spec §8): the same `window.oaiq`
 * queue stub and commands (`init`, `measure`, `measureSingle`, `consent`), posting to the emulator's
 * `/v1/sdk/events` in the observed ingestion shape instead of `bzr.openai.com`. A page that loads it
 * (the tracker's `pixelScriptUrl` option) sends nothing off the machine.
 */
import { INTEGRATION_SOURCES } from './sources.js';

/** Where the emulator serves the stand-in script (the path of OpenAI's `bzrcdn.openai.com/sdk/oaiq.min.js`). */
export const PIXEL_SCRIPT_PATH = '/sdk/oaiq.min.js';
/** The pixel's ingestion path (spec §8: `POST /v1/sdk/events?pid=…`). */
export const PIXEL_EVENTS_PATH = '/v1/sdk/events';
/**
 * `st` of the stand-in's requests, as the real script sends it; also the recorded
 * `integrationSource`, which `sourceOf` labels `pixel`: one value, kept in `INTEGRATION_SOURCES`.
 */
export const PIXEL_SOURCE_TAG = INTEGRATION_SOURCES.pixel;
/** `sv` of the stand-in's requests. */
export const PIXEL_SCRIPT_VERSION = 'emulator-1';

/**
 * The script's source, posting to `baseUrl` (the emulator's URL). Like the real script it drains the
 * stub's queue, defaults consent to granted unless `consent(false)` came first, sets `source_url`,
 * `referrer_url` and timestamps itself, writes the `__obref` browser id (only while consent is
 * granted: the real script also writes its own consent cookie; the stand-in does not), and, as
 * its one addition to the observed body, copies the `__oppref` cookie into each event so that the
 * emulator can show the click id. A command it cannot run is reported with `console.warn`, never
 * dropped in silence, and never thrown into the page.
 */
export function renderPixelScript(baseUrl: string): string {
  const config = JSON.stringify({
    endpoint: baseUrl.replace(/\/$/, '') + PIXEL_EVENTS_PATH,
    st: PIXEL_SOURCE_TAG,
    sv: PIXEL_SCRIPT_VERSION,
  }).replace(/</g, '\\u003c');
  return `/* openai-capi emulator: stand-in for OpenAI's pixel script. Posts to the local emulator only. */
(function () {
  'use strict';
  var C = ${config};
  var w = window, d = document;
  if (w.oaiq && w.oaiq.__emulator) return;
  var queued = w.oaiq && w.oaiq.q ? Array.prototype.slice.call(w.oaiq.q) : [];
  var granted = true, debug = false, pixels = [], users = {};
  var NO_PIXEL = { app_installed: 1, app_opened: 1 };
  function warn(message) { try { console.warn('[oaiq emulator] ' + message); } catch (e) {} }
  function log() { if (debug) try { console.log.apply(console, ['[oaiq emulator]'].concat(Array.prototype.slice.call(arguments))); } catch (e) {} }
  function cookie(name) {
    var parts = d.cookie ? d.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === name) { try { return decodeURIComponent(parts[i].slice(eq + 1)); } catch (e) { return parts[i].slice(eq + 1); } }
    }
    return undefined;
  }
  function randomId() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    return String(Date.now()) + '-' + String(Math.random()).slice(2);
  }
  function browserId() {
    var id = cookie('__obref');
    if (!id) {
      id = 'ob.' + randomId();
      d.cookie = '__obref=' + encodeURIComponent(id) + '; Max-Age=31536000; Path=/; SameSite=Lax';
    }
    return id;
  }
  function userOf(u) {
    if (!u) return undefined;
    var out = { in: {}, fm: {} }, any = false;
    function put(group, key, value) { if (typeof value === 'string' && value) { out[group][key] = value; any = true; } }
    put('in', 'eid', u.external_id_sha256); put('in', 'em', u.email_sha256);
    put('fm', 'em', u.email_sha256); put('fm', 'ph', u.phone_number_sha256); put('fm', 'fn', u.first_name_sha256);
    put('fm', 'ln', u.last_name_sha256); put('fm', 'co', u.country); put('fm', 'ct', u.city);
    put('fm', 'rg', u.region); put('fm', 'pc', u.postal_code);
    return any ? out : undefined;
  }
  function send(pid, type, data, options) {
    options = options || {};
    if (!granted) { log('consent denied: not sent', type); return; }
    if (typeof type !== 'string' || NO_PIXEL[type]) { warn('not a pixel event type: ' + String(type) + ' (not sent)'); return; }
    var custom = options.custom_event_name;
    if (type === 'custom' ? typeof custom !== 'string' || !custom : custom !== undefined) {
      warn((type === 'custom' ? 'custom events need options.custom_event_name' : 'custom_event_name is only for custom events') + ' (not sent)');
      return;
    }
    var event = { type: type, id: options.event_id ? String(options.event_id) : randomId(), timestamp_ms: Date.now(), source_url: w.location.href, opt_out: options.opt_out === true, data: data || {} };
    if (d.referrer) event.referrer_url = d.referrer;
    if (custom !== undefined) event.custom_event_name = custom;
    var oppref = cookie('__oppref');
    if (oppref) event.oppref = oppref;
    var body = { obref: browserId(), events: [event] };
    var user = userOf(users[pid]);
    if (user) body.user = user;
    var url = C.endpoint + '?pid=' + encodeURIComponent(pid) + '&st=' + C.st + '&sv=' + C.sv + '&t=' + Date.now() + '&ec=1';
    log('measure', pid, type, event.id);
    fetch(url, { method: 'POST', body: JSON.stringify(body), keepalive: true, credentials: 'omit', headers: { 'content-type': 'text/plain;charset=UTF-8' } }).then(
      function (response) { if (response.status !== 202) warn('the emulator answered ' + response.status + ' to ' + type + ' ' + event.id); },
      function (error) { warn('could not reach the emulator: ' + (error && error.message)); }
    );
  }
  function oaiq(command) {
    var a = arguments;
    try {
      if (command === 'consent') { granted = a[1] !== false; log('consent', granted); }
      else if (command === 'init') {
        var o = a[1] || {};
        if (typeof o.pixelId !== 'string' || !o.pixelId) { warn('init needs a pixelId (ignored)'); return; }
        if (pixels.indexOf(o.pixelId) < 0) pixels.push(o.pixelId);
        users[o.pixelId] = o.user;
        if (o.debug) debug = true;
        log('init', o.pixelId);
      }
      else if (command === 'measure') {
        if (pixels.length === 0) { warn('measure before any init: ' + String(a[1]) + ' not sent'); return; }
        for (var i = 0; i < pixels.length; i++) send(pixels[i], a[1], a[2], a[3]);
      }
      else if (command === 'measureSingle') {
        if (typeof a[1] !== 'string' || !a[1]) { warn('measureSingle needs a pixel id (not sent)'); return; }
        send(a[1], a[2], a[3], a[4]);
      }
      else warn('unknown command ' + String(command) + ' (ignored)');
    } catch (error) { warn(String(command) + ' failed: ' + (error && error.message)); }
  }
  oaiq.__emulator = true;
  w.oaiq = oaiq;
  for (var i = 0; i < queued.length; i++) oaiq.apply(null, Array.prototype.slice.call(queued[i]));
})();
`;
}
