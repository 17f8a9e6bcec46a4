/**
 * `pnpm demo`: starts the emulator and the shop, prints where to look, and shuts down cleanly on
 * Ctrl-C (the client flushes what it still holds). With OPENAI_CAPI_PIXEL_ID and
 * OPENAI_CAPI_API_KEY set, the server talks to the real API with `validate_only: true` instead.
 */
import { startDemo } from './server.js';

const env = process.env;
const port = (name: string, fallback: number) => {
  const value = env[name];
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
};

const real =
  env['OPENAI_CAPI_PIXEL_ID'] && env['OPENAI_CAPI_API_KEY']
    ? { pixelId: env['OPENAI_CAPI_PIXEL_ID'], apiKey: env['OPENAI_CAPI_API_KEY'] }
    : undefined;

const demo = await startDemo({
  port: port('PORT', 3000),
  emulatorPort: port('EMULATOR_PORT', 4318),
  ...(real ? { real } : {}),
});

const where = demo.emulator
  ? `  Emulator (what "OpenAI" received):        ${demo.emulator.url.replace('127.0.0.1', 'localhost')}/

  No account, no key, nothing leaves this machine: the server's events, the relay's and the
  browser pixel's (the emulator serves the pixel script) all go to the local emulator.
  Accept the cookie banner, press "Buy now", then watch one deduplicated conversion arrive.`
  : `  Sending to the real Conversions API with validate_only: true (pixel ${real?.pixelId}):
  OpenAI validates every event and saves none; this log shows each answer.
  Accept the cookie banner and press "Buy now".`;

// Before the banner: whoever reads "Ctrl-C to stop" may press it at once.
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: flushing and shutting down…`);
  demo.close().then(
    () => {
      console.log('Bye.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error('Shutdown failed:', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

console.log(`
  openai-capi demo

  Shop (as if you came from a ChatGPT ad):  ${demo.shopUrl}?oppref=demo-click-1
${where}
  Ctrl-C to stop.
`);

