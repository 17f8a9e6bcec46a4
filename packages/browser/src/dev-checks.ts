/**
 * The checks of development builds: every option of `createTracker` and every `track` call are
 * checked with core's rules and reported with their issues at the call site. The tracker calls
 * these only behind `process.env.NODE_ENV !== 'production'`, so production bundles carry none of
 * this code (nor core's builder): there, the relay is the authority and validates every event.
 */
import { buildEventWithoutUser, CapiValidationError, unknownOptionIssues } from '@x/openai-capi-core';
import type { EventDataInput, EventInput, Issue } from '@x/openai-capi-core';
import { isConsentDecision } from './consent.js';
import { isCount, isNumber, isPixelId, isPositiveNumber, SCRIPT_URL } from './option-values.js';
import { invalid } from './report.js';
import type { TrackerOptions, TrackOptions } from './tracker.js';

/** The options `track` accepts, as named in its issue messages. */
const TRACK_OPTION_NAMES: Record<keyof TrackOptions, true> = { eventId: true, customEventName: true, optOut: true };
const TRACK_OPTIONS = '{ eventId?, customEventName?, optOut? }';

/**
 * The server client's call shape, `track({ type, … })`, answered with the browser's.
 *
 * @throws CapiValidationError when `eventName` is an object
 */
export function checkCallShape(eventName: unknown): void {
  if (typeof eventName === 'object' && eventName !== null) {
    invalid('type', 'invalid_type', "must be the event name: track('order_created', data, { eventId }) (track({ type, … }) is the server client's form)");
  }
}

/**
 * Checks one `track` call with core's `buildEventWithoutUser` (the rules the relay applies) and the
 * options against {@link TrackOptions}. An invalid optional item field (spec §10: the relay leaves
 * it out and still sends the event) goes to `warn`, not thrown.
 *
 * @throws CapiValidationError listing every issue
 */
export function checkTrack(
  input: { type: unknown; data: EventDataInput | undefined; sourceUrl: string; timestamp: number; oppref: string | undefined },
  options: unknown,
  keepSourceUrlQuery: boolean | undefined,
  warn: (error: CapiValidationError) => void = () => {},
): void {
  // A misspelt option (`event_id`) or a bare id (`track(name, data, orderId)`) would otherwise
  // give a random id silently, and the browser and server copies would not deduplicate.
  if (typeof options !== 'object' || options === null) invalid('options', 'invalid_type', `must be an object ${TRACK_OPTIONS}`);
  const [unknown] = unknownOptionIssues(options, TRACK_OPTION_NAMES, `track ${TRACK_OPTIONS}`);
  if (unknown) invalid(`options.${unknown.path}`, 'unknown_field', unknown.message);
  const { eventId, customEventName, optOut } = options as TrackOptions;
  // Core skips `undefined` fields, so they need not be left out (hence the cast).
  const warnings: Issue[] = [];
  buildEventWithoutUser(
    { ...input, id: eventId, customEventName, optOut, keepSourceUrlQuery } as EventInput,
    { now: input.timestamp, onWarning: (w) => warnings.push(w) },
  );
  if (warnings.length) {
    warn(new CapiValidationError(warnings, `Sent without ${warnings.length} invalid optional field(s), as the relay will: ${warnings.map((w) => `${w.path}: ${w.message}`).join('; ')}`));
  }
}

// Every option name, typed against TrackerOptions so that the list cannot fall behind it.
const TRACKER_OPTION_NAMES: Record<keyof TrackerOptions, true> = {
  endpoint: true, pixelId: true, pixelScriptUrl: true, consent: true, globalPrivacyControl: true, cookie: true, keepSourceUrlQuery: true,
  batchDelayMs: true, maxQueuedEvents: true, onError: true, debug: true, window: true, now: true,
};
const COOKIE_OPTION_NAMES: Record<keyof NonNullable<TrackerOptions['cookie']>, true> = { maxAgeDays: true, domain: true };

/** Reports configuration mistakes once, at creation. */
export function checkOptions(options: TrackerOptions, validPixelIds: number, report: (error: unknown) => void): void {
  const pixelIds: unknown[] = options.pixelId === undefined ? [] : Array.isArray(options.pixelId) ? [...options.pixelId] : [options.pixelId];
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string): unknown => issues.push({ path, code, message });
  // A misspelt option (`pixelIds`, `cookie.maxAge`) would be ignored: the pixel or the lifetime silently lost.
  // A key is a secret wherever it sits, inherited (a shared defaults object) included.
  const isSecret = (key: string) => /^api_?key$/i.test(key);
  for (const key in options) if (isSecret(key)) add(`options.${key}`, 'secret_in_browser', 'is a server secret: never in browser code (ignored)');
  for (const issue of unknownOptionIssues(options, TRACKER_OPTION_NAMES, 'createTracker')) {
    if (!isSecret(issue.path)) add(`options.${issue.path}`, issue.code, issue.message);
  }
  if (typeof options.cookie === 'object' && options.cookie !== null) {
    for (const issue of unknownOptionIssues(options.cookie, COOKIE_OPTION_NAMES, 'cookie')) add(`options.cookie.${issue.path}`, issue.code, issue.message);
  }
  if (options.endpoint !== undefined && (typeof options.endpoint !== 'string' || !options.endpoint)) {
    add('options.endpoint', 'invalid_endpoint', 'must be a non-empty URL');
  }
  if (options.pixelScriptUrl !== undefined && !SCRIPT_URL.test(options.pixelScriptUrl as string)) {
    add('options.pixelScriptUrl', 'invalid_pixel_script_url', "must be an absolute http(s) URL");
  }
  pixelIds.forEach((id, index) => isPixelId(id) || add(`options.pixelId[${index}]`, 'invalid_pixel_id', 'must be a non-empty string (ignored)'));
  if (!options.endpoint && validPixelIds === 0) add('options', 'no_destination', 'set endpoint and/or pixelId, or events go nowhere');
  if (options.consent !== undefined && options.consent !== 'pending' && !isConsentDecision(options.consent)) {
    add('options.consent', 'invalid_consent', "must be 'pending', 'granted' or 'denied'");
  }
  // NaN would make the pending queue unbounded; a negative number would drop every event.
  if (options.maxQueuedEvents !== undefined && !isCount(options.maxQueuedEvents)) {
    add('options.maxQueuedEvents', 'invalid_value', 'must be an integer ≥ 0 (100 used)');
  }
  if (options.batchDelayMs !== undefined && !isNumber(options.batchDelayMs)) {
    add('options.batchDelayMs', 'invalid_value', 'must be a number ≥ 0 (25 used)');
  }
  const maxAgeDays = options.cookie?.maxAgeDays;
  if (maxAgeDays !== undefined && !isPositiveNumber(maxAgeDays)) {
    add('options.cookie.maxAgeDays', 'invalid_value', 'must be a positive number of days (30 used)');
  }
  if (issues.length > 0) report(new CapiValidationError(issues));
}
