/**
 * `@x/openai-capi-core`: the platform-free rules of the OpenAI Ads Conversions API. Every rule
 * (validation, normalization, hashing, money, event ids, GA4 mapping) lives here once and is used by
 * the browser, Node and testing packages alike.
 *
 * @packageDocumentation
 */
export type * from './types.js';
export {
  CapiError,
  CapiValidationError,
  CapiApiError,
  CapiConnectionError,
  CapiTimeoutError,
  formatIssues,
} from './errors.js';
export {
  EVENT_TYPES,
  STANDARD_EVENT_TYPES,
  ACTION_SOURCES,
  dataShapeOf,
  isEventType,
  isStandardEventType,
  isPixelEventType,
  isCustomEventName,
  dedupeNameOf,
  MAX_BATCH_EVENTS,
  MAX_EVENT_ID_LENGTH,
  MAX_PAST_MS,
  MAX_FUTURE_MS,
} from './schema.js';
export { validateEvent, validateBatch, validateIntegrationSource } from './validate.js';
export { timestampIssueCode, isHttpUrl, type ValidateEventOptions } from './validate-event.js';
export { buildEvent, buildEventWithoutUser, type BuildEventOptions, type BuildOptions } from './build-event.js';
export { eventInputFromWire, userInputFromWire } from './wire-input.js';
export { readQueryParam, encodeCookieValue, decodeCookieValue } from './carried-values.js';
export { matchKeysOf, hasMatchKey, MATCH_KEYS, type MatchKey, type MatchKeys } from './match-keys.js';
export { createCoverageTally, type CoverageTally, type CoverageSource, type IdSources, type TypeCoverage } from './coverage.js';
export { normalizeEmail, normalizePhone, normalizeName, normalizeExternalId } from './normalize.js';
export { sha256Hex, nobleSha256Hex } from './hash.js';
export { hashUser, toPixelUser, toPixelUserWith, type HashUserOptions } from './user.js';
export { pixelUserTexts, type PixelUserText } from './pixel-user.js';
export { isValidIp } from './user-rules.js';
export { toMinorUnits, fromMinorUnits } from './money.js';
export { CURRENCY_EXPONENT_EXCEPTIONS, exponentOf, decimalToMinorUnits, minorUnitsOf, type MinorUnitsFailure } from './minor-units.js';
export { currencyExponent, isKnownCurrency, ISO_4217_EDITION } from './currency.js';
export { createEventId } from './ids.js';
export { unknownOptionIssues } from './unknown-options.js';
export { fromGa4, ga4EventOf, GA4_EVENT_MAP, type Ga4Params, type Ga4Item } from './ga4.js';
export { mapGa4Params } from './ga4-params.js';
