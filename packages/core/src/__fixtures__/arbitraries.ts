/**
 * fast-check generators shared by the property suites (`*.property.test.ts`): friendly events that
 * are often valid (so the happy path is exercised too), and personal values carrying a marker that
 * must never reach a message, a log line or the wire in raw form.
 */
import fc from 'fast-check';
import { ACTION_SOURCES, dataShapeOf, EVENT_TYPES, isEventType, MAX_FUTURE_MS, MAX_PAST_MS } from '../schema.js';
import { NOW } from './events.js';

/**
 * Lowercase letters and digits only, so every normalizer keeps it as it is, and with letters
 * outside `[0-9a-f]` so it can never show up inside a hex digest by chance.
 */
export const MARK = 'mk7leak7mk';
/** The digits of a marked phone number (valid: 11 digits once normalized). */
export const PHONE_MARK = '90417730552';

/** True when `text` holds a personal marker (case-insensitive: normalizers lowercase). */
export function leaks(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes(MARK) || lower.includes(PHONE_MARK);
}

const short = fc.string({ maxLength: 6 });
const shortUnicode = fc.string({ unit: 'grapheme', maxLength: 6 });

/** A random string with the marker somewhere inside. */
export const marked = fc.tuple(shortUnicode, shortUnicode).map(([a, b]) => `${a}${MARK}${b}`);

/** Emails with the marker: valid ones (hashed) and broken ones (rejected). */
export const markedEmail = fc.oneof(
  fc.tuple(fc.stringMatching(/^[a-z0-9.+]{0,6}$/), fc.constantFrom('example.com', 'shop.example', 'EXAMPLE.org'))
    .map(([local, domain]) => ` ${local}${MARK.toUpperCase()}@${domain} `),
  fc.tuple(short, short).map(([a, b]) => `${a}${MARK}@@${b}`),
  marked,
);
/** Phones with the marker digits: valid ones and ones broken by letters or extensions. */
export const markedPhone = fc.oneof(
  fc.constantFrom(`+${PHONE_MARK}`, `+9 041-773 (0552)`, `00${PHONE_MARK}`, `${PHONE_MARK} ext. 12`, `+${PHONE_MARK}/3`),
  short.map((s) => `+${PHONE_MARK}${s}`),
);
/** Names with the marker, as people type them. */
export const markedName = fc.oneof(
  fc.constantFrom(`${MARK}`, `O'${MARK}`, `Mary ${MARK.toUpperCase()}`, `José-${MARK}`),
  marked,
);
/** A value or a small list of values from `arb`. */
const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { maxLength: 4 }));

/** Valid friendly user input whose personal fields all carry the marker (they get hashed). */
export const validMarkedUser = fc.record(
  {
    email: oneOrMany(fc.constantFrom(` ${MARK.toUpperCase()}@Example.com`, `a.${MARK}+tag@shop.example`)),
    phone: fc.constantFrom(`+${PHONE_MARK}`, '+9 041-773 (0552)'),
    firstName: oneOrMany(fc.constantFrom(`O'${MARK}`, `José ${MARK}`)),
    lastName: fc.constantFrom(`${MARK}-Smith`),
    externalId: fc.constantFrom(`${MARK}-42`),
    country: fc.constantFrom('US', 'fr'),
    ipAddress: fc.constantFrom('203.0.113.7', '2001:db8::1'),
  },
  { requiredKeys: [] },
);

/**
 * Friendly user input whose personal fields (emails, phones, names, external ids) all carry the
 * marker: valid ones, and ones mixed with broken values, unknown keys and wrong types.
 */
export const markedUser = fc.oneof(
  validMarkedUser,
  fc.record(
    {
      email: oneOrMany(markedEmail),
      phone: oneOrMany(markedPhone),
      firstName: oneOrMany(markedName),
      lastName: oneOrMany(markedName),
      externalId: oneOrMany(marked),
      country: fc.constantFrom('US', 'fr', 'France', ' de '),
      city: fc.constantFrom('Paris', ' Lyon ', ''),
      ipAddress: fc.constantFrom('203.0.113.7', '::1', '999.1.1.1'),
      userAgent: fc.constantFrom('UA/1', ''),
      emailSha256: fc.constantFrom('A'.repeat(64), 'nothex'),
      unknownKey: fc.constant('x'),
      odd: fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined)),
    },
    { requiredKeys: [] },
  ),
);

/** Decimal amounts, as numbers and strings, valid and not. */
export const moneyValue = fc.oneof(
  fc.stringMatching(/^[0-9]{1,6}(\.[0-9]{1,4})?$/),
  fc.double({ min: 0, max: 1e9, noNaN: true }),
  fc.integer({ min: -5, max: 100_000 }),
  fc.constantFrom('1e3', '12.345', '-1', ' 1', 'abc', Number.NaN, Infinity),
);
const currency = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'usd', 'XXX', 'US');

/** A friendly contents item, often valid. */
export const friendlyItem = fc.record(
  {
    id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/), fc.constant('')),
    groupId: fc.stringMatching(/^[a-z]{1,4}$/),
    name: fc.string({ minLength: 1, maxLength: 8 }),
    contentType: fc.constantFrom('product', ''),
    quantity: fc.oneof(fc.nat(10), fc.constantFrom(-1, 1.5)),
    value: moneyValue,
    amount: fc.oneof(fc.nat(100_000), fc.constant(-1)),
    currency,
    variantDict: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }), fc.constant({ a: 1 })),
  },
  { requiredKeys: [] },
);

/** Friendly `data`, often valid for some event type. */
export const friendlyData = fc.record(
  {
    value: moneyValue,
    amount: fc.oneof(fc.nat(1_000_000), fc.constant(1.5)),
    currency,
    contents: fc.array(friendlyItem, { maxLength: 3 }),
    planId: fc.constantFrom('pro', ''),
    extra: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
  },
  { requiredKeys: [] },
);

/** Absolute http(s) URLs, some with a query or fragment (cheaper than `fc.webUrl`). */
const pageUrl = fc
  .tuple(fc.constantFrom('https', 'http'), fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^(\/[a-z0-9]{1,5}){0,2}$/), fc.constantFrom('', '?q=1', '?email=a%40b.c#top', '#x'))
  .map(([scheme, host, path, rest]) => `${scheme}://${host}.example${path}${rest}`);

const WILD_KEYS = ['type', 'id', 'timestamp', 'customEventName', 'oppref', 'sourceUrl', 'keepSourceUrlQuery', 'actionSource', 'optOut', 'data'] as const;

/** Anything-goes friendly event fields. */
const wildEvent = (user: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.constant('quote')),
      id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.constantFrom('', ' ', 'a@b.example')),
      timestamp: fc.oneof(fc.integer({ min: NOW - MAX_PAST_MS - 1000, max: NOW + MAX_FUTURE_MS + 1000 }), fc.constant(new Date(NOW)), fc.constant(1.5)),
      customEventName: fc.oneof(fc.stringMatching(/^[a-z0-9](?:[a-z0-9_-]{0,6}[a-z0-9])?$/), fc.constantFrom('Bad Name', 'order_created')),
      oppref: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('click_1')),
      sourceUrl: fc.oneof(pageUrl, fc.constantFrom('not a url', 'ftp://x.example/', 'https://')),
      keepSourceUrlQuery: fc.boolean(),
      actionSource: fc.oneof(fc.constantFrom(...ACTION_SOURCES), fc.constant('moon')),
      optOut: fc.oneof(fc.boolean(), fc.constant('yes')),
      user,
      data: friendlyData,
    },
    { requiredKeys: ['type'] },
  );

const validItem = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/),
    name: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== ''),
    contentType: fc.constant('product'),
    quantity: fc.nat(10),
    value: fc.stringMatching(/^[0-9]{1,5}$/),
    variantDict: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);

/** A valid friendly event of any type (money, items, plan and extras as its data shape allows). */
const validEvent = (user: fc.Arbitrary<unknown>) => fc.oneof(...EVENT_TYPES.map((type) => validEventOf(type, user)));

const customName = fc.stringMatching(/^[a-z0-9](?:[a-z0-9_-]{0,6}[a-z0-9])?$/).filter((n) => !isEventType(n));
const idText = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const decimalText = fc.stringMatching(/^[0-9]{1,6}(\.[0-9]{1,2})?$/);

function validEventOf(type: (typeof EVENT_TYPES)[number], user: fc.Arbitrary<unknown>) {
  {
    const shape = dataShapeOf(type);
    const app = type === 'app_installed' || type === 'app_opened';
    const money = fc.oneof(
      fc.record({ value: fc.oneof(decimalText, fc.nat(10_000)), currency: fc.constantFrom('USD', 'EUR', 'usd') }),
      fc.record({ amount: fc.nat(1_000_000), currency: fc.constantFrom('JPY', 'KWD') }),
      fc.constant({}),
    );
    const data = fc.tuple(
      money,
      fc.record(
        {
          ...(shape === 'customer_action' ? {} : { contents: fc.array(validItem, { maxLength: 3 }) }),
          ...(shape === 'plan_enrollment' || shape === 'custom' ? { planId: fc.constantFrom('pro', 'team') } : {}),
          ...(shape === 'custom' ? { step: fc.jsonValue({ maxDepth: 2 }) } : {}),
        },
        { requiredKeys: [] },
      ),
    ).map(([m, rest]) => {
      const out: Record<string, unknown> = { ...m, ...rest };
      // Item values need a currency: give the items one when the data has none.
      if (Array.isArray(out.contents) && out.currency === undefined) {
        out.contents = (out.contents as Record<string, unknown>[]).map((item) => ({ ...item, currency: 'EUR' }));
      }
      return out;
    });
    return fc.record(
      {
        type: fc.constant(type),
        ...(type === 'custom' ? { customEventName: customName } : {}),
        id: idText,
        timestamp: fc.oneof(fc.integer({ min: NOW - MAX_PAST_MS, max: NOW + MAX_FUTURE_MS }), fc.constant(new Date(NOW))),
        oppref: fc.constant('click_1'),
        sourceUrl: pageUrl,
        keepSourceUrlQuery: fc.boolean(),
        actionSource: fc.constant(app ? 'mobile_app' : 'web'),
        optOut: fc.boolean(),
        user,
        data,
      },
      { requiredKeys: ['type', 'sourceUrl', 'actionSource', ...(type === 'custom' ? ['customEventName' as const] : [])] },
    );
  }
}

/**
 * Friendly event input for `buildEvent`: valid events, valid events with one or two fields made
 * wild, and wild ones, so that both the success and the error paths run often.
 */
export function friendlyEvent(user: fc.Arbitrary<unknown> = markedUser) {
  const valid = validEvent(user);
  return fc.oneof(
    valid,
    fc.tuple(valid, wildEvent(user), fc.subarray([...WILD_KEYS], { minLength: 1, maxLength: 2 })).map(([v, w, keys]) => {
      const out: Record<string, unknown> = { ...v };
      for (const k of keys) out[k] = (w as Record<string, unknown>)[k];
      return out as typeof v;
    }),
    wildEvent(user),
  );
}
