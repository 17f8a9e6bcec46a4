/**
 * The `openai-capi-emulator` bin:
 * `openai-capi-emulator [--port 4318] [--host 127.0.0.1] [--api-key KEY] [--pixel-id ID …] [--seed N]`
 * runs the Conversions API emulator until Ctrl-C.
 */
import { runCli } from './cli-run.js';

const run = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onStop: (stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
});
process.exit(await run.exitCode);
