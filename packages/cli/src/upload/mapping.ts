import { ACTION_SOURCES, isEventType } from '@x/openai-capi-core';
import type { ActionSource, EventDataInput, EventInput, EventType, UserInput } from '@x/openai-capi-core';
import type { SourceRecord } from './records.js';

/** The fields a column can be mapped to (`--map column=field`); `ignore` skips a column. */
export const TARGET_FIELDS = [
  'type',
  'custom_event_name',
  'id',
  'timestamp',
  'value',
  'amount_minor',
  'currency',
  'plan_id',
  'email',
  'phone',
  'external_id',
  'first_name',
  'last_name',
  'city',
  'region',
  'postal_code',
  'country',
  'email_sha256',
  'phone_sha256',
  'external_id_sha256',
  'oppref',
  'action_source',
  'source_url',
  'opt_out',
  'ignore',
] as const;

/** One of {@link TARGET_FIELDS}. */
export type TargetField = (typeof TARGET_FIELDS)[number];

// Common CRM export headers, normalized (lowercase, non-alphanumerics → `_`). `value`-like columns
// hold major units (`25.99`); only `amount_minor` holds integer minor units.
const ALIASES: Readonly<Record<string, TargetField>> = {
  type: 'type', event: 'type', event_type: 'type', event_name: 'type', conversion_type: 'type',
  custom_event_name: 'custom_event_name',
  // The order or lead id is the event id itself, as other integrations send it (dedupes with them).
  event_id: 'id', id: 'id', key: 'id', order_id: 'id', transaction_id: 'id', order_number: 'id', lead_id: 'id',
  timestamp: 'timestamp', timestamp_ms: 'timestamp', time: 'timestamp', date: 'timestamp',
  created_at: 'timestamp', converted_at: 'timestamp', conversion_time: 'timestamp',
  value: 'value', amount: 'value', revenue: 'value', total: 'value', order_value: 'value',
  amount_minor: 'amount_minor', amount_cents: 'amount_minor',
  currency: 'currency', currency_code: 'currency',
  plan_id: 'plan_id', plan: 'plan_id',
  email: 'email', email_address: 'email', e_mail: 'email',
  phone: 'phone', phone_number: 'phone', mobile: 'phone',
  external_id: 'external_id', customer_id: 'external_id', user_id: 'external_id', crm_id: 'external_id',
  first_name: 'first_name', firstname: 'first_name', given_name: 'first_name',
  last_name: 'last_name', lastname: 'last_name', surname: 'last_name', family_name: 'last_name',
  city: 'city',
  region: 'region', state: 'region', province: 'region',
  postal_code: 'postal_code', zip: 'postal_code', zip_code: 'postal_code', zipcode: 'postal_code', postcode: 'postal_code',
  country: 'country', country_code: 'country',
  email_sha256: 'email_sha256', phone_sha256: 'phone_sha256', external_id_sha256: 'external_id_sha256',
  oppref: 'oppref', click_id: 'oppref',
  action_source: 'action_source',
  source_url: 'source_url', url: 'source_url',
  opt_out: 'opt_out',
};

/** Which column feeds which field, and which columns are ignored (reported, never silent). */
export interface ColumnMapping {
  fields: Map<TargetField, string>;
  ignored: string[];
}

/** A header as the alias tables spell it: lowercase, runs of non-alphanumerics as one `_`, none at the ends. */
export const normalizeHeader = (column: string) => column.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

const isTargetField = (value: string): value is TargetField => (TARGET_FIELDS as readonly string[]).includes(value);

/**
 * Parses `--map column=field` arguments into a lookup; throws on an unknown field or a bad pair.
 */
export function parseMapArgs(pairs: readonly string[]): Map<string, TargetField> {
  const overrides = new Map<string, TargetField>();
  for (const pair of pairs) {
    const eq = pair.lastIndexOf('=');
    const column = pair.slice(0, eq).trim();
    const field = pair.slice(eq + 1).trim();
    if (eq <= 0 || column === '' || field === '') throw new Error(`--map expects column=field, got "${pair}"`);
    if (!isTargetField(field)) throw new Error(`--map ${pair}: unknown field "${field}" (one of: ${TARGET_FIELDS.join(', ')})`);
    overrides.set(column, field);
  }
  return overrides;
}

/**
 * Maps the file's columns to fields: explicit overrides first, then the aliases of common CRM
 * headers. Two columns claiming one field is an error (say which one with `--map`), as is an
 * override naming a column the file does not have.
 */
export function resolveMapping(columns: readonly string[], overrides: ReadonlyMap<string, TargetField> = new Map()): ColumnMapping {
  for (const column of overrides.keys()) {
    if (!columns.includes(column)) throw new Error(`--map names column "${column}", which the file does not have`);
  }
  const fields = new Map<TargetField, string>();
  const ignored: string[] = [];
  const claim = (field: TargetField, column: string) => {
    const other = fields.get(field);
    if (other !== undefined) {
      throw new Error(`columns "${other}" and "${column}" both map to ${field}: pick one with --map "${column}=ignore"`);
    }
    fields.set(field, column);
  };
  for (const [column, field] of overrides) {
    if (field === 'ignore') ignored.push(column);
    else claim(field, column);
  }
  for (const column of columns) {
    if (overrides.has(column)) continue;
    const field = ALIASES[normalizeHeader(column)];
    if (field === undefined || fields.has(field)) ignored.push(column);
    else claim(field, column);
  }
  return { fields, ignored };
}

/** Defaults for fields a file does not carry. */
export interface MappingDefaults {
  /** Event type for rows without a type column/value. */
  type?: EventType;
  /** `action_source` for rows without one (default `offline`). */
  actionSource?: ActionSource;
  /** Currency for rows with a value but no currency. */
  currency?: string;
}

/** The mapped event input of one row, or why it cannot be mapped. */
export type MappedRow = { ok: true; input: EventInput } | { ok: false; reason: string };

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = typeof value === 'string' ? value.trim() : String(value);
  return s === '' ? undefined : s;
}

// The click id is opaque: passed on exactly as read, spaces included (spec §3).
function rawText(value: unknown): string | undefined {
  return typeof value === 'string' ? (value === '' ? undefined : value) : text(value);
}

// Numbers below 1e11 are read as Unix seconds (1e11 ms is 1973; 1e11 s is year 5138).
const SECONDS_BELOW = 1e11;

/** Reads a timestamp: ISO 8601 text, Unix ms, or Unix seconds; `undefined` when unreadable. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return Math.round(value < SECONDS_BELOW ? value * 1000 : value);
  }
  const s = text(value);
  if (s === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseBoolean(value: unknown): boolean | undefined | 'invalid' {
  if (typeof value === 'boolean') return value;
  const s = text(value)?.toLowerCase();
  if (s === undefined) return undefined;
  if (['true', '1', 'yes', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'n'].includes(s)) return false;
  return 'invalid';
}

/**
 * Maps one row to core's friendly {@link EventInput}. Only reading problems are caught here
 * (unreadable timestamp, unknown event type…); every rule of the spec is left to core's
 * `buildEvent`, which reports it with the field path.
 */
export function mapRecord(record: SourceRecord, mapping: ColumnMapping, defaults: MappingDefaults = {}): MappedRow {
  if (record.error !== undefined) return { ok: false, reason: record.error };
  const get = (field: TargetField) => {
    const column = mapping.fields.get(field);
    return column === undefined ? undefined : record.fields[column];
  };
  const str = (field: TargetField) => text(get(field));

  const type = str('type') ?? defaults.type;
  if (type === undefined) return { ok: false, reason: 'type: no event type (add a type column or pass --type)' };
  if (!isEventType(type)) return { ok: false, reason: `type: "${type}" is not an event type of the Conversions API` };

  const rawTimestamp = get('timestamp');
  if (text(rawTimestamp) === undefined) return { ok: false, reason: 'timestamp: missing (offline conversions need the time they happened)' };
  const timestamp = parseTimestamp(rawTimestamp);
  if (timestamp === undefined) return { ok: false, reason: `timestamp: "${text(rawTimestamp)}" is not an ISO 8601 date, Unix ms or Unix seconds` };

  const actionSource = str('action_source') ?? defaults.actionSource ?? 'offline';
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    return { ok: false, reason: `action_source: "${actionSource}" is not one of ${ACTION_SOURCES.join(', ')}` };
  }
  const optOut = parseBoolean(get('opt_out'));
  if (optOut === 'invalid') return { ok: false, reason: 'opt_out: expected true/false, yes/no or 1/0' };

  const data: EventDataInput = {};
  const value = str('value');
  const amountMinor = str('amount_minor');
  if (value !== undefined) data.value = value;
  if (amountMinor !== undefined) {
    if (!/^-?\d+$/.test(amountMinor)) return { ok: false, reason: `amount_minor: "${amountMinor}" is not an integer` };
    data.amount = Number(amountMinor);
  }
  const currency = str('currency') ?? (value !== undefined || amountMinor !== undefined ? defaults.currency : undefined);
  if (currency !== undefined) data.currency = currency;
  const planId = str('plan_id');
  if (planId !== undefined) data.planId = planId;

  const user: UserInput = {};
  const userFields = {
    email: 'email', phone: 'phone', externalId: 'external_id', firstName: 'first_name', lastName: 'last_name',
    city: 'city', region: 'region', postalCode: 'postal_code', country: 'country', emailSha256: 'email_sha256',
    phoneSha256: 'phone_sha256', externalIdSha256: 'external_id_sha256',
  } as const satisfies Partial<Record<keyof UserInput, TargetField>>;
  for (const [key, field] of Object.entries(userFields) as [keyof typeof userFields, TargetField][]) {
    const v = str(field);
    if (v !== undefined) user[key] = v;
  }

  const input: EventInput = { type, timestamp, actionSource: actionSource as ActionSource, data };
  const optional = { id: str('id'), customEventName: str('custom_event_name'), oppref: rawText(get('oppref')), sourceUrl: str('source_url') };
  for (const [k, v] of Object.entries(optional) as [keyof typeof optional, string | undefined][]) {
    if (v !== undefined) input[k] = v;
  }
  if (optOut !== undefined) input.optOut = optOut;
  if (Object.keys(user).length > 0) input.user = user;
  return { ok: true, input };
}
