import { describe, expect, it, vi } from 'vitest';
import { validateEvent } from './validate.js';
import { isHttpUrl, timestampIssueCode } from './validate-event.js';
import { codes, NOW, order } from './__fixtures__/events.js';

const check = (patch: Record<string, unknown>, base = order()) =>
  codes(validateEvent({ ...base, ...patch }, { now: NOW }));

describe('validateEvent: event fields', () => {
  it('accepts a valid event and returns the same object', () => {
    const event = order();
    const result = validateEvent(event, { now: NOW });
    expect(result).toEqual({ ok: true, event, warnings: [] });
    if (result.ok) expect(result.event).toBe(event);
  });

  it.each([
    ['non-object', null, [':invalid_type']],
    ['array', [], [':invalid_type']],
    ['string', 'x', [':invalid_type']],
  ])('rejects a %s event', (_, event, expected) => {
    expect(codes(validateEvent(event, { now: NOW }))).toEqual(expected);
  });

  // checkEvent remembers the last type found and its shape: each event must still get its own.
  it('judges each event by its own type and shape, whatever type came before', () => {
    const typed = (type: unknown, dataType: string) => check({ type, data: { type: dataType } });
    for (let round = 0; round < 2; round++) {
      expect(typed('order_created', 'contents')).toEqual([]);
      expect(typed('lead_created', 'contents')).toEqual(['data.type:shape_mismatch']);
      expect(typed('lead_created', 'customer_action')).toEqual([]);
      expect(typed('order_created', 'customer_action')).toEqual(['data.type:shape_mismatch']);
      expect(typed('toString', 'custom')).toEqual(['type:invalid_value']);
      expect(typed(new String('custom'), 'custom')).toEqual(['type:invalid_value']);
      expect(typed('subscription_created', 'plan_enrollment')).toEqual([]);
    }
  });

  it('rejects unknown top-level fields, including typos and __proto__', () => {
    expect(check({ sourceUrl: 'https://a.example' })).toEqual(['sourceUrl:unknown_field']);
    const evil = JSON.parse('{"__proto__": {"x": 1}, "constructor": 1}') as Record<string, unknown>;
    expect(codes(validateEvent(Object.assign(evil, order()), { now: NOW }))).toEqual([
      '__proto__:unknown_field',
      'constructor:unknown_field',
    ]);
  });

  it.each([
    [{ id: undefined }, ['id:required']],
    [{ id: 5 }, ['id:invalid_type']],
    [{ id: '' }, ['id:empty']],
    [{ id: 'x'.repeat(257) }, ['id:too_long']],
    [{ id: 'x'.repeat(256) }, []],
    [{ id: ' ' }, ['id:empty']], // blank: refused (an id that cannot identify anything)
    // The 256 cap counts UTF-16 code units (JavaScript's length), see docs/spec-decisions.md.
    [{ id: '😀'.repeat(128) }, []],
    [{ id: '😀'.repeat(128) + 'x' }, ['id:too_long']],
  ])('id %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it.each([
    [{ type: undefined }, ['type:required']],
    [{ type: 'purchase' }, ['type:invalid_value']],
    [{ type: 'Order_Created' }, ['type:invalid_value']],
    [{ type: 'page_viewed' }, []],
    [{ type: 'lead_created', data: { type: 'customer_action' } }, []],
    [{ type: 'subscription_created', data: { type: 'plan_enrollment', plan_id: 'pro' } }, []],
  ])('type %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it.each([
    [{ timestamp_ms: undefined }, ['timestamp_ms:required']],
    [{ timestamp_ms: '1773892800000' }, ['timestamp_ms:invalid_type']],
    [{ timestamp_ms: NOW + 0.5 }, ['timestamp_ms:not_integer']],
    [{ timestamp_ms: Number.NaN }, ['timestamp_ms:not_integer']],
    [{ timestamp_ms: NOW - 604_800_000 }, []],
    [{ timestamp_ms: NOW - 604_800_001 }, ['timestamp_ms:too_old']],
    [{ timestamp_ms: NOW + 600_000 }, []],
    [{ timestamp_ms: NOW + 600_001 }, ['timestamp_ms:in_future']],
  ])('timestamp_ms %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it('timestampIssueCode is the one window rule: both ends included, the code of the broken part otherwise', () => {
    expect([NOW - 604_800_000, NOW, NOW + 600_000].map((ts) => timestampIssueCode(ts, NOW))).toEqual([undefined, undefined, undefined]);
    expect(timestampIssueCode(NOW - 604_800_001, NOW)).toBe('too_old');
    expect(timestampIssueCode(NOW + 600_001, NOW)).toBe('in_future');
    expect(timestampIssueCode(NOW + 0.5, NOW)).toBe('not_integer');
    expect(timestampIssueCode(String(NOW), NOW)).toBe('invalid_type');
    expect(timestampIssueCode(undefined, NOW)).toBe('invalid_type');
  });

  it('reads the clock when no now is given', () => {
    expect(validateEvent({ ...order(), timestamp_ms: Date.now() }).ok).toBe(true);
    expect(codes(validateEvent(order()))).toEqual(Date.now() - NOW > 604_800_000 ? ['timestamp_ms:too_old'] : []);
  });

  const custom = { type: 'custom', data: { type: 'custom' } };
  it.each([
    [{ ...custom, custom_event_name: 'quote_requested' }, []],
    [{ ...custom, custom_event_name: 'a' }, []],
    [{ ...custom, custom_event_name: 'a-1_b' }, []],
    [{ ...custom, custom_event_name: 'x'.repeat(64) }, []],
    [{ ...custom, custom_event_name: 'x'.repeat(65) }, ['custom_event_name:invalid_format']],
    [{ ...custom }, ['custom_event_name:required']],
    [{ ...custom, custom_event_name: 7 }, ['custom_event_name:invalid_type']],
    [{ ...custom, custom_event_name: '' }, ['custom_event_name:invalid_format']],
    [{ ...custom, custom_event_name: 'Quote' }, ['custom_event_name:invalid_format']],
    [{ ...custom, custom_event_name: '_quote' }, ['custom_event_name:invalid_format']],
    [{ ...custom, custom_event_name: 'quote-' }, ['custom_event_name:invalid_format']],
    [{ ...custom, custom_event_name: 'quote requested' }, ['custom_event_name:invalid_format']],
    [{ ...custom, custom_event_name: 'order_created' }, ['custom_event_name:reserved_name']],
    [{ ...custom, custom_event_name: 'custom' }, ['custom_event_name:reserved_name']],
    [{ custom_event_name: 'quote' }, ['custom_event_name:forbidden_field']],
  ])('custom_event_name %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it('reads custom_event_name at event level only: a copy inside custom data does not name the event (spec §3)', () => {
    expect(check({ ...custom, custom_event_name: 'quote', data: { type: 'custom', custom_event_name: 'quote' } })).toEqual([]);
    expect(check({ ...custom, data: { type: 'custom', custom_event_name: 'quote' } })).toEqual(['custom_event_name:required']);
    expect(check({ data: { type: 'contents', custom_event_name: 'quote' } })).toEqual(['data.custom_event_name:unknown_field']);
  });

  it.each([
    // Missing is accepted (spec §7b: the live API answered 200), except where it must be mobile_app.
    [{ action_source: undefined }, []],
    [{ action_source: undefined, type: 'app_opened', data: { type: 'customer_action' } }, ['action_source:action_source_mismatch']],
    [{ action_source: 'app' }, ['action_source:invalid_value']],
    [{ action_source: 'offline', source_url: undefined }, []],
    [{ action_source: 'email' }, []],
    [{ action_source: 'physical_store' }, []],
    [{ action_source: 'phone_call' }, []],
    [{ action_source: 'other' }, []],
    [{ type: 'app_installed', action_source: 'mobile_app', data: { type: 'customer_action' } }, []],
    [{ type: 'app_opened', action_source: 'web', data: { type: 'customer_action' } }, ['action_source:action_source_mismatch']],
    [{ type: 'app_installed', action_source: 'offline', data: { type: 'customer_action' } }, ['action_source:action_source_mismatch']],
  ])('action_source %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it.each([
    [{ source_url: undefined }, ['source_url:required']],
    [{ source_url: undefined, action_source: 'mobile_app' }, []],
    [{ source_url: 'http://localhost:3000/a?b=c#d' }, []],
    [{ source_url: 'HTTPS://Shop.Example.com/' }, []],
    [{ source_url: 'https://[::1]/' }, []],
    [{ source_url: 42 }, ['source_url:invalid_type']],
    [{ source_url: '/checkout' }, ['source_url:invalid_url']],
    [{ source_url: 'shop.example.com/checkout' }, ['source_url:invalid_url']],
    [{ source_url: 'ftp://shop.example.com/' }, ['source_url:invalid_url']],
    [{ source_url: 'https:shop.example.com' }, ['source_url:invalid_url']],
    [{ source_url: 'https:///path' }, ['source_url:invalid_url']],
    [{ source_url: 'https://exa mple.com' }, ['source_url:invalid_url']],
    [{ source_url: ' https://example.com' }, ['source_url:invalid_url']],
    [{ source_url: 'https://a b' }, ['source_url:invalid_url']],
    [{ source_url: 'https://exa%zzmple.com/' }, ['source_url:invalid_url']],
    [{ source_url: 'mailto:a@b.example', action_source: 'email' }, ['source_url:invalid_url']],
  ])('source_url %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it.each([
    [{ oppref: 'oppref_abc' }, []],
    [{ oppref: ' raw %20 value ' }, []],
    [{ oppref: '' }, ['oppref:empty']],
    [{ oppref: 1 }, ['oppref:invalid_type']],
    [{ opt_out: true }, []],
    [{ opt_out: false }, []],
    [{ opt_out: 'true' }, ['opt_out:invalid_type']],
    [{ user: null }, ['user:invalid_type']],
    [{ user: [] }, ['user:invalid_type']],
    [{ user: {} }, []],
  ])('oppref, opt_out, user %#', (patch, expected) => expect(check(patch)).toEqual(expected));

  it('reports every issue at once, with messages naming the field and the rule', () => {
    const result = validateEvent({ id: '', type: 'nope', timestamp_ms: 1, data: 3, action_source: 'web' }, { now: NOW });
    expect(codes(result)).toEqual([
      'id:empty',
      'type:invalid_value',
      'timestamp_ms:too_old',
      'source_url:required',
      'data:invalid_type',
    ]);
    if (!result.ok) {
      expect(result.issues[2]?.message).toBe('must be an integer (Unix ms) from 7 days ago to 10 minutes ahead');
      expect(result.issues[3]?.message).toBe('is required for web conversions (the default action source)');
    }
  });

  it('turns a throwing getter into an issue instead of throwing', () => {
    const event = order();
    Object.defineProperty(event, 'oppref', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(codes(validateEvent(event, { now: NOW }))).toEqual([':unreadable']);
  });
});

describe('isHttpUrl (source_url, and the Node client endpoint)', () => {
  it.each([
    ['https://shop.example.com/checkout', true],
    ['http://127.0.0.1:8787/v1/events?pid=x', true],
    ['HTTPS://EXAMPLE.COM', true],
    ['ftp://shop.example.com/', false],
    ['/checkout', false],
    ['https:shop.example.com', false],
    ['https:///path', false],
    ['https://exa mple.com', false],
    ['https://example.com/a b', false],
    ['https://[::1', false],
    ['https://example.com:99999/', false],
  ])('%s → %s', (url, expected) => {
    expect(isHttpUrl(url)).toBe(expected);
  });

  it('answers the same for a URL checked again right after it was accepted (the last accepted URL is remembered)', () => {
    const ok = 'https://shop.example.com/again';
    const canParse = vi.spyOn(URL, 'canParse');
    try {
      expect([isHttpUrl(ok), isHttpUrl(ok), isHttpUrl('https://exa mple.com'), isHttpUrl('https://[::1'), isHttpUrl(ok)]).toEqual([true, true, false, false, true]);
      // Parsed once: refused URLs in between do not replace the remembered one.
      expect(canParse.mock.calls.filter(([u]) => u === ok)).toHaveLength(1);
    } finally {
      canParse.mockRestore();
    }
  });
});

describe('validateEvent and validateBatch with a clock that is not a finite number', () => {
  it('read a Date as its time and null as no clock, as JavaScript callers pass them', () => {
    expect(validateEvent(order(), { now: new Date(NOW) as never }).ok).toBe(true);
    expect(validateEvent({ ...order(), timestamp_ms: Date.now() }, { now: null as never }).ok).toBe(true);
  });

  it('report options.now instead of letting every timestamp through', () => {
    const result = validateEvent({ ...order(), timestamp_ms: 1 }, { now: Number.NaN });
    expect(result.ok ? [] : result.issues.map((i) => `${i.path}:${i.code}`)).toContain('options.now:invalid_type');
  });
});
