import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgress } from './progress.js';

const step = (processed: number) => ({ processed, total: 100, valid: processed, dryRun: false, delivered: processed, rejected: 0, stale: 0 });

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (t: string) => out.push(t) } };
}

describe('progress bar', () => {
  it('formats a bar with counts', () => {
    expect(formatProgress({ processed: 50, total: 100, valid: 40, dryRun: false, delivered: 40, rejected: 7, stale: 3 }, 10)).toBe(
      '[#####·····]  50/100 rows  delivered 40 · rejected 7 · stale 3',
    );
  });

  it('counts valid rows instead of delivered ones in a dry run', () => {
    expect(formatProgress({ processed: 50, total: 100, valid: 43, dryRun: true, delivered: 0, rejected: 7, stale: 0 }, 10)).toBe(
      '[#####·····]  50/100 rows  valid 43 · rejected 7 · stale 0',
    );
  });

  it('redraws in place on a terminal and ends the line when done', () => {
    const { out, stream } = sink(true);
    const bar = createProgressBar(stream);
    bar.update(step(10));
    bar.update(step(11));
    bar.done();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\r\[/);
    expect(out[2]).toBe('\n');
  });

  it('prints plain lines at most once per 10 % when not a terminal', () => {
    const { out, stream } = sink(false);
    const bar = createProgressBar(stream);
    for (let i = 0; i <= 100; i++) bar.update(step(i));
    bar.done();
    expect(out).toHaveLength(11);
    expect(out.every((l) => !l.includes('\r') && l.endsWith('\n'))).toBe(true);
  });
});
