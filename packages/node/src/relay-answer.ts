/**
 * The relay's answers, kept small whatever the input (a few KiB; at most about 32 KiB): at most
 * {@link MAX_LISTED_ISSUES} issues for a refused request, {@link MAX_ISSUES_PER_EVENT} per refused
 * event, {@link MAX_LISTED_EVENTS} refused events, paths and echoed ids cut, and a count of what
 * was left out.
 */
import type { Issue } from '@x/openai-capi-core';

/** Most issues listed for a refused request (`{ error, issues }`). */
export const MAX_LISTED_ISSUES = 10;
/** Most issues listed for one refused event. */
export const MAX_ISSUES_PER_EVENT = 5;
/** Most refused events listed in one answer. */
export const MAX_LISTED_EVENTS = 20;
/** Longest issue path or echoed id kept in an answer (a longer one is cut and marked with `…`). */
const MAX_ECHO_CHARS = 128;

/** One event the relay refused, as listed in its answer. */
export interface RelayRejection {
  /** Index in the posted `events` array. */
  index: number;
  /** The event id, when it had a string one (cut to 128 characters). */
  id?: string;
  /** Why it was refused: the first issues, each with a path, a code and a message. */
  issues: readonly Issue[];
  /** How many issues the event had in all, when more than are listed. */
  issueCount?: number;
}

/** A string from the request, cut to a size fit to echo back. */
export function echo(text: string): string {
  return text.length <= MAX_ECHO_CHARS ? text : `${text.slice(0, MAX_ECHO_CHARS)}…`;
}

/** The first issues, their paths cut, and the total when some were left out. */
export function capIssues(issues: readonly Issue[], max = MAX_LISTED_ISSUES): { issues: Issue[]; issueCount?: number } {
  const listed = issues.slice(0, max).map((i) => ({ ...i, path: echo(i.path) }));
  return issues.length > max ? { issues: listed, issueCount: issues.length } : { issues: listed };
}

/** A refused event as listed: its issues capped, its id cut. */
export function rejection(index: number, id: string | undefined, issues: readonly Issue[]): RelayRejection {
  const capped = capIssues(issues, MAX_ISSUES_PER_EVENT);
  return id === undefined ? { index, ...capped } : { index, id: echo(id), ...capped };
}

/** The answer to a request whose events were each looked at. */
export function eventsAnswer(status: number, accepted: string[], refused: RelayRejection[], warnings: readonly Issue[], setCookies: readonly string[]): Response {
  const body: Record<string, unknown> = { accepted, rejected: refused.slice(0, MAX_LISTED_EVENTS) };
  if (refused.length > MAX_LISTED_EVENTS) body.rejectedCount = refused.length;
  if (warnings.length > 0) Object.assign(body, { warnings: capIssues(warnings).issues });
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(JSON.stringify(body), { status, headers });
}

/** A failure of the whole request: `{ error, issues, issueCount? }`, issues capped. */
export function failure(status: number, error: string, issues: readonly Issue[], extra: Record<string, string> = {}): Response {
  return json(status, { error, ...capIssues(issues) }, extra);
}

/** A refusal of the whole request with one issue, in the shape of every other 4xx. */
export function refusal(status: number, code: string, message: string, extra: Record<string, string> = {}): Response {
  return failure(status, code, [{ path: '', code, message }], extra);
}

/** A JSON answer that is never cached. */
export function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
  });
}
