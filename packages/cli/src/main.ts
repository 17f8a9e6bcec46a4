import { USAGE as RECONCILE_USAGE } from './reconcile/args.js';
import { runReconcile } from './reconcile/run-reconcile.js';
import { USAGE as UPLOAD_USAGE } from './upload/cli-args.js';
import { runUpload, type CliIo } from './upload/run-upload.js';

/** One `openai-capi <command>`: a line for the overview, its usage, and what runs it. */
interface Command {
  summary: string;
  usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** The subcommands, by name. A new one (e.g. `reconcile`) is one more entry here. */
const COMMANDS: Readonly<Record<string, Command>> = {
  upload: {
    summary: 'send offline / CRM conversions from a CSV or NDJSON file (or --dry-run to validate it)',
    usage: UPLOAD_USAGE,
    run: runUpload,
  },
  reconcile: {
    summary: 'compare backend orders with the delivery ledger; --replay sends the missing ones',
    usage: RECONCILE_USAGE,
    run: runReconcile,
  },
};

/** The overview printed by `openai-capi`, `openai-capi --help` and after an unknown command. */
export const OVERVIEW = `Usage: openai-capi <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "openai-capi <command> --help" for a command's options.`;

/**
 * The `openai-capi` command line: `argv` without the node and script paths (`['upload', 'a.csv']`).
 * Dispatches to the subcommand and resolves to the process exit code (2 on an unknown command).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    if (name === 'help' && rest[0] !== undefined && !topic) return unknown(rest[0], io);
    io.stdout.write(`${topic ? topic.usage : OVERVIEW}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) return unknown(name, io);
  return command.run(rest, io);
}

function unknown(name: string, io: CliIo): number {
  io.stderr.write(`openai-capi: unknown command "${name}"\n\n${OVERVIEW}\n`);
  return 2;
}
