import type { RowProblem, UploadSummary } from './upload.js';

/** How many problem rows to list one by one before summing up the rest. */
const MAX_LISTED = 20;

function listProblems(title: string, problems: readonly RowProblem[]): string[] {
  if (problems.length === 0) return [];
  const lines = [`${title}:`];
  for (const p of problems.slice(0, MAX_LISTED)) lines.push(`  line ${p.line}${p.id ? ` (${p.id})` : ''}: ${p.reason}`);
  if (problems.length > MAX_LISTED) lines.push(`  … and ${problems.length - MAX_LISTED} more`);
  return lines;
}

/** The final report printed by `openai-capi upload`. Reasons come from the SDK: no personal data. */
export function formatSummary(summary: UploadSummary, options: { validateOnly?: boolean } = {}): string {
  const verb = options.validateOnly ? 'validated (validate_only: nothing saved)' : 'delivered';
  const done = summary.dryRun ? `${summary.valid} valid (dry run: checked here, nothing sent)` : `${summary.delivered} ${verb}`;
  const lines = [
    `${summary.total} rows: ${done}, ${summary.rejected.length} rejected, ${summary.stale.length} stale (older than 7 days)${summary.dryRun ? '' : ` — ${summary.batches} request(s)`}`,
    ...listProblems('Rejected', summary.rejected),
    ...listProblems('Stale (the API only accepts the last 7 days)', summary.stale),
  ];
  if (summary.ignoredColumns.length > 0) {
    lines.push(`Ignored columns: ${summary.ignoredColumns.join(', ')} (map one with --map column=field)`);
  }
  return lines.join('\n');
}
