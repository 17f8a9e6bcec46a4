/** The file store on the real file system: journal, replay, torn line, compaction, lock, cap. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireEvent } from '@x/openai-capi-core';
import { createFileStore } from './file-store.js';
import { CapiStoreError, type EventStore } from './store.js';

const event = (id: string, t = Date.now()): WireEvent =>
  ({ type: 'lead_created', id, timestamp_ms: t, action_source: 'web', source_url: 'https://shop.example/' }) as unknown as WireEvent;

let dir: string;
const open: EventStore[] = [];
const store = (options: Partial<Parameters<typeof createFileStore>[0]> = {}) => {
  const s = createFileStore({ directory: dir, ...options });
  open.push(s);
  return s;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'capi-file-store-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('createFileStore', () => {
  it('keeps appended events until settled, across a reopen', async () => {
    const a = store();
    expect((await a.open()).problems).toEqual([]);
    expect(await a.append([event('e1'), event('e2'), event('e3')])).toBe(3);
    const loaded = await a.load(10);
    expect(loaded.map((s) => s.event.id)).toEqual(['e1', 'e2', 'e3']);
    expect(await a.load(10)).toEqual([]); // claimed: not handed out twice
    await a.markDelivered([loaded[0]!.ref]);
    await a.markRejected([loaded[1]!.ref]);
    await a.release([loaded[2]!.ref]);
    expect((await a.load(10)).map((s) => s.event.id)).toEqual(['e3']);
    await a.close();
    open.length = 0;
    const b = store();
    await b.open();
    expect((await b.load(10)).map((s) => s.event.id)).toEqual(['e3']);
    expect(b.size?.()).toBe(1);
  });

  it('replays events a killed process claimed but never settled', async () => {
    const a = store({ durability: 'always' });
    await a.open();
    await a.append([event('x1'), event('x2')]);
    await a.load(10); // claimed, then the process "dies": no close, no release
    writeFileSync(join(dir, 'lock'), '999999999\n'); // a pid that does not run
    const b = createFileStore({ directory: dir });
    open.push(b);
    const { problems } = await b.open();
    expect(problems.map((p) => p.code)).toEqual(['stale_lock']);
    expect((await b.load(10)).map((s) => s.event.id)).toEqual(['x1', 'x2']);
  });

  it('skips and reports a torn last line, keeping every whole record', async () => {
    const a = store();
    await a.open();
    await a.append([event('t1'), event('t2')]);
    await a.close();
    open.length = 0;
    appendFileSync(join(dir, 'journal.ndjson'), '{"s":2,"e":{"type":"lead_cre');
    const b = store();
    const { problems } = await b.open();
    expect(problems).toEqual([{ code: 'torn_line', message: expect.stringContaining('cut short') }]);
    expect((await b.load(10)).map((s) => s.event.id)).toEqual(['t1', 't2']);
    // The torn fragment is gone from the journal: the next append starts on a clean line.
    await b.append([event('t3')]);
    await b.close();
    open.length = 0;
    const c = store();
    expect((await c.open()).problems).toEqual([]);
    expect((await c.load(10)).map((s) => s.event.id)).toEqual(['t1', 't2', 't3']);
  });

  it('keeps its files private: directory 0700, journal 0600', async () => {
    const nested = join(dir, 'private');
    const s = createFileStore({ directory: nested });
    open.push(s);
    await s.open();
    await s.append([event('p1')]);
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    expect(statSync(join(nested, 'journal.ndjson')).mode & 0o777).toBe(0o600);
  });

  it('reports a corrupt line in the middle and keeps the rest', async () => {
    writeFileSync(join(dir, 'journal.ndjson'), `{"s":0,"e":${JSON.stringify(event('c0'))}}\nnot json\n{"s":1,"e":${JSON.stringify(event('c1'))}}\n`);
    const a = store();
    const { problems } = await a.open();
    expect(problems.map((p) => p.code)).toEqual(['corrupt_line']);
    expect((await a.load(10)).map((s) => s.event.id)).toEqual(['c0', 'c1']);
  });

  it('compacts the journal once enough of it is delivered', async () => {
    const a = store();
    await a.open();
    const many = Array.from({ length: 3000 }, (_, i) => event(`m${i}`));
    await a.append(many);
    const big = statSync(join(dir, 'journal.ndjson')).size;
    for (;;) {
      const loaded = await a.load(500);
      if (loaded.length === 0) break;
      await a.markDelivered(loaded.map((s) => s.ref));
    }
    const after = statSync(join(dir, 'journal.ndjson')).size;
    expect(after).toBeLessThan(big / 10);
    expect(a.size?.()).toBe(0);
    await a.close();
    open.length = 0;
    const b = store();
    await b.open();
    expect(await b.load(10)).toEqual([]);
  });

  it('refuses appends past maxEvents (a prefix is taken)', async () => {
    const a = store({ maxEvents: 5 });
    await a.open();
    expect(a.maxEvents).toBe(5);
    expect(await a.append(Array.from({ length: 8 }, (_, i) => event(`cap${i}`)))).toBe(5);
    expect(await a.append([event('more')])).toBe(0);
    const loaded = await a.load(2);
    await a.markDelivered(loaded.map((s) => s.ref));
    expect(await a.append([event('more'), event('more2'), event('more3')])).toBe(2);
  });

  it('refuses a directory held by this or another live process', async () => {
    store();
    expect(() => createFileStore({ directory: dir })).toThrow(CapiStoreError);
    expect(() => createFileStore({ directory: dir })).toThrow(/in use by process \d+/);
    await open.pop()!.close();
    // Another live process: a sleeping child whose pid is written in the lock.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'lock'), `${sleeper.pid}\n`);
      expect(() => createFileStore({ directory: dir })).toThrow(new RegExp(`in use by process ${sleeper.pid}`));
      // Its real start time: still refused. Another start time: the pid was reused, taken over.
      const stat = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8');
      const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(join(dir, 'lock'), `${sleeper.pid}\n${started}\n`);
      expect(() => createFileStore({ directory: dir })).toThrow(/in use by process/);
      writeFileSync(join(dir, 'lock'), `${sleeper.pid}\n1\n`);
      const reused = createFileStore({ directory: dir });
      expect((await reused.open()).problems.map((p) => p.code)).toEqual(['stale_lock']);
      await reused.close();
    } finally {
      sleeper.kill('SIGKILL');
    }
    // A dead process's lock is taken over.
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'lock'), dead.stdout);
    const taken = store();
    expect((await taken.open()).problems.map((p) => p.code)).toEqual(['stale_lock']);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}\\n\\d+\\n$`));
    await taken.close();
    open.length = 0;
    expect(() => readFileSync(join(dir, 'lock'))).toThrow(/ENOENT/);
  });

  it("takes over a lock with this process's own pid that no store here holds (a restarted container's pid 1)", async () => {
    writeFileSync(join(dir, 'lock'), `${process.pid}\n`);
    const s = store();
    expect((await s.open()).problems.map((p) => p.code)).toEqual(['stale_lock']);
    expect(() => createFileStore({ directory: dir })).toThrow(/in use by process/);
  });

  it('rejects bad options with a CapiStoreError naming the option', () => {
    expect(() => createFileStore({ directory: '' })).toThrow(/directory must be a non-empty path/);
    expect(() => createFileStore({ directory: dir, durability: 'sometimes' as 'always' })).toThrow(/durability must be 'always' or 'batched'/);
  });
});
