import { isEventType } from '@x/openai-capi-core';
import type { EventType } from '@x/openai-capi-core';
import { applyAccount, parseCommandArgs, UsageError } from '../command-line.js';
import { parseOrderMap, type OrderField } from './orders.js';

export const USAGE = `Usage: openai-capi reconcile <orders.csv|orders.ndjson> --ledger <store dir> [options]

Compares your backend's orders or leads (id, time, value, currency) with the delivery ledger of
the Node client's file store, and names the orders never delivered, the deliveries with no order,
and value or currency mismatches.

Options:
  --ledger <dir>         the file store directory (or its ledger folder), repeatable (one per process)
  --map <col=field>      map a column to id, time, value or currency, repeatable (e.g. order_no=id)
  --type <event_type>    event type of the orders in the ledger, repeatable (default: order_created)
  --since <time>         only orders from this time (ISO 8601 or ms); default: the file's earliest
  --until <time>         only orders up to this time; default: the file's latest
  --max-gap <percent>    exit 1 when the share of orders never delivered is above this (default 5)
  --replay               send the missing orders still inside the API's 7-day window (same ids)
  --emulator             with --replay: send to an embedded local emulator
  --pixel-id <id>        with --replay: pixel id (default: $OPENAI_CAPI_PIXEL_ID)
  --api-key <key>        with --replay: Conversions API key (default: $OPENAI_CAPI_API_KEY)
  --endpoint <url>       with --replay: events endpoint
  -h, --help             show this help

Exit code: 0 when the gap is at most --max-gap (after --replay: what is still missing), 1 when above
it, 2 on usage or file errors.`;

/** The parsed command line of `openai-capi reconcile`. */
export interface ReconcileArgs {
  file: string;
  ledgers: string[];
  map: Map<string, OrderField>;
  types: EventType[];
  since?: number;
  until?: number;
  maxGapPercent: number;
  replay: boolean;
  emulator: boolean;
  pixelId?: string;
  apiKey?: string;
  endpoint?: string;
}

/** Parses the arguments after `reconcile`; `'help'` when help was asked for. Throws {@link UsageError}. */
export function parseReconcileArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ReconcileArgs | 'help' {
  const parsed = parseCommandArgs(
    argv,
    {
      ledger: { type: 'string', multiple: true, default: [] },
      map: { type: 'string', multiple: true, default: [] },
      type: { type: 'string', multiple: true, default: [] },
      since: { type: 'string' },
      until: { type: 'string' },
      'max-gap': { type: 'string' },
      replay: { type: 'boolean', default: false },
    },
    'missing the orders file',
  );
  if (parsed === 'help') return 'help';
  const { file, values } = parsed;
  if (values.ledger.length === 0) throw new UsageError('--ledger: the file store directory is needed');
  let map: Map<string, OrderField>;
  try {
    map = parseOrderMap(values.map);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const types: EventType[] = [];
  for (const t of values.type.length > 0 ? values.type : ['order_created']) {
    if (!isEventType(t)) throw new UsageError(`--type: "${t}" is not an event type`);
    types.push(t);
  }
  const args: ReconcileArgs = { file, ledgers: values.ledger, map, types, maxGapPercent: 5, replay: values.replay, emulator: values.emulator };
  if (values['max-gap'] !== undefined) {
    const n = Number(values['max-gap']);
    if (values['max-gap'].trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new UsageError('--max-gap: a percentage from 0 to 100');
    args.maxGapPercent = n;
  }
  for (const name of ['since', 'until'] as const) {
    const v = values[name];
    if (v === undefined) continue;
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) throw new UsageError(`--${name}: "${v}" is not a time (ISO 8601 or ms since the epoch)`);
    args[name] = ms;
  }
  if ((values.emulator || values['pixel-id'] || values['api-key'] || values.endpoint) && !values.replay) {
    throw new UsageError('--emulator, --pixel-id, --api-key and --endpoint only go with --replay');
  }
  applyAccount(args, values, env);
  if (args.replay && !args.emulator && (!args.pixelId || !args.apiKey)) {
    throw new UsageError('--replay needs a pixel id and an API key (--pixel-id/--api-key or OPENAI_CAPI_PIXEL_ID/OPENAI_CAPI_API_KEY), or --emulator');
  }
  return args;
}
