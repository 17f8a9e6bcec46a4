import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from './__fixtures__/vectors.json' with { type: 'json' };
import { buildEvent, buildEventWithoutUser, inputNamesOf } from './build-event.js';
import { DATA_KEYS, ITEM_KEYS } from './validate-data.js';
import { CapiValidationError } from './errors.js';
import { nobleSha256Hex } from './hash.js';
import { validateEvent } from './validate.js';
import { NOW } from './__fixtures__/events.js';
import type { EventInput, Issue, WireEvent } from './types.js';

const T = 1_773_892_800_000;
const base: EventInput = { type: 'order_created', id: 'o1', timestamp: T, sourceUrl: 'https://shop.example.com/c' };
const build = (patch: Record<string, unknown>) => buildEvent({ ...base, ...patch } as EventInput, { now: NOW });

/** The issues `buildEvent` throws for `input`, as `path:code`. */
function fails(input: unknown): string[] {
  try {
    buildEvent(input as EventInput, { now: NOW });
  } catch (error) {
    expect(CapiValidationError.isInstance(error)).toBe(true);
    return (error as CapiValidationError).issues.map((i: Issue) => `${i.path}:${i.code}`);
  }
  throw new Error('buildEvent did not throw');
}
const failsWith = (patch: Record<string, unknown>) => fails({ ...base, ...patch });

describe('buildEvent', () => {
  it('reproduces the documented order_created event from friendly input, hashing the raw user', () => {
    const expected = vectors.bodies[1]?.body.events[0] as unknown as WireEvent;
    const event = buildEvent(
      {
        type: 'order_created',
        id: 'order_12345',
        timestamp: new Date(T),
        oppref: 'oppref_abc',
        sourceUrl: 'https://shop.example.com/checkout/confirmation?email=user%40example.com#top',
        user: {
          obref: '123e4567-e89b-42d3-a456-426614174000',
          email: ' User@Example.com ',
          externalId: 'customer_123',
          country: 'US',
          city: 'San Francisco',
          postalCode: '94107',
          ipAddress: '203.0.113.1',
          userAgent: 'Mozilla/5.0',
        },
        data: {
          value: '25.99',
          currency: 'usd',
          contents: [{ id: 'sku_123', name: 'Starter bundle', contentType: 'product', quantity: 1 }],
        },
      },
      { now: vectors.now_ms },
    );
    expect(event).toEqual(expected);
    // Same key order as the docs outside `user` (whose order is hashUser's).
    const { user: _a, ...rest } = event;
    const { user: _b, ...restExpected } = expected;
    expect(JSON.stringify(rest)).toBe(JSON.stringify(restExpected));
  });

  it('fills defaults: data.type, action_source web, timestamp now, random id', () => {
    const event = buildEvent({ type: 'lead_created', sourceUrl: 'https://a.example/' }, { now: NOW });
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      type: 'lead_created',
      timestamp_ms: NOW,
      source_url: 'https://a.example/',
      action_source: 'web',
      data: { type: 'customer_action' },
    });
    expect(buildEvent({ type: 'lead_created', actionSource: 'offline' }, { now: NOW }).id).not.toBe(event.id);
    expect(validateEvent(event, { now: NOW }).ok).toBe(true);
  });

  it('uses the real clock when no now is given', () => {
    const before = Date.now();
    const event = buildEvent({ type: 'lead_created', actionSource: 'offline' });
    expect(event.timestamp_ms).toBeGreaterThanOrEqual(before);
  });

  it('sends the id verbatim (an order id as other integrations send it), else a random UUID', () => {
    expect(build({ id: 'order_12345' }).id).toBe('order_12345');
    expect(build({ id: '1000123456' }).id).toBe('1000123456');
    expect(build({ id: undefined }).id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(failsWith({ id: ' ' })).toEqual(['id:empty']);
    expect(failsWith({ id: 5 })).toEqual(['id:invalid_type']);
    expect(failsWith({ id: 'jane@example.com' })).toEqual(['id:invalid_format']);
    expect(failsWith({ id: 'x'.repeat(257) })).toEqual(['id:too_long']);
  });

  it('refuses key (gone: one way to name a conversion) with a hint to use id', () => {
    const error = (() => {
      try {
        build({ id: undefined, key: 'order_12345' });
      } catch (e) {
        return e as CapiValidationError;
      }
    })();
    expect(error?.issues).toEqual([expect.objectContaining({ path: 'key', code: 'unknown_field' })]);
    expect(error?.issues[0]?.message).toMatch(/id/);
  });

  it('accepts a Date or Unix ms and rejects anything else', () => {
    expect(build({ timestamp: new Date(T) }).timestamp_ms).toBe(T);
    expect(build({ timestamp: T }).timestamp_ms).toBe(T);
    expect(failsWith({ timestamp: new Date('nope') })).toEqual(['timestamp:not_integer']);
    expect(failsWith({ timestamp: '2026-03-19' })).toEqual(['timestamp:invalid_type']);
    expect(failsWith({ timestamp: T - 8 * 86_400_000 })).toEqual(['timestamp:too_old']);
  });

  it('strips query and fragment from sourceUrl unless keepSourceUrlQuery', () => {
    expect(build({ sourceUrl: 'https://a.example/p?q=1#f' }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://a.example/p#f?x' }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://a.example/p?q=1#f', keepSourceUrlQuery: true }).source_url).toBe('https://a.example/p?q=1#f');
    expect(build({ sourceUrl: 'https://a.example/p?q', keepSourceUrlQuery: false }).source_url).toBe('https://a.example/p');
    expect(failsWith({ keepSourceUrlQuery: 'yes' })).toEqual(['keepSourceUrlQuery:invalid_type']);
    expect(failsWith({ sourceUrl: '/relative' })).toEqual(['sourceUrl:invalid_url']);
    expect(failsWith({ sourceUrl: undefined })).toEqual(['sourceUrl:required']);
    expect(build({ sourceUrl: undefined, actionSource: 'phone_call' }).action_source).toBe('phone_call');
  });

  it('strips query, fragment and credentials from sourceUrl; the rest is sent as given', () => {
    expect(build({ sourceUrl: 'https://user:pw@a.example:8443/p;x?q=1' }).source_url).toBe('https://a.example:8443/p;x');
    expect(build({ sourceUrl: 'https://a@b:c@a.example/p@q' }).source_url).toBe('https://a.example/p@q');
    expect(build({ sourceUrl: 'https://a.example/p?next=http://u:p@b.example/#x@y' }).source_url).toBe('https://a.example/p');
    // keepSourceUrlQuery keeps the query, never the credentials, and an @ after the host is not one.
    expect(build({ sourceUrl: 'HTTPS://u:p@a.example/p?e=x@y.z#f', keepSourceUrlQuery: true }).source_url).toBe('HTTPS://a.example/p?e=x@y.z#f');
    expect(build({ sourceUrl: 'https://a.example?e=x@y.z', keepSourceUrlQuery: true }).source_url).toBe('https://a.example?e=x@y.z');
    // Each of `@`, `?`, `#` alone still takes the slow path; a URL with none of them is sent as given.
    expect(build({ sourceUrl: 'https://u@a.example/p' }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://u@a.example/p', keepSourceUrlQuery: true }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://a.example/p?' }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://a.example/p#' }).source_url).toBe('https://a.example/p');
    expect(build({ sourceUrl: 'https://a.example/p;x=1/é' }).source_url).toBe('https://a.example/p;x=1/é');
  });

  it('defaults actionSource to web, even for app events, which then need mobile_app said explicitly', () => {
    expect(fails({ type: 'app_installed', id: 'a1', timestamp: T })).toEqual(['actionSource:action_source_mismatch', 'sourceUrl:required']);
    expect(buildEvent({ type: 'app_opened', id: 'a1', timestamp: T, actionSource: 'mobile_app' }, { now: NOW })).toEqual({
      id: 'a1',
      type: 'app_opened',
      timestamp_ms: T,
      action_source: 'mobile_app',
      data: { type: 'customer_action' },
    });
  });

  it('passes oppref, optOut and customEventName through', () => {
    expect(build({ oppref: ' raw%20 ', optOut: true })).toMatchObject({ oppref: ' raw%20 ', opt_out: true });
    expect(failsWith({ optOut: 1 })).toEqual(['optOut:invalid_type']);
    expect(failsWith({ customEventName: 'x' })).toEqual(['customEventName:forbidden_field']);
  });

  it('rejects unknown top-level keys (typos) and non-object input', () => {
    expect(failsWith({ sourceURL: 'https://a.example' })).toEqual(['sourceURL:unknown_field']);
    expect(failsWith({ timestamp_ms: T })).toEqual(['timestamp_ms:unknown_field']);
    for (const input of [null, undefined, 'order_created', [], 42]) expect(fails(input)).toEqual([':invalid_type']);
  });
});

describe('buildEvent: data', () => {
  it.each([
    [{ value: 129.99, currency: 'USD' }, { amount: 12999, currency: 'USD' }],
    [{ value: '129.99', currency: 'usd' }, { amount: 12999, currency: 'USD' }],
    [{ value: 8900, currency: 'JPY' }, { amount: 8900, currency: 'JPY' }],
    [{ value: '1.234', currency: 'KWD' }, { amount: 1234, currency: 'KWD' }],
    [{ amount: 2599, currency: 'Usd' }, { amount: 2599, currency: 'USD' }],
    [{ currency: 'eur' }, { currency: 'EUR' }],
  ])('converts money %#', (data, expected) => {
    expect(build({ data }).data).toEqual({ type: 'contents', ...expected });
  });

  it.each([
    [{ value: 1, amount: 100, currency: 'USD' }, ['data.value:conflict']],
    [{ value: 1 }, ['data.currency:required']],
    [{ amount: 1 }, ['data.currency:required']],
    [{ value: '1.999', currency: 'USD' }, ['data.value:too_precise']],
    [{ value: 1.5, currency: 'JPY' }, ['data.value:too_precise']],
    [{ value: -1, currency: 'USD' }, ['data.value:negative']],
    [{ value: 1, currency: 'XYZ' }, ['data.currency:unknown_currency']],
    [{ amount: 1.5, currency: 'USD' }, ['data.amount:not_integer']],
    [{ type: 'customer_action' }, ['data.type:shape_mismatch']],
    [{ price: 5 }, ['data.price:unknown_field']],
    [{ plan_id: 'pro' }, ['data.plan_id:unknown_field']],
    [{ planId: 'pro' }, ['data.planId:forbidden_field']],
  ])('rejects data %#', (data, expected) => expect(failsWith({ data })).toEqual(expected));

  it('maps items, converting item value with the item or event currency', () => {
    const data = build({
      data: {
        type: 'contents',
        value: '30',
        currency: 'eur',
        contents: [
          { id: 'a', groupId: 'g', name: 'A', contentType: 'product', quantity: 2, value: 10, variantDict: { size: 'M' } },
          { id: 'b', value: '1000', currency: 'jpy' },
          { id: 'c', amount: 5 },
        ],
      },
    }).data;
    expect(JSON.stringify(data)).toBe(
      JSON.stringify({
        type: 'contents',
        amount: 3000,
        currency: 'EUR',
        contents: [
          { id: 'a', group_id: 'g', name: 'A', content_type: 'product', quantity: 2, amount: 1000, variant_dict: { size: 'M' } },
          { id: 'b', amount: 1000, currency: 'JPY' },
          { id: 'c', amount: 5 },
        ],
      }),
    );
  });

  it.each([
    [[{ value: 1 }], ['data.contents[0].currency:required']],
    [[{ value: 1, amount: 100, currency: 'USD' }], ['data.contents[0].value:conflict']],
    [[{ value: '0.001', currency: 'USD' }], ['data.contents[0].value:too_precise']],
    [[{ content_type: 'product' }], ['data.contents[0].content_type:unknown_field']],
    [[{ quantity: -1 }], ['data.contents[0].quantity:negative']],
    [['sku'], ['data.contents[0]:invalid_type']],
    ['sku', ['data.contents:invalid_type']],
  ])('rejects items %#', (contents, expected) => expect(failsWith({ data: { contents } })).toEqual(expected));

  it('reports an unknown event currency once, even when items fall back on it', () => {
    expect(failsWith({ data: { currency: 'XYZ', contents: [{ value: 1 }] } })).toEqual(['data.currency:unknown_currency']);
  });

  it('maps planId and passes extra keys of custom events unchanged', () => {
    expect(build({ type: 'subscription_created', data: { planId: 'pro_monthly', value: 20, currency: 'USD' } }).data).toEqual({
      type: 'plan_enrollment',
      amount: 2000,
      currency: 'USD',
      plan_id: 'pro_monthly',
    });
    const extras = JSON.parse('{"tier":"gold","nested":{"a":[1]},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const data = build({ type: 'custom', customEventName: 'quote_requested', data: { ...extras, planId: 'p' } }).data;
    expect(Object.keys(data)).toEqual(['type', 'plan_id', 'tier', 'nested', '__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('shares no object with the input: changing it after the build (a queue waits before sending) changes nothing', () => {
    const nested = { a: [1, { b: 'x' }] };
    const variants = { size: 'M' };
    const input = {
      type: 'custom' as const,
      customEventName: 'quote_requested',
      data: { nested, contents: [{ id: 'sku', variantDict: variants }] },
    };
    const event = build(input);
    const before = JSON.stringify(event);
    nested.a.push(10n as never);
    (nested.a[1] as Record<string, unknown>).b = 'changed';
    variants.size = 'XL';
    expect(JSON.stringify(event)).toBe(before);
  });
});

describe('buildEvent: user', () => {
  it('hashes with the injected hasher and omits an empty user', () => {
    const seen: string[] = [];
    const hasher = (text: string) => {
      seen.push(text);
      return nobleSha256Hex(text);
    };
    const event = buildEvent({ ...base, user: { email: 'Ada@Example.COM ', phone: '+1 (415) 555-2671' } }, { now: NOW, hasher });
    expect(seen).toEqual(['ada@example.com', '14155552671']);
    expect(event.user).toEqual({
      emails_sha256: ['b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72'],
      phone_numbers_sha256: ['758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0'],
    });
    expect('user' in build({ user: {} })).toBe(false);
  });

  it('collects user issues with every other issue, without echoing personal data', () => {
    let error: unknown;
    try {
      buildEvent(
        { ...base, sourceURL: 'x', user: { email: 'jane.doe-at-example', phone: 'call jane' }, data: { value: '1.999', currency: 'USD' } } as EventInput,
        { now: NOW },
      );
    } catch (e) {
      error = e;
    }
    expect(CapiValidationError.isInstance(error)).toBe(true);
    const { issues, message } = error as CapiValidationError;
    expect(issues.map((i) => `${i.path}:${i.code}`)).toEqual([
      'sourceURL:unknown_field',
      'user.email:invalid_format',
      'user.phone:invalid_format',
      'data.value:too_precise',
    ]);
    expect(message).not.toContain('jane');
  });

  it('turns a failing hasher into an issue, never another error', () => {
    const boom = () => {
      throw new TypeError('boom');
    };
    expect(() => buildEvent({ ...base, user: { email: 'a@b.example' } }, { now: NOW, hasher: boom })).toThrow(CapiValidationError);
    expect(fails({ ...base, user: null })).toEqual(['user:invalid_type']);
  });
});

describe('buildEvent only ever throws CapiValidationError', () => {
  const onlyValidationErrors = (input: unknown) => {
    try {
      const event = buildEvent(input as EventInput, { now: NOW });
      expect(validateEvent(event, { now: NOW }).ok).toBe(true);
    } catch (error) {
      expect(CapiValidationError.isInstance(error)).toBe(true);
    }
  };

  it('for hostile input, keeping the original exception as cause (never in the message)', () => {
    const boom = new Error('getter exploded: secret@example.com');
    const hostile = { ...base, get data(): unknown { throw boom; } };
    const proxy = new Proxy({ ...base }, { ownKeys: () => { throw boom; } });
    for (const input of [hostile, proxy]) {
      let caught: unknown;
      try {
        buildEvent(input as EventInput, { now: NOW });
      } catch (error) {
        caught = error;
      }
      expect(CapiValidationError.isInstance(caught)).toBe(true);
      const error = caught as CapiValidationError;
      expect(error.issues).toEqual([{ path: '', code: 'unreadable', message: 'could not be read' }]);
      expect(error.cause).toBe(boom);
      expect(error.message).not.toContain('exploded');
      expect(error.message).not.toContain('secret@example.com');
    }
  });

  it('has no cause when nothing threw', () => {
    let caught: unknown;
    try {
      buildEvent({ ...base, type: 'purchase' } as unknown as EventInput, { now: NOW });
    } catch (error) {
      caught = error;
    }
    expect(CapiValidationError.isInstance(caught)).toBe(true);
    expect((caught as CapiValidationError).cause).toBeUndefined();
  });

  it('for any value', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true }), onlyValidationErrors), {
      numRuns: 300,
    });
  });

  it('for random friendly events', () => {
    const field = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(undefined, 'custom', 'order_created', 'quote', 'USD', 'web', 'https://a.example/?q', T, 1.5, new Date(T)),
    );
    const item = fc.dictionary(fc.constantFrom('id', 'value', 'amount', 'currency', 'quantity', 'variantDict', 'x'), field);
    const input = fc.record(
      {
        type: field, id: field, key: field, timestamp: field, customEventName: field, sourceUrl: field,
        keepSourceUrlQuery: field, actionSource: field, optOut: field, oppref: field,
        user: fc.dictionary(fc.constantFrom('email', 'phone', 'country', 'emailSha256', 'ipAddress', 'x'), field),
        data: fc.record({ type: field, value: field, amount: field, currency: field, planId: field, contents: fc.array(item) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(input, onlyValidationErrors), { numRuns: 500 });
  });
});

describe('buildEvent: inputs an audit found mishandled', () => {
  it('keeps the host of a source_url with a backslash before @ (http(s) URLs read it as a slash)', () => {
    expect(build({ sourceUrl: 'https://shop.example\\@evil.example/' }).source_url).toBe('https://shop.example\\@evil.example/');
    expect(build({ sourceUrl: 'https://user:pw@shop.example/a' }).source_url).toBe('https://shop.example/a');
  });

  it('refuses actionSource null like every other null field, instead of defaulting it to web', () => {
    expect(failsWith({ actionSource: null })).toEqual(['actionSource:invalid_value']);
  });

  it('reports planId and plan_id given together on custom data instead of keeping one silently', () => {
    expect(fails({ ...base, type: 'custom', customEventName: 'quote', data: { planId: 'p', plan_id: 'q' } })).toEqual(['data.plan_id:conflict']);
  });

  it('refuses data, items and variant_dict that are not plain objects (a Map would be sent as {})', () => {
    expect(failsWith({ data: new Map([['value', 1]]) })).toEqual(['data:invalid_type']);
    expect(failsWith({ data: { contents: [new Date(0)] } })).toEqual(['data.contents[0]:invalid_type']);
    // variantDict is optional (spec §10): left out with a warning, the order still sent.
    const warnings: Issue[] = [];
    const event = buildEvent({ ...base, data: { contents: [{ id: 'a', variantDict: new Map([['size', 'M']]) as never }] } }, { now: T, onWarning: (w) => warnings.push(w) });
    expect(event.data.contents).toEqual([{ id: 'a' }]);
    expect(warnings.map((w) => `${w.path}:${w.code}`)).toEqual(['data.contents[0].variantDict:invalid_type']);
  });

  it('refuses a clock that is not a finite number: compared with NaN, every timestamp would pass', () => {
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, '1773892860000']) {
      let issues: string[] = [];
      try {
        buildEvent(base, { now: now as number });
      } catch (error) {
        issues = (error as CapiValidationError).issues.map((i) => `${i.path}:${i.code}`);
      }
      expect(issues).toEqual(['options.now:invalid_type']);
    }
  });
});

describe('inputNamesOf', () => {
  it('gives, for data and for items, the input names of the wire keys, in wire order', () => {
    for (const keys of [DATA_KEYS, ITEM_KEYS]) {
      const names = inputNamesOf(keys);
      expect(names.names).toEqual([...keys].map((wire) => wire.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
    }
  });
});

describe('converting data and items', () => {
  it('uppercases the currency of each event, one event after another', () => {
    const currencies = ['usd', 'eur', 'usd', 'USD', 'jpy', 'Eur', 'eur'];
    const built = currencies.map((currency, i) => buildEvent({ type: 'order_created', id: `o${i}`, sourceUrl: 'https://shop.example/', data: { value: '12', currency } }, { now: NOW }).data);
    expect(built.map((data) => (data as { currency: string }).currency)).toEqual(['USD', 'EUR', 'USD', 'USD', 'JPY', 'EUR', 'EUR']);
    expect(built.map((data) => (data as { amount: number }).amount)).toEqual([1200, 1200, 1200, 1200, 12, 1200, 1200]);
  });

  it('writes every wire key of DATA_KEYS and ITEM_KEYS, in their order, from its input name', () => {
    // One value per input name (money as amount), so a key added to the sets and not to the converters fails here.
    const fill = (keys: ReadonlySet<string>, skip: string[]): Record<string, unknown> =>
      Object.fromEntries(inputNamesOf(keys).names.filter((n) => !skip.includes(n)).map((n) => [n, n === 'amount' || n === 'quantity' ? 1 : n === 'currency' ? 'USD' : n === 'variantDict' ? { size: 'M' } : `${n}-1`]));
    const item = fill(ITEM_KEYS, []);
    const data = { ...fill(DATA_KEYS, ['type', 'contents']), contents: [item] };
    const event = buildEvent({ type: 'custom', customEventName: 'all_fields', id: 'e1', sourceUrl: 'https://shop.example/', data } as EventInput, { now: NOW });
    const built = event.data as unknown as Record<string, unknown> & { contents: Record<string, unknown>[] };
    expect(Object.keys(built)).toEqual([...DATA_KEYS]);
    expect(Object.keys(built.contents[0]!)).toEqual([...ITEM_KEYS]);
    expect(built.plan_id).toBe('planId-1');
    expect(built.contents[0]).toEqual({ id: 'id-1', group_id: 'groupId-1', name: 'name-1', content_type: 'contentType-1', quantity: 1, amount: 1, currency: 'USD', variant_dict: { size: 'M' } });
  });
});

describe('reading the input', () => {
  it('reads each data and item field once, in wire order with value just before amount, items where contents sits', () => {
    const reads: string[] = [];
    const spy = <T extends object>(target: T, label: string): T =>
      new Proxy(target, { get: (t, key) => (typeof key === 'string' && reads.push(`${label}${key}`), Reflect.get(t, key)) });
    const item = spy({ id: 'sku', value: '1.00' }, 'item.');
    buildEvent({ type: 'order_created', id: 'o', sourceUrl: 'https://shop.example/', data: spy({ value: '1.00', currency: 'USD', contents: [item] }, 'data.') }, { now: NOW });
    const fields = new Set(['type', 'amount', 'value', 'currency', 'contents', 'planId']);
    const dataReads = reads.filter((r) => r.startsWith('data.') && fields.has(r.slice(5)));
    // One read per field (it was ten reads: type twice, amount twice, currency three times).
    expect(dataReads).toEqual(['data.type', 'data.value', 'data.amount', 'data.currency', 'data.contents', 'data.planId']);
    const itemFields = ['id', 'groupId', 'name', 'contentType', 'quantity', 'value', 'amount', 'currency', 'variantDict'];
    expect(reads.filter((r) => r.startsWith('item.') && itemFields.includes(r.slice(5)))).toEqual(itemFields.map((f) => `item.${f}`));
    // The items are read after contents and before planId.
    expect(reads.indexOf('item.id')).toBeGreaterThan(reads.indexOf('data.contents'));
    expect(reads.indexOf('item.id')).toBeLessThan(reads.indexOf('data.planId'));
  });

  it('reads each top-level input field once, in a fixed order', () => {
    const reads: string[] = [];
    const input = new Proxy(
      { type: 'order_created', id: 'o', timestamp: NOW, sourceUrl: 'https://shop.example/?q=1', keepSourceUrlQuery: false, oppref: 'op', actionSource: 'web', optOut: false, user: { email: 'a@example.com' }, data: { amount: 100, currency: 'USD' } },
      { get: (t, key) => (typeof key === 'string' && reads.push(key), Reflect.get(t, key)) },
    );
    buildEvent(input as EventInput, { now: NOW });
    const fields = ['type', 'customEventName', 'timestamp', 'sourceUrl', 'keepSourceUrlQuery', 'id', 'oppref', 'actionSource', 'optOut', 'user', 'data'];
    expect(reads.filter((key) => fields.includes(key))).toEqual(fields);
  });

  it('keeps the issues of the fields read before a getter that throws', () => {
    const data = { value: 'abc', currency: 'USD', get planId(): string { throw new Error('boom'); } };
    try {
      buildEvent({ type: 'subscription_created', id: 'e1', sourceUrl: 'https://shop.example/', data } as never, { now: NOW });
      expect.unreachable();
    } catch (error) {
      expect((error as CapiValidationError).issues.map((i) => `${i.path}:${i.code}`)).toEqual(['data.value:invalid_format', ':unreadable']);
    }
  });

  it('reads options.hasher before anything else, and buildEventWithoutUser never reads it', () => {
    const thrower = { now: NOW, get hasher(): never { throw new Error('nope'); } };
    expect(() => buildEvent({ type: 'page_viewed', sourceUrl: 'https://shop.example/' }, thrower)).toThrow('nope');
    expect(buildEventWithoutUser({ type: 'page_viewed', sourceUrl: 'https://shop.example/' }, thrower as never).type).toBe('page_viewed');
  });
});
