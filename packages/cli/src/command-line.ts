import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CapiValidationError, createClient, type CapiClient, type ClientOptions } from '@x/openai-capi-node';
import type { ProgressStream } from './upload/progress.js';

/** A command line that cannot run; printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Where a command writes its help (`stdout`) and its usage errors (`stderr`). */
export interface UsageIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/**
 * Parses a command's arguments with `parse`; on `--help` prints `usage` and gives exit code 0, on a
 * {@link UsageError} prints the error and `usage` and gives exit code 2. Other errors are thrown.
 */
export function parseCommandLine<T extends object>(parse: () => T | 'help', io: UsageIo, usage: string): T | number {
  let args;
  try {
    args = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`openai-capi: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  return args;
}

/** node:util's `ParseArgsOptionsConfig`, which @types/node 20 does not export. */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The flags every command takes: the account (see {@link applyAccount}), `--emulator` and `--help`. */
const COMMON_OPTIONS = {
  'pixel-id': { type: 'string' },
  'api-key': { type: 'string' },
  endpoint: { type: 'string' },
  emulator: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

/** The `parseArgs` config of a command taking `options` besides {@link COMMON_OPTIONS}. */
interface CommandConfig<O extends ParseArgsOptionsConfig> {
  args: string[];
  allowPositionals: true;
  options: typeof COMMON_OPTIONS & O;
}

/** The parsed flags of a command: those of {@link COMMON_OPTIONS} and its own, typed by `parseArgs`. */
export type CommandValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<CommandConfig<O>>>['values'];

/**
 * Parses `<file> [options]`: the command's own `options` and {@link COMMON_OPTIONS}. `'help'` on
 * `--help`; throws {@link UsageError} on a flag `parseArgs` refuses, without the file
 * (`missingFile` is the message) or with more than one.
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
  missingFile: string,
): { file: string; values: CommandValues<O> } | 'help' {
  let parsed;
  try {
    parsed = parseArgs<CommandConfig<O>>({ args: [...argv], allowPositionals: true, options: { ...COMMON_OPTIONS, ...options } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if ((values as { help: boolean }).help) return 'help';
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError(missingFile);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  return { file, values };
}

/** The pixel id a command's embedded emulator (`--emulator`) is sent as, unless `--pixel-id` names one. */
export const EMULATOR_PIXEL_ID = 'emulator-pixel';
/** The key of a command's embedded emulator: it takes this one only. */
export const EMULATOR_API_KEY = 'emulator-key';

/** The account flags both commands take; the pixel id and the key fall back to the environment. */
export interface AccountFlags {
  'pixel-id'?: string | undefined;
  'api-key'?: string | undefined;
  endpoint?: string | undefined;
}

/**
 * Sets `pixelId` and `apiKey` (from the flags, else `OPENAI_CAPI_PIXEL_ID` / `OPENAI_CAPI_API_KEY`;
 * empty values are left unset) and `endpoint` on `args`.
 */
export function applyAccount(args: { pixelId?: string; apiKey?: string; endpoint?: string }, values: AccountFlags, env: Readonly<Record<string, string | undefined>>): void {
  const pixelId = values['pixel-id'] ?? env['OPENAI_CAPI_PIXEL_ID'];
  const apiKey = values['api-key'] ?? env['OPENAI_CAPI_API_KEY'];
  if (pixelId) args.pixelId = pixelId;
  if (apiKey) args.apiKey = apiKey;
  if (values.endpoint !== undefined) args.endpoint = values.endpoint;
}

/**
 * The command's client, or exit code 2 when the client refuses an option (`--endpoint`,
 * `--api-key`, `--pixel-id`): its message names the option and never quotes the key. `onRefused`
 * runs first (the embedded emulator is closed there). Other errors are thrown.
 */
export async function openClient(options: ClientOptions, io: UsageIo, onRefused: () => Promise<void>): Promise<CapiClient | 2> {
  try {
    return createClient(options);
  } catch (error) {
    await onRefused();
    if (!CapiValidationError.isInstance(error)) throw error;
    io.stderr.write(`openai-capi: ${error.message}\n`);
    return 2;
  }
}
