/**
 * Friendly camelCase {@link EventInput} → validated wire event (spec §3–§6). One pipeline serves
 * both builders: `buildEvent` adds the user step (`hashUser`), `buildEventWithoutUser` has none,
 * so browser bundles that only use the latter carry no normalization or user rules.
 */
import { addIssue, CapiError, CapiValidationError } from './errors.js';
import { createEventId } from './ids.js';
import { didYouMean, toCamel } from './input-hints.js';
import { knownExponent } from './currency.js';
import { toMinorUnits } from './money.js';
import { minorUnitsOf } from './minor-units.js';
import { dataShapeOf, isEventType } from './schema.js';
import { hashUser } from './user.js';
import { allKnown, isObject, isPlainContainer, isPlainObject, setOwn, type KeysSeen, type Obj } from './validate-common.js';
import { DATA_KEYS, ITEM_KEYS, itemPath } from './validate-data.js';
import { checkEventSafely, clockOf, type CheckUser } from './validate-event.js';
import { splitIssues, withoutOptional } from './optional-fields.js';
import type { ClockOptions, EventInput, Hasher, Issue, UserInput, WireEvent } from './types.js';

/** Options of {@link buildEventWithoutUser}. */
export interface BuildOptions extends ClockOptions {
  /**
   * Hears about each invalid optional field left out of the event (spec §10: a city, region, postal
   * code, country, first or last name, or an item's `id`, `groupId`, `name`, `contentType` or
   * `variantDict`), one {@link Issue} each, with the input's path and no value. Called only when the
   * event is built. Without it such fields are still left out; pass it to log or report them.
   */
  onWarning?: ((warning: Issue) => void) | undefined;
}

/** Options of {@link buildEvent}. */
export interface BuildEventOptions extends BuildOptions {
  /** SHA-256 implementation used to hash `user` (default: the SDK's `sha256Hex`). */
  hasher?: Hasher | undefined;
}

/** The user step of the pipeline: `input.user` → a wire user (issues and warnings added to the lists). */
type UserStep = (user: unknown, issues: Issue[], warnings: Issue[], hasher: Hasher | undefined) => unknown;

const INPUT_KEYS = [
  'type', 'id', 'timestamp', 'customEventName', 'oppref', 'sourceUrl', 'keepSourceUrlQuery', 'actionSource', 'optOut', 'user', 'data',
];
// Marked pure: a bundle of the dist that uses no builder must be able to drop it.
const INPUT_KEY_SET: ReadonlySet<string> = /* @__PURE__ */ new Set(INPUT_KEYS);
const inputKeysSeen: KeysSeen = { last: undefined };

/**
 * Builds a wire event from friendly input and validates it as of `now`:
 * - `id` is `input.id`, sent verbatim (your order or lead id, as other integrations send it), else
 *   a random `createEventId()`;
 * - `timestamp` (`Date` or Unix ms, default now) → `timestamp_ms`; `actionSource` defaults to `web`
 *   when omitted (`null` is refused);
 * - `sourceUrl` loses its query and fragment unless `keepSourceUrlQuery`, and always any
 *   credentials (`https://user:pw@host/` → `https://host/`);
 * - money, in `data` and in each item, is `value` (major units, converted exactly with
 *   `toMinorUnits`; items fall back on the event currency) or `amount` (integer minor units), never
 *   both; currencies are uppercased;
 * - `data.type` is filled in from the event type; `planId`, `groupId`, `contentType`, `variantDict`
 *   become snake_case; extra data keys pass unchanged on custom events only;
 * - `user` is hashed with `hashUser` (an empty result is omitted).
 *
 * Spec §10, a conversion is never lost to an optional field: an invalid city, region, postal code,
 * country, first or last name, or item `id` / `groupId` / `name` / `contentType` / `variantDict` is
 * left out of the event and passed to `options.onWarning`; the event is built.
 *
 * Issue paths are in the input's words (`sourceUrl`, `timestamp`, `data.planId`, `user.email[0]`);
 * an unknown field gets a "did you mean" hint (`source_url` → `sourceUrl`, `eventName` → `type`,
 * `key` → `id`).
 * In the browser, where no identities are sent, use {@link buildEventWithoutUser}: same rules,
 * smaller bundle.
 *
 * @throws CapiValidationError listing every issue found (an `options.now` that is not a finite number
 *   included); never anything else
 */
export function buildEvent(input: EventInput, options?: BuildEventOptions): WireEvent {
  // Read first, outside build's guard, as it always was: a throwing `hasher` getter is the caller's bug.
  const hasher = options?.hasher;
  return build(input, options, USER_STEP, hasher);
}

// One step for every call (it was an object and a closure per event, user or not).
// No `attempt` closure and no spread: one options object (a falsy `hasher` is the default one, as it
// always was) and the warnings closure.
const USER_STEP: UserStep = (user, issues, warnings, hasher) => {
  try {
    return hashUser(user as UserInput, { hasher: hasher || undefined, onWarning: (w) => warnings.push(w) });
  } catch (error) {
    return failed(issues, 'user', error);
  }
};

// What `hashUser` returns passes `checkUser` by construction: it tests each value with the same
// predicates (user-rules.ts), lowercases digests, and dedupes and caps each list at 3
// (user.property.test.ts pins it). The validator is told so instead of testing each digest again.
const USER_BUILT: CheckUser = () => {};

/**
 * {@link buildEvent} without the user step, for code that never sends identities (the browser
 * tracker): the same rules, defaults and conversions (validation, money, ids), but no
 * normalization or hashing code in the bundle. `input.user` is rejected with a `forbidden_field`
 * issue at `user` that points to `buildEvent` (user data is added server-side).
 *
 * @throws CapiValidationError listing every issue found (an `options.now` that is not a finite number
 *   included); never anything else
 */
export function buildEventWithoutUser(input: EventInput, options?: BuildOptions): WireEvent {
  return build(input, options);
}

function build(input: unknown, options: BuildOptions | undefined, user?: UserStep, hasher?: Hasher): WireEvent {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  const clock = options?.now;
  const onWarning = options?.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') addIssue(issues, 'options.onWarning', 'invalid_type', 'must be a function');
  const now = clockOf(clock, issues);
  let event: Obj | undefined;
  let failure: { cause: unknown } | undefined;
  if (typeof input === 'string') addIssue(issues, '', 'invalid_type', WRONG_SHAPE);
  else if (!isObject(input)) addIssue(issues, '', 'invalid_type', 'must be an object');
  else {
    // Only reading the input may throw (a hostile getter or proxy). The original exception rides
    // along as `cause` so that a real bug is not hidden behind `unreadable`.
    try {
      event = assemble(input, now, user, issues, warnings, hasher);
    } catch (cause) {
      failure = { cause };
      addIssue(issues, '', 'unreadable', 'could not be read');
    }
    if (event) checkEventSafely(event, now, '', issues, user ? USER_BUILT : undefined);
  }
  // Most events have no issue: then there is nothing to split and nothing to leave out.
  if (issues.length === 0 && event) {
    if (onWarning) for (const warning of warnings) onWarning(warning);
    return event as unknown as WireEvent;
  }
  // Spec §10: invalid optional fields (wire paths here) are left out and become warnings.
  const split = splitIssues(issues, true);
  if (split.errors.length || !event) throw new CapiValidationError(split.errors.map(toInputPath), undefined, failure);
  if (split.warnings.length) event = withoutOptional(event, split.warnings);
  if (onWarning) for (const warning of [...warnings, ...split.warnings.map(toInputPath)]) onWarning(warning);
  return event as unknown as WireEvent;
}

const WRONG_SHAPE =
  "must be one object: track({ type: 'order_created', id: orderId, data: { value: '25.99', currency: 'USD' } }) " +
  "(the server takes one object; track(name, data, { eventId }) is the browser tracker's form)";

// Wire names the validator reports → the input names the caller typed (`source_url` → `sourceUrl`).
const WIRE_TOP = /^(timestamp_ms|source_url|custom_event_name|action_source|opt_out)(?=$|[.[])/;
const WIRE_DATA = /^data\.(plan_id|contents\[\d+\]\.(?:group_id|content_type|variant_dict))(?=$|[.[])/;

/** `issue` with its path in the input's words (`timestamp_ms` → `timestamp`, `data.plan_id` → `data.planId`). */
function toInputPath(issue: Issue): Issue {
  // These name keys the caller typed (`timestamp_ms` where `timestamp` was meant): keep them.
  if (issue.code === 'unknown_field' || issue.code === 'conflict') return issue;
  const path = issue.path
    .replace(WIRE_TOP, (name: string) => (name === 'timestamp_ms' ? 'timestamp' : toCamel(name)))
    .replace(WIRE_DATA, (_: string, name: string) => `data.${toCamel(name)}`);
  return path === issue.path ? issue : { ...issue, path };
}

function assemble(input: Obj, now: number, user: UserStep | undefined, issues: Issue[], warnings: Issue[], hasher: Hasher | undefined): Obj {
  const keys = Object.keys(input);
  if (!allKnown(keys, INPUT_KEY_SET, inputKeysSeen)) {
    for (const key of keys) if (!INPUT_KEY_SET.has(key)) addIssue(issues, key, 'unknown_field', `is not an input field${didYouMean(key, INPUT_KEYS)}`);
  }
  // Each input field is read once, in this order (getters and proxies see one read per field).
  const { type, customEventName: name, timestamp: ts, sourceUrl: url, keepSourceUrlQuery: keep, id } = input;
  // `{}` and then each key: V8 gives an empty literal 4 in-object slots, `{ id, type }` only its 2,
  // and every key past them goes to a property array, allocated and then grown (garbage and time).
  const event: Obj = {};
  // After a recorded failure the id is a placeholder: the event is rejected with that issue anyway.
  event.id = id !== undefined ? id : (attempt(issues, 'id', createEventId) ?? '-');
  event.type = type;
  if (name !== undefined) event.custom_event_name = name;
  event.timestamp_ms = ts === undefined ? now : ts instanceof Date ? ts.getTime() : ts;
  const oppref = input.oppref;
  if (oppref !== undefined) event.oppref = oppref;
  if (keep !== undefined && typeof keep !== 'boolean') addIssue(issues, 'keepSourceUrlQuery', 'invalid_type', 'must be a boolean');
  if (url !== undefined) event.source_url = typeof url === 'string' ? cleanSourceUrl(url, keep === true) : url;
  const source = input.actionSource;
  event.action_source = source === undefined ? 'web' : source;
  const optOut = input.optOut;
  if (optOut !== undefined) event.opt_out = optOut;
  const userInput = input.user;
  if (userInput !== undefined) {
    if (!user) addIssue(issues, 'user', 'forbidden_field', 'is not allowed in buildEventWithoutUser: use buildEvent');
    else {
      const wire = user(userInput, issues, warnings, hasher);
      if (isObject(wire) && Object.keys(wire).length) event.user = wire;
    }
  }
  event.data = buildData(input.data, isEventType(type) ? dataShapeOf(type) : undefined, issues);
  return event;
}


/**
 * `url` without credentials (`user:pw@`, up to the authority's last `@`, as URL parsers read it)
 * and, unless `keepQuery`, without its query and fragment: both often carry personal data.
 */
function cleanSourceUrl(url: string, keepQuery: boolean): string {
  // Without `@`, `?` and `#` neither replace can match: most page URLs skip both regexes.
  if (url.indexOf('@') === -1 && (keepQuery || (url.indexOf('?') === -1 && url.indexOf('#') === -1))) return url;
  // A backslash ends the authority as `/` does in http(s) URLs: `https://shop.example\@evil.example/` is on shop.example.
  return (keepQuery ? url : url.replace(/[?#][\s\S]*/, '')).replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#\\]*@/i, '$1');
}

function buildData(data: unknown, shape: string | undefined, issues: Issue[]): unknown {
  if (data === undefined) return { type: shape ?? 'custom' };
  // A Map or a class instance is left as it is, for the validator to refuse (its entries would be lost).
  if (!isPlainObject(data)) return data;
  const type = data.type;
  if (shape && type !== undefined && type !== shape) {
    addIssue(issues, 'data.type', 'shape_mismatch', `must be "${shape}" for this event type`);
  }
  return convertData(data, shape ?? type ?? 'custom', shape, issues);
}

// The two converters below read each field once, by name, in wire order (DATA_KEYS, ITEM_KEYS),
// `value` just before `amount`: a getter that throws then ends the build after the issues of the
// fields before it, as a caller reading in this order would expect (build-event.test.ts pins the
// order and that every wire key is written). One named read per field, rather than a loop over
// the names: each read site then sees one name and one or two object shapes, which V8 reads, or
// finds absent, from its cache; a keyed read per name was the biggest part of `buildEvent`.

/**
 * Friendly `data` → wire data: `type` is the event's shape (else the caller's, read once by
 * {@link buildData}), money goes through {@link money}, `contents` items through
 * {@link convertItem}, `planId` becomes `plan_id`; then {@link extraKeys}.
 */
function convertData(src: Obj, type: unknown, shape: string | undefined, issues: Issue[]): Obj {
  const out: Obj = {}; // not `{ type }`: see assemble
  out.type = type;
  money(src.value, src.amount, src.currency, out, -1, issues, undefined);
  const contents = src.contents;
  if (Array.isArray(contents)) out.contents = convertItems(contents, issues, out.currency);
  else if (contents !== undefined) out.contents = copyJsonLike(contents);
  const plan = src.planId;
  if (plan !== undefined) out.plan_id = copyJsonLike(plan);
  return extraKeys(src, out, dataNames(), -1, issues, shape);
}

/** The `contents` items, each plain object converted (the rest as it is, for the validator to refuse). */
function convertItems(items: readonly unknown[], issues: Issue[], currency: unknown): unknown[] {
  // `map`, closure and all: V8 inlines it and sizes the result; `push` onto `[]` reserved 17 slots.
  return items.map((item, i) => (isPlainObject(item) ? convertItem(item, i, issues, currency) : item));
}

/** Friendly `contents` item `index` → wire item: camelCase keys become snake_case, money as in data. */
function convertItem(src: Obj, index: number, issues: Issue[], fallback: unknown): Obj {
  const out: Obj = {};
  const id = src.id;
  if (id !== undefined) out.id = copyJsonLike(id);
  const group = src.groupId;
  if (group !== undefined) out.group_id = copyJsonLike(group);
  const name = src.name;
  if (name !== undefined) out.name = copyJsonLike(name);
  const contentType = src.contentType;
  if (contentType !== undefined) out.content_type = copyJsonLike(contentType);
  const quantity = src.quantity;
  if (quantity !== undefined) out.quantity = copyJsonLike(quantity);
  money(src.value, src.amount, src.currency, out, index, issues, fallback);
  const variants = src.variantDict;
  if (variants !== undefined) out.variant_dict = copyJsonLike(variants);
  return extraKeys(src, out, itemNames(), index, issues);
}

/**
 * `out`, after the own keys of `src` that are not input names (`names`): reported as unknown
 * (issue paths with {@link itemPath}: `data.` for `index` < 0, else `data.contents[3].`), except on
 * custom data (`shape` `custom`), which keeps them unchanged.
 */
function extraKeys(src: Obj, out: Obj, names: InputNames, index: number, issues: Issue[], shape?: string): Obj {
  const own = Object.keys(src);
  if (allKnown(own, names.known, names.seen)) return out;
  for (const key of own) {
    if (key === 'value' || names.inputs.has(key)) continue;
    // `plan_id` next to `planId` would silently replace it.
    if (shape === 'custom' && Object.prototype.hasOwnProperty.call(out, key)) addIssue(issues, itemPath('data.', index) + key, 'conflict', 'is given twice (camelCase and snake_case)');
    else if (shape === 'custom') setOwn(out, key, copyJsonLike(src[key]));
    else addIssue(issues, itemPath('data.', index) + key, 'unknown_field', `is not an input field${didYouMean(key, [...names.inputs, 'value'])} (extra data keys: custom events only)`);
  }
  return out;
}

/**
 * A copy of the arrays and plain objects in `value` (other values as they are), so the built event
 * shares nothing the caller can change before it is sent: a queue or a batch delay sits between
 * building and `JSON.stringify`. Anything else that is an object is left for the validator to refuse.
 */
function copyJsonLike(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 32 || !isPlainContainer(value)) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => copyJsonLike(item, depth + 1));
  const copy: Obj = {};
  for (const [key, item] of Object.entries(value)) {
    setOwn(copy, key, copyJsonLike(item, depth + 1));
  }
  return copy;
}

/** The input (camelCase) names of a set of wire keys, in wire order, and the set of them. */
interface InputNames {
  /** `names[k]` is the input name of the `k`th wire key. */
  names: readonly string[];
  inputs: ReadonlySet<string>;
  /** `inputs` and `value`: the keys the builder reads. */
  known: ReadonlySet<string>;
  seen: KeysSeen;
}

// Computed once per key set, on first use (a bundle that uses no builder drops them): the
// converters run for every event and every item, and a regex replace per key was over half of
// their time.
let DATA_NAMES: InputNames | undefined;
let ITEM_NAMES: InputNames | undefined;
const dataNames = (): InputNames => (DATA_NAMES ??= inputNamesOf(DATA_KEYS));
const itemNames = (): InputNames => (ITEM_NAMES ??= inputNamesOf(ITEM_KEYS));

/** @internal Exported for build-event.test.ts. */
export function inputNamesOf(keys: ReadonlySet<string>): InputNames {
  const names = [...keys].map(toCamel);
  return { names, inputs: new Set(names), known: new Set([...names, 'value']), seen: { last: undefined } };
}

/** `value` (major units) or `amount` (minor units), read by the caller → `out.amount`; `currency` uppercased. */
function money(value: unknown, amount: unknown, given: unknown, out: Obj, index: number, issues: Issue[], fallback: unknown): void {
  const currency = typeof given === 'string' ? upperCase(given) : given;
  if (value === undefined || amount !== undefined) {
    if (value !== undefined) addIssue(issues, itemPath('data.', index) + 'value', 'conflict', 'must not be given with amount');
    if (amount !== undefined) out.amount = amount;
  } else if (currency === undefined && fallback === undefined) {
    addIssue(issues, itemPath('data.', index) + 'currency', 'required', 'is required with value');
  } else {
    const code = currency ?? fallback;
    // One lookup: the exponent of a known code. An unknown one the validator reports, once, where
    // it is written.
    const exponent = knownExponent(code);
    // The rule itself first: the path, the closure and the error below serve only a value it refuses.
    const minor = exponent === undefined ? undefined : minorUnitsOf(value, exponent);
    if (typeof minor === 'number') out.amount = minor;
    else if (minor !== undefined) {
      const path = itemPath('data.', index) + 'value';
      const before = issues.length;
      attempt(issues, path, () => toMinorUnits(value as number, code as string, path));
      const issue = issues[before];
      // 0.1 + 0.2 is 0.30000000000000004: a float total is a rounding error, not more precision.
      if (typeof value === 'number' && issue?.code === 'too_precise') {
        issues[before] = { ...issue, message: `${issue.message}: a float total (0.1 + 0.2) is not exact, pass a decimal string ('0.30') or amount in minor units` };
      }
    }
  }
  if (currency !== undefined) out.currency = currency;
}

// Most events of a server carry one currency: the last one uppercased is not uppercased again
// (`toUpperCase` made a new string each time, a fifth of `money`).
let lastGiven = '';
let lastUpper = '';

/** `code.toUpperCase()`, remembered for the last code. */
function upperCase(code: string): string {
  if (code !== lastGiven) {
    lastUpper = code.toUpperCase();
    lastGiven = code;
  }
  return lastUpper;
}

/** Runs `step`; a thrown error becomes issues (see {@link failed}). */
function attempt<T>(issues: Issue[], path: string, step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    return failed(issues, path, error);
  }
}

/** Records a thrown `error` as issues: its own for a validation error, else one at `path`. */
function failed(issues: Issue[], path: string, error: unknown): undefined {
  if (CapiValidationError.isInstance(error)) issues.push(...error.issues);
  else addIssue(issues, path, 'failed', CapiError.isInstance(error) ? `could not be computed: ${error.message}` : 'could not be computed');
  return undefined;
}
