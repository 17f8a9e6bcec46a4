/**
 * Exhaustive: every optional property of the public input and option types accepts `undefined`
 * under `exactOptionalPropertyTypes` (a new option added without `| undefined` fails here, naming
 * the type and the property).
 */
import type {
  BuildEventOptions,
  BuildOptions,
  ClockOptions,
  ContentItemInput,
  EventDataInput,
  EventInput,
  HashUserOptions,
  MoneyInput,
  UserInput,
  ValidateEventOptions,
} from '@x/openai-capi-core';
import type { GoogleConsentModeOptions, TrackerOptions, TrackOptions } from '@x/openai-capi-browser';
import type {
  AttributionOptions,
  ClientOptions,
  CookieAttributes,
  FileStoreOptions,
  FlushOptions,
  LedgerOptions,
  OpprefCookieOptions,
  QueueShareOptions,
  RateLimitOptions,
  RelayContext,
  RelayOptions,
  SendOptions,
  ShutdownOptions,
  SignalOptions,
  TrackOptions as ServerTrackOptions,
} from '@x/openai-capi-node';
import type { RedisStoreOptions } from '@x/openai-capi-node/redis';

/** `T` without index signatures (`EventDataInput`'s `[extra: string]: unknown` would hide its named keys). */
type Named<T> = { [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: T[K] };
/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/**
 * The optional keys of `T` that refuse an explicit `undefined`. `-?` strips only the implicit
 * "missing" from an optional property, so what remains says whether `| undefined` was written.
 */
type RefusingUndefined<T> = { [K in OptionalKeys<T>]-?: undefined extends { [P in keyof T]-?: T[P] }[K] ? never : K }[OptionalKeys<T>];
/** `true` when no optional key refuses `undefined`; otherwise the offending keys, as an error. */
type Check<T> = [RefusingUndefined<Named<T>>] extends [never] ? true : { refusesUndefined: RefusingUndefined<Named<T>> };

export const checks: {
  [name: string]: true;
} = {
  EventInput: true satisfies Check<EventInput>,
  UserInput: true satisfies Check<UserInput>,
  EventDataInput: true satisfies Check<EventDataInput>,
  MoneyInput: true satisfies Check<MoneyInput>,
  ContentItemInput: true satisfies Check<ContentItemInput>,
  ClockOptions: true satisfies Check<ClockOptions>,
  BuildOptions: true satisfies Check<BuildOptions>,
  BuildEventOptions: true satisfies Check<BuildEventOptions>,
  ValidateEventOptions: true satisfies Check<ValidateEventOptions>,
  HashUserOptions: true satisfies Check<HashUserOptions>,
  TrackerOptions: true satisfies Check<TrackerOptions>,
  TrackerCookieOptions: true satisfies Check<NonNullable<TrackerOptions['cookie']>>,
  TrackOptions: true satisfies Check<TrackOptions>,
  GoogleConsentModeOptions: true satisfies Check<GoogleConsentModeOptions>,
  ClientOptions: true satisfies Check<ClientOptions>,
  SendOptions: true satisfies Check<SendOptions>,
  FlushOptions: true satisfies Check<FlushOptions>,
  ShutdownOptions: true satisfies Check<ShutdownOptions>,
  SignalOptions: true satisfies Check<SignalOptions>,
  FileStoreOptions: true satisfies Check<FileStoreOptions>,
  RedisStoreOptions: true satisfies Check<RedisStoreOptions>,
  AttributionOptions: true satisfies Check<AttributionOptions>,
  OpprefCookieOptions: true satisfies Check<OpprefCookieOptions>,
  CookieAttributes: true satisfies Check<CookieAttributes>,
  RelayOptions: true satisfies Check<RelayOptions>,
  RelayContext: true satisfies Check<RelayContext>,
  RateLimitOptions: true satisfies Check<RateLimitOptions>,
  QueueShareOptions: true satisfies Check<QueueShareOptions>,
  LedgerOptions: true satisfies Check<LedgerOptions>,
  ServerTrackOptions: true satisfies Check<ServerTrackOptions>,
};

// The check itself must be able to fail: a property without `| undefined` is named.
interface Strictly {
  a?: string;
  b?: string | undefined;
  c: number;
  [extra: string]: unknown;
}
const refused: RefusingUndefined<Named<Strictly>> = 'a';
// @ts-expect-error — `b` accepts undefined, so only `a` is reported
const notRefused: RefusingUndefined<Named<Strictly>> = 'b';
// @ts-expect-error — the check fails for a type with such a property
const failing: Check<Strictly> = true;
export { refused, notRefused, failing };
