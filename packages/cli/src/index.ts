/**
 * The `openai-capi` command (`npx @x/openai-capi-cli upload orders.csv`), callable from code:
 * `runCli(['upload', 'orders.csv', '--dry-run'], { stdout, stderr, env })` resolves to the exit code.
 * @packageDocumentation
 */
export { runCli } from './main.js';
export type { CliIo } from './upload/run-upload.js';
export type { ProgressStream } from './upload/progress.js';
