/** Command-line parsing of `openai-capi-emulator`. */
import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './server.js';

export const USAGE = `Usage: openai-capi-emulator [options]

Runs a local emulator of the OpenAI Ads Conversions API with a live page of received events.

Options:
  --port <n>        port to listen on (default 4318; 0 picks a free port)
  --host <host>     interface to listen on (default 127.0.0.1)
  --api-key <key>   require this bearer key (default: any key is accepted)
  --pixel-id <id>   known pixel id, repeatable (default: any pixel id is accepted)
  --seed <n>        seed of the fault PRNG (default 1)
  -h, --help        show this help
`;

/** Parses the command line into emulator options; throws an `Error` with a readable message. */
export function parseCli(argv: readonly string[]): EmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '4318' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string' },
      'pixel-id': { type: 'string', multiple: true },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  // Digits only: Number() would read '' as 0 and 0x1F90 as 8080.
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`--port must be an integer from 0 to 65535`);
  const options: EmulatorOptions = { port, host: values.host };
  if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
  if (values['pixel-id'] !== undefined) options.pixelIds = values['pixel-id'];
  if (values.seed !== undefined) {
    const seed = /^-?\d{1,15}$/.test(values.seed) ? Number(values.seed) : Number.NaN;
    if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
    options.seed = seed;
  }
  return options;
}
