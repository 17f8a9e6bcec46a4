/**
 * Starts a real `redis-server` (Debian's package; `.ci/run` installs it) for a test: a random free
 * port on 127.0.0.1, its files in a fresh temp directory, no persistence. Throws, saying why, when
 * it cannot start: a Redis test must fail, never skip. Not shipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server. */
export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

function findRedisServer(): string {
  const fromEnv = process.env['REDIS_SERVER'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (found !== '') return found;
  throw new Error('redis-server is not installed: `apt-get install -y redis-server` (.ci/run does it), or set REDIS_SERVER');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server; retries on another port when the chosen one was taken meanwhile. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'capi-redis-'));
  const log = join(dir, 'redis.log');
  let lastReason = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(binary, [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', log,
      '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes',
    ], { stdio: 'ignore' });
    const started = await waitReady(child, log);
    if (started === true) {
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    lastReason = started;
    if (!/in use/i.test(started)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server (${binary}) did not start: ${lastReason}`);
}

/** `true` once the log says it is ready; else why it is not (its last log lines). */
async function waitReady(child: ChildProcess, log: string): Promise<true | string> {
  let error: Error | undefined;
  child.once('error', (e) => (error = e));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (/Ready to accept connections/.test(text)) return true;
    if (error !== undefined) return error.message;
    if (child.exitCode !== null || child.signalCode !== null) return text.trim().split('\n').slice(-3).join(' | ') || `exited with ${child.exitCode ?? child.signalCode}`;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  return 'not ready within 10 s';
}
