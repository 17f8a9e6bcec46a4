import { fromMinorUnits } from '@x/openai-capi-core';
import type { ProgressStream } from '../upload/progress.js';
import type { Reconciliation } from './compare.js';
import type { ReplayOutcome } from './replay.js';

const LIST = 50;
const iso = (ms: number) => new Date(ms).toISOString();

/** The report printed by `reconcile` (ids, lines, amounts: no personal data is read or printed). */
export function formatReconciliation(r: Reconciliation, maxGapPercent: number): string {
  const out: string[] = [];
  out.push(`Window: ${iso(r.window.since)} → ${iso(r.window.until)}`);
  out.push(`${r.orders} backend orders · ${r.matched} delivered · ${r.missing.length} never delivered · ${r.unmatched.length} deliveries with no order · ${r.mismatches.length} value/currency mismatches`);
  const lost = Object.entries(r.missingValue).map(([c, minor]) => `${fromMinorUnits(minor, c)} ${c}`).join(', ');
  out.push(`Gap: ${r.gapPercent.toFixed(2)} % of orders (threshold ${maxGapPercent} %)${lost ? `; value not delivered: ${lost}` : ''}`);
  section(out, 'Never delivered (id, line, time):', r.missing.map((o) => `${o.id}  line ${o.line}  ${iso(o.time)}`));
  section(out, 'Delivered with no backend order (id, type, source, time):', r.unmatched.map((e) => `${e.id}  ${e.name ?? e.type}  ${e.src}  ${iso(e.ts)}`));
  section(out, 'Value or currency mismatches (id, line, backend → delivered):', r.mismatches.map((m) => `${m.id}  line ${m.line}  ${m.field}: ${m.backend} → ${m.delivered}`));
  return out.join('\n');
}

/** What `--replay` did. */
export function formatReplay(outcome: ReplayOutcome): string {
  const out = [`Replay: ${outcome.delivered.length} delivered, ${outcome.notSent.length} not sent`];
  section(out, 'Not sent (id, line, why):', outcome.notSent.map((n) => `${n.id}  line ${n.line}  ${n.reason}`));
  return out.join('\n');
}

function section(out: string[], title: string, lines: string[]): void {
  if (lines.length === 0) return;
  out.push('', title, ...lines.slice(0, LIST).map((l) => `  ${l}`));
  if (lines.length > LIST) out.push(`  … and ${lines.length - LIST} more`);
}

/** A bar on a terminal (redrawn in place), a line per 10 % elsewhere; silent below 1 000 rows. */
export function comparisonProgress(stream: ProgressStream, label: string): { update(done: number, total: number): void; done(): void } {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done, total) {
      if (total < 1000) return;
      const ratio = done / total;
      const filled = Math.round(ratio * 28);
      const line = `[${'#'.repeat(filled)}${'·'.repeat(28 - filled)}] ${done}/${total} ${label}`;
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = Math.floor(ratio * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${line}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
