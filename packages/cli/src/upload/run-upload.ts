import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { startEmulator } from '@x/openai-capi-testing';
import { EMULATOR_API_KEY, EMULATOR_PIXEL_ID, openClient, parseCommandLine } from '../command-line.js';
import { USAGE, parseUploadArgs, type UploadArgs } from './cli-args.js';
import { resolveMapping, type ColumnMapping, type MappingDefaults } from './mapping.js';
import { createProgressBar, type ProgressStream } from './progress.js';
import { formatOf, readTable, type SourceTable } from './records.js';
import { formatSummary } from './summary.js';
import { uploadTable } from './upload.js';

/** What the CLI touches outside itself (streams, environment, files), injectable for tests. */
export interface CliIo {
  /** Where the summary and help go (`process.stdout`). */
  stdout: ProgressStream;
  /** Where progress, notices and errors go (`process.stderr`). */
  stderr: ProgressStream;
  /** Read for `OPENAI_CAPI_PIXEL_ID` / `OPENAI_CAPI_API_KEY` (`process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads the input file as UTF-8 text (default: `fs.readFile`). */
  readFile?: ((path: string) => Promise<string>) | undefined;
}

/**
 * `openai-capi upload …` (`argv` is what follows `upload`): reads the file, maps and validates
 * every row, sends the valid ones in batches (to the API, or to an embedded emulator with
 * `--emulator`; nothing with `--dry-run`) and prints a summary. Resolves to the exit code: 0 all
 * delivered (or all valid in a dry run), 1 some rejected or stale, 2 usage or file error.
 */
export async function runUpload(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine(() => parseUploadArgs(argv, io.env), io, USAGE);
  if (typeof args === 'number') return args;

  let table;
  let mapping;
  try {
    const text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(args.file);
    table = readTable(text, formatOf(args.file));
    mapping = resolveMapping(table.columns, args.map);
  } catch (error) {
    io.stderr.write(`openai-capi: ${basename(args.file)}: ${(error as Error).message}\n`);
    return 2;
  }

  if (args.dryRun) return dryRun(table, mapping, args, io);

  const emulator = args.emulator
    ? await startEmulator({ port: 0, host: '127.0.0.1', apiKey: EMULATOR_API_KEY, pixelIds: [args.pixelId ?? EMULATOR_PIXEL_ID] })
    : undefined;
  const client = await openClient(
    {
      pixelId: emulator ? (args.pixelId ?? EMULATOR_PIXEL_ID) : (args.pixelId as string),
      apiKey: emulator ? EMULATOR_API_KEY : (args.apiKey as string),
      ...(emulator ? { endpoint: emulator.endpoint } : args.endpoint ? { endpoint: args.endpoint } : {}),
      ...(args.validateOnly ? { validateOnly: true } : {}),
      integrationSource: 'x-openai-capi-upload',
      logLevel: 'error',
    },
    io,
    async () => emulator?.close(),
  );
  if (client === 2) return 2;
  if (emulator) io.stderr.write(`Sending to the embedded emulator at ${emulator.url}\n`);
  if (args.validateOnly) io.stderr.write('validate_only: the API checks every event and saves none\n');

  const bar = createProgressBar(io.stderr);
  try {
    const summary = await uploadTable({
      table,
      mapping,
      defaults: defaultsOf(args),
      send: (events) => client.send(events),
      ...(args.batchSize ? { batchSize: args.batchSize } : {}),
      onProgress: (p) => bar.update(p),
    });
    bar.done();
    io.stdout.write(`${formatSummary(summary, { validateOnly: args.validateOnly })}\n`);
    if (emulator) io.stdout.write(`The emulator holds ${emulator.events.length} event(s).\n`);
    return summary.rejected.length + summary.stale.length === 0 ? 0 : 1;
  } finally {
    await client.shutdown();
    await emulator?.close();
  }
}

function defaultsOf(args: UploadArgs): MappingDefaults {
  return {
    ...(args.type ? { type: args.type } : {}),
    ...(args.currency ? { currency: args.currency } : {}),
    ...(args.actionSource ? { actionSource: args.actionSource } : {}),
  };
}

/** `--dry-run`: every local check of a real upload, no client, no request, no credentials. */
async function dryRun(table: SourceTable, mapping: ColumnMapping, args: UploadArgs, io: CliIo): Promise<number> {
  io.stderr.write('Dry run: mapping and validating every row here; nothing is sent\n');
  const bar = createProgressBar(io.stderr);
  const summary = await uploadTable({ table, mapping, defaults: defaultsOf(args), onProgress: (p) => bar.update(p) });
  bar.done();
  io.stdout.write(`${formatSummary(summary)}\n`);
  return summary.rejected.length + summary.stale.length === 0 ? 0 : 1;
}
