/**
 * The one local server every benchmarked sender talks to: HTTP on 127.0.0.1 in a child process
 * (server-child.cjs), answering 200 `{}` to every POST. A child process rather than a worker
 * thread, so that `process.cpuUsage()` of the benchmark is the senders' CPU alone. It counts
 * requests, body bytes as received (compressed when the sender gzips) and events: occurrences of
 * `"sku_123"`, which every benchmark event carries exactly once (in its one item), gunzipped first
 * when the request says `Content-Encoding: gzip`.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The marker every benchmark event carries exactly once. */
export const EVENT_MARKER = '"sku_123"';

/**
 * Starts the server.
 * @returns {Promise<{ origin: string, take: () => Promise<{ events: number, requests: number, bytes: number, rawBytes: number }>, close: () => void }>}
 *   `take()` returns the totals since the last `take()` and resets them.
 */
export async function startServer() {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'server-child.cjs'), [EVENT_MARKER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.resolve(m));
  const fail = (e) => {
    for (const w of waiting.splice(0)) w.reject(e instanceof Error ? e : new Error(`bench server exited (${e})`));
  };
  child.on('error', fail);
  child.on('exit', fail);
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const { port } = await next();
  return {
    origin: `http://127.0.0.1:${port}`,
    take: () => {
      const answer = next();
      child.send('take');
      return answer;
    },
    close: () => {
      child.removeListener('exit', fail);
      child.disconnect();
    },
  };
}
