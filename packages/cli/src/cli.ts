import { runCli } from './main.js';

// What bin/openai-capi.js runs (built to dist/cli.js).
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
