import { isEventType, ACTION_SOURCES } from '@x/openai-capi-core';
import type { ActionSource, EventType } from '@x/openai-capi-core';
import { applyAccount, parseCommandArgs, UsageError } from '../command-line.js';
import { parseMapArgs, type TargetField } from './mapping.js';

export const USAGE = `Usage: openai-capi upload <file.csv|file.ndjson> [options]

Sends offline / CRM conversions to the OpenAI Ads Conversions API in batches.

Options:
  --pixel-id <id>        pixel id (default: $OPENAI_CAPI_PIXEL_ID)
  --api-key <key>        Conversions API key (default: $OPENAI_CAPI_API_KEY)
  --dry-run              map and validate every row here, send nothing (no pixel id or key needed)
  --validate-only        validate every event with the API without saving it (validate_only: true)
  --emulator             send to an embedded local emulator (no account, no key needed)
  --endpoint <url>       events endpoint (default: https://bzr.openai.com/v1/events)
  --map <col=field>      map a column to a field, repeatable (field "ignore" skips a column)
  --type <event_type>    event type of rows without one (e.g. order_created)
  --currency <code>      currency of rows with a value but no currency
  --action-source <src>  action_source of rows without one (default: offline)
  --batch-size <n>       events per request (default 500, max 1000)
  -h, --help             show this help

Exit code: 0 when every row was delivered, 1 when some were rejected or stale, 2 on usage errors.`;

/** The parsed command line of `openai-capi upload`. */
export interface UploadArgs {
  file: string;
  /** Validate locally and send nothing. */
  dryRun: boolean;
  pixelId?: string;
  apiKey?: string;
  endpoint?: string;
  validateOnly: boolean;
  emulator: boolean;
  map: Map<string, TargetField>;
  type?: EventType;
  currency?: string;
  actionSource?: ActionSource;
  batchSize?: number;
}

/**
 * Parses the arguments after `upload` (`<file> [options]`); `'help'` when help was asked for.
 * Throws {@link UsageError}.
 */
export function parseUploadArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): UploadArgs | 'help' {
  const parsed = parseCommandArgs(
    argv,
    {
      'dry-run': { type: 'boolean', default: false },
      'validate-only': { type: 'boolean', default: false },
      map: { type: 'string', multiple: true, default: [] },
      type: { type: 'string' },
      currency: { type: 'string' },
      'action-source': { type: 'string' },
      'batch-size': { type: 'string' },
    },
    'missing the file to upload',
  );
  if (parsed === 'help') return 'help';
  const { file, values } = parsed;

  const dryRun = values['dry-run'];
  if (dryRun && (values.emulator || values['validate-only'])) {
    throw new UsageError(`--dry-run sends nothing: it cannot be combined with ${values.emulator ? '--emulator' : '--validate-only'}`);
  }
  const args: UploadArgs = { file, dryRun, validateOnly: values['validate-only'], emulator: values.emulator, map: new Map() };
  try {
    args.map = parseMapArgs(values.map);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  applyAccount(args, values, env);
  if (!args.emulator && !args.dryRun && (!args.pixelId || !args.apiKey)) {
    throw new UsageError('a pixel id and an API key are needed (--pixel-id/--api-key or OPENAI_CAPI_PIXEL_ID/OPENAI_CAPI_API_KEY), or use --emulator or --dry-run');
  }
  if (values.type !== undefined) {
    if (!isEventType(values.type)) throw new UsageError(`--type: "${values.type}" is not an event type`);
    args.type = values.type;
  }
  if (values.currency !== undefined) args.currency = values.currency;
  const source = values['action-source'];
  if (source !== undefined) {
    if (!(ACTION_SOURCES as readonly string[]).includes(source)) throw new UsageError(`--action-source: one of ${ACTION_SOURCES.join(', ')}`);
    args.actionSource = source as ActionSource;
  }
  const batch = values['batch-size'];
  if (batch !== undefined) {
    const n = Number(batch);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--batch-size: an integer from 1 to 1000');
    args.batchSize = n;
  }
  return args;
}
