import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createLedger, LEDGER_FOLDER, readLedger, type LedgerEntry } from '@x/openai-capi-node';
import { startEmulator } from '@x/openai-capi-testing';
import { EMULATOR_API_KEY, EMULATOR_PIXEL_ID, openClient, parseCommandLine } from '../command-line.js';
import { formatOf, readTable } from '../upload/records.js';
import type { CliIo } from '../upload/run-upload.js';
import { parseReconcileArgs, USAGE } from './args.js';
import { gapPercent, reconcile } from './compare.js';
import { comparisonProgress, formatReconciliation, formatReplay } from './format.js';
import { readOrders, resolveOrderColumns } from './orders.js';
import { replayMissing } from './replay.js';

/**
 * `openai-capi reconcile …`: reads the orders file and the ledgers, prints what differs, and with
 * `--replay` sends the missing orders still inside the 7-day window. Resolves to the exit code: 0
 * gap ≤ `--max-gap`, 1 above it, 2 usage or file error.
 */
export async function runReconcile(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandLine(() => parseReconcileArgs(argv, io.env), io, USAGE);
  if (typeof args === 'number') return args;
  let orders;
  const entries: LedgerEntry[] = [];
  try {
    const text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(args.file);
    const table = readTable(text, formatOf(args.file));
    const read = readOrders(table, resolveOrderColumns(table.columns, args.map));
    orders = read.orders;
    for (const u of read.unreadable.slice(0, 20)) io.stderr.write(`line ${u.line}: not compared (${u.reason})\n`);
    if (read.unreadable.length > 0) io.stderr.write(`${read.unreadable.length} row(s) could not be read and were not compared\n`);
  } catch (error) {
    io.stderr.write(`openai-capi: ${basename(args.file)}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const dir of args.ledgers) {
    try {
      const read = await readLedger(dir);
      entries.push(...read.entries);
      if (read.skipped > 0) io.stderr.write(`${dir}: ${read.skipped} unreadable ledger line(s) skipped\n`);
    } catch (error) {
      io.stderr.write(`openai-capi: cannot read the ledger in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`);
      return 2;
    }
  }

  const bar = comparisonProgress(io.stderr, 'orders compared');
  const result = reconcile(orders, entries, { types: args.types, since: args.since, until: args.until, onProgress: bar.update });
  bar.done();
  io.stdout.write(`${formatReconciliation(result, args.maxGapPercent)}\n`);
  if (!args.replay || result.missing.length === 0) return result.gapPercent > args.maxGapPercent ? 1 : 0;

  const emulator = args.emulator ? await startEmulator({ port: 0, host: '127.0.0.1', apiKey: EMULATOR_API_KEY }) : undefined;
  const endpoint = emulator?.endpoint ?? args.endpoint;
  const client = await openClient(
    {
      pixelId: args.pixelId ?? EMULATOR_PIXEL_ID,
      apiKey: emulator ? EMULATOR_API_KEY : (args.apiKey as string),
      ...(endpoint !== undefined ? { endpoint } : {}),
      integrationSource: 'x-openai-capi-reconcile',
      logLevel: 'error',
    },
    io,
    async () => emulator?.close(),
  );
  if (client === 2) return 2;
  try {
    if (emulator) io.stderr.write(`Replaying to the embedded emulator at ${emulator.url}\n`);
    // What the API accepts is recorded in the first ledger, so the next `reconcile` counts it.
    const first = args.ledgers[0] as string;
    const ledger = createLedger(basename(first) === LEDGER_FOLDER ? dirname(first) : first);
    const outcome = await replayMissing(result.missing, args.types[0]!, client, ledger, Date.now(), (m) => io.stderr.write(`${m}\n`));
    io.stdout.write(`${formatReplay(outcome)}\n`);
    const gap = gapPercent(result.missing.length - outcome.delivered.length, result.orders);
    io.stdout.write(`Gap after replay: ${gap.toFixed(2)} %\n`);
    return gap > args.maxGapPercent ? 1 : 0;
  } finally {
    await client.shutdown();
    await emulator?.close();
  }
}
