import { builtin } from './node-builtins.js';
import { CapiStoreError, type StoreProblem } from './store.js';

/** Lock files held by stores of this process (a lock with our pid but not in here is a previous run's). */
const held = new Set<string>();

/**
 * Takes `path` as an exclusive lock file holding this process's pid. A lock whose pid no longer
 * runs (a crashed process) is taken over and reported; a lock held by a live process (this one
 * included: a second store on the same directory) is refused with a {@link CapiStoreError}. A lock
 * with this process's own pid that no store here holds is a previous run's (a restarted container
 * gets the same pid, often 1): taken over too. Where `/proc` tells a process's start time (Linux),
 * the lock records it, so a pid reused by an unrelated process does not keep the lock either.
 */
export function takeLock(path: string, problems: StoreProblem[]): () => void {
  const { closeSync, openSync, unlinkSync, writeSync } = builtin('fs');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n${startTime(process.pid) ?? ''}\n`);
      } finally {
        closeSync(fd);
      }
      held.add(path);
      return () => releaseLock(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CapiStoreError(`cannot create the lock file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
      }
    }
    const { pid: holder, start } = readLock(path);
    if (holder !== undefined && (holder === process.pid ? held.has(path) : isAlive(holder) && sameProcess(holder, start))) {
      throw new CapiStoreError(
        `the store directory is in use by process ${holder} (lock ${path}); give each process its own directory, or use the Redis store to share one queue`,
      );
    }
    problems.push({ code: 'stale_lock', message: `took over the lock of process ${holder ?? '(unreadable)'}, which no longer runs` });
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first: the next attempt sees its pid.
    }
  }
  throw new CapiStoreError(`cannot take the lock ${path}: other processes keep taking it`);
}

function readLock(path: string): { pid: number | undefined; start: string | undefined } {
  try {
    const [first = '', second = ''] = builtin('fs').readFileSync(path, 'utf8').split('\n');
    const pid = Number.parseInt(first, 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, start: second.trim() === '' ? undefined : second.trim() };
  } catch {
    return { pid: undefined, start: undefined };
  }
}

/** The start time of a process (field 22 of `/proc/<pid>/stat`, clock ticks since boot); undefined where unknown. */
function startTime(pid: number): string | undefined {
  try {
    const stat = builtin('fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** False when the lock's recorded start time shows that `pid` now belongs to another process. */
function sameProcess(pid: number, start: string | undefined): boolean {
  if (start === undefined) return true;
  const now = startTime(pid);
  return now === undefined || now === start;
}

/** True when a process with this pid runs (EPERM: it runs, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseLock(path: string): void {
  held.delete(path);
  try {
    if (readLock(path).pid === process.pid) builtin('fs').unlinkSync(path);
  } catch {
    // Already gone.
  }
}
