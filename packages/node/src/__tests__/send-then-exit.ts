/**
 * Child process of `node-http-fetch.test.ts`: a script that sends one event with the default
 * transport (node:http on Node) to the server at argv[2], then has nothing else to do. It must exit
 * at once: the keep-alive socket left in the agent's pool may not hold the process open. Prints the
 * report as JSON. Not shipped.
 */
import { createClient } from '../index.js';

const client = createClient({ pixelId: 'px_exit', apiKey: 'sk_exit', logLevel: 'off', endpoint: `${process.argv[2]}/v1/events` });
const report = await client.send([
  { id: 'exit-http', type: 'page_viewed', timestamp_ms: Date.now(), source_url: 'https://shop.example/', action_source: 'web', data: { type: 'contents' } },
]);
process.stdout.write(JSON.stringify({ delivered: report.delivered }));
