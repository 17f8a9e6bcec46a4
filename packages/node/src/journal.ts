import type { WireEvent } from '@x/openai-capi-core';
import { parseJsonObjectLine } from './json-line.js';
import type { StoreProblem } from './store.js';

/**
 * The journal's records, one JSON object per line:
 * - `{"s":7,"e":{…wire event…}}`: event appended under sequence number 7;
 * - `{"d":[7,8]}`: delivered; `{"r":[9]}`: rejected. Either one settles the events for good.
 */
type JournalRecord = { s: number; e: WireEvent } | { d: number[] } | { r: number[] };

/** The line appending `event` under `seq`. */
export function appendLine(seq: number, event: WireEvent): string {
  return `{"s":${seq},"e":${JSON.stringify(event)}}\n`;
}

/** The line settling `seqs` (`d` delivered, `r` rejected). */
export function settleLine(kind: 'd' | 'r', seqs: readonly number[]): string {
  return `{"${kind}":[${seqs.join(',')}]}\n`;
}

/** What a journal holds once read: the unsettled events by sequence number, oldest first. */
export interface Recovered {
  live: Map<number, WireEvent>;
  nextSeq: number;
  problems: StoreProblem[];
}

/**
 * Reads a journal. A last line without its newline (a crash in the middle of a write) is skipped
 * and reported as `torn_line`; any other unreadable line as `corrupt_line`. Never throws.
 */
export function recover(text: string): Recovered {
  const live = new Map<number, WireEvent>();
  const problems: StoreProblem[] = [];
  let nextSeq = 0;
  const lines = text.split('\n');
  const last = lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const record = parse(line);
    if (record === undefined) {
      problems.push(i === last
        ? { code: 'torn_line', message: `the journal's last line (${line.length} chars) was cut short by a crash: skipped` }
        : { code: 'corrupt_line', message: `journal line ${i + 1} is not a record: skipped` });
      continue;
    }
    if ('s' in record) {
      live.set(record.s, record.e);
      if (record.s >= nextSeq) nextSeq = record.s + 1;
    } else {
      for (const seq of 'd' in record ? record.d : record.r) live.delete(seq);
    }
  }
  return { live, nextSeq, problems };
}

function parse(line: string): JournalRecord | undefined {
  const r = parseJsonObjectLine(line);
  if (r === undefined) return undefined;
  if (Number.isSafeInteger(r['s']) && typeof r['e'] === 'object' && r['e'] !== null) return r as JournalRecord;
  for (const kind of ['d', 'r'] as const) {
    const seqs = r[kind];
    if (Array.isArray(seqs) && seqs.every((s) => Number.isSafeInteger(s))) return r as JournalRecord;
  }
  return undefined;
}
