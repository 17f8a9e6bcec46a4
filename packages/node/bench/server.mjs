/**
 * The one local server every benchmarked sender talks to: HTTP on 127.0.0.1 in a worker thread (so
 * its CPU does not compete with the senders' thread), answering 200 `{}` to every POST. It counts
 * requests, body bytes as received (compressed when the sender gzips) and events: occurrences of
 * `"sku_123"`, which every benchmark event carries exactly once (in its one item), gunzipped first
 * when the request says `Content-Encoding: gzip`.
 */
import { Worker } from 'node:worker_threads';

/** The marker every benchmark event carries exactly once. */
export const EVENT_MARKER = '"sku_123"';

const SERVER = `
const { createServer } = require('node:http');
const { gunzipSync } = require('node:zlib');
const { parentPort } = require('node:worker_threads');
const MARKER = ${JSON.stringify(EVENT_MARKER)};
let totals = { events: 0, requests: 0, bytes: 0, rawBytes: 0 };
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    totals.requests++;
    totals.bytes += body.length;
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    totals.rawBytes += body.length;
    const s = body.toString('latin1');
    let i = -1;
    while ((i = s.indexOf(MARKER, i + 1)) !== -1) totals.events++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'take') { parentPort.postMessage(totals); totals = { events: 0, requests: 0, bytes: 0, rawBytes: 0 }; }
  if (m === 'close') server.close(() => process.exit(0));
  if (m === 'close') server.closeAllConnections();
});
`;

/**
 * Starts the server.
 * @returns {Promise<{ origin: string, take: () => Promise<{ events: number, requests: number, bytes: number, rawBytes: number }>, close: () => void }>}
 *   `take()` returns the totals since the last `take()` and resets them.
 */
export async function startServer() {
  const worker = new Worker(SERVER, { eval: true });
  const waiting = [];
  worker.on('message', (m) => waiting.shift()?.resolve(m));
  worker.on('error', (e) => { for (const w of waiting.splice(0)) w.reject(e); });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const { port } = await next();
  return {
    origin: `http://127.0.0.1:${port}`,
    take: () => {
      const answer = next();
      worker.postMessage('take');
      return answer;
    },
    close: () => worker.postMessage('close'),
  };
}
