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
