/**
 * `@x/openai-capi-browser`: OpenAI Ads (ChatGPT Ads) conversions from the browser. Captures the
 * `oppref` click id, honours consent and Global Privacy Control, and sends each conversion to the
 * site's own relay and to OpenAI's Measurement Pixel under one shared event id. Importing it has no
 * side effects and never touches `window`, so it is safe in server-side rendering.
 *
 * @packageDocumentation
 */
export { createTracker, OPPREF_COOKIE, OBREF_COOKIE } from './tracker.js';
export type { Tracker, TrackerOptions, TrackOptions } from './tracker.js';
export { identify } from './identify.js';
export type { ConsentDecision, ConsentState } from './consent.js';
export { connectGoogleConsentMode } from './consent-mode.js';
export type { GoogleConsentModeOptions } from './consent-mode.js';
export { PIXEL_SCRIPT_URL } from './pixel.js';
export type { RelayBody, RelayEvent } from './relay-transport.js';
export { CapiError, CapiValidationError, createEventId } from '@x/openai-capi-core';
export type { EventDataInput, EventType, Issue, UserInput } from '@x/openai-capi-core';
export { connectDataLayer, DATA_LAYER_EVENTS } from './connect-data-layer.js';
export type { DataLayerConnection, DataLayerEvent, DataLayerOptions } from './connect-data-layer.js';
