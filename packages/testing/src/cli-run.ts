import { startEmulator, type Emulator, type EmulatorOptions } from './server.js';
import { USAGE, parseCli } from './cli-args.js';
import { PIXEL_SCRIPT_PATH } from './pixel-script.js';

/** What the CLI touches of its process, injected so it can be tested in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Registers the stop handler (the bin wires SIGINT and SIGTERM). */
  onStop: (stop: () => void) => void;
}

/** A started CLI: the emulator and a promise of the exit code once stopped. */
export interface CliRun {
  emulator: Emulator | undefined;
  exitCode: Promise<number>;
}

function describeOptions(emulator: Emulator, options: EmulatorOptions): string {
  return (
    `OpenAI Conversions API emulator\n` +
    `  live page: ${emulator.url}/\n` +
    `  endpoint:  ${emulator.endpoint}  (POST ?pid=<pixel id>)\n` +
    `  pixel:     ${emulator.url}${PIXEL_SCRIPT_PATH}  (give it to the tracker as pixelScriptUrl)\n` +
    `  api key:   ${options.apiKey ? 'required (the one given)' : 'any bearer key'}\n` +
    `  pixel ids: ${options.pixelIds ? options.pixelIds.join(', ') : 'any'}\n` +
    `Press Ctrl-C to stop.\n`
  );
}

/**
 * Runs `openai-capi-emulator` with `argv` (arguments only): prints the page URL and the endpoint,
 * then serves until `io.onStop` fires, closing the server cleanly. Exit code 0, 1 (could not start)
 * or 2 (bad arguments). The API key is never printed.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliRun> {
  let options: EmulatorOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return { emulator: undefined, exitCode: Promise.resolve(2) };
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return { emulator: undefined, exitCode: Promise.resolve(0) };
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    io.stderr(`openai-capi-emulator: ${(error as Error).message}\n`);
    // A RangeError is a bad option (usage, exit 2); anything else could not start (a port in use: 1).
    return { emulator: undefined, exitCode: Promise.resolve(error instanceof RangeError ? 2 : 1) };
  }
  io.stdout(describeOptions(emulator, options));
  const exitCode = new Promise<number>((resolve) => {
    io.onStop(() => {
      emulator.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    });
  });
  return { emulator, exitCode };
}
