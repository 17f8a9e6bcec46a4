import type { UploadProgress } from './upload.js';

/** Where progress goes: `process.stderr` fits. */
export interface ProgressStream {
  /** Writes text as is (no newline added). */
  write(text: string): unknown;
  /** True on a terminal: the bar is redrawn in place; otherwise a line per 10 %. */
  isTTY?: boolean | undefined;
}

/** Draws the progress of an upload, then clears itself with {@link ProgressBar.done}. */
export interface ProgressBar {
  update(progress: UploadProgress): void;
  done(): void;
}

const WIDTH = 28;

/**
 * One line of progress: `[#######·······]  120/500 rows  delivered 100 · rejected 15 · stale 5`
 * (`valid 100` instead of `delivered` in a dry run).
 */
export function formatProgress(p: UploadProgress, width = WIDTH): string {
  const ratio = p.total === 0 ? 1 : p.processed / p.total;
  const filled = Math.round(ratio * width);
  const bar = '#'.repeat(filled) + '·'.repeat(width - filled);
  const count = `${String(p.processed).padStart(String(p.total).length)}/${p.total} rows`;
  const done = p.dryRun ? `valid ${p.valid}` : `delivered ${p.delivered}`;
  return `[${bar}] ${count}  ${done} · rejected ${p.rejected} · stale ${p.stale}`;
}

/**
 * A bar redrawn in place on a terminal; on a pipe or a CI log (no TTY) it prints a plain line at
 * most every 10 % instead, so logs stay short.
 */
export function createProgressBar(stream: ProgressStream): ProgressBar {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      if (stream.isTTY) {
        stream.write(`\r${formatProgress(p)}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = p.total === 0 ? 10 : Math.floor((p.processed / p.total) * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${formatProgress(p)}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
