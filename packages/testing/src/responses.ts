import type { ErrorBody, ResponseIssue } from './types.js';

/** What the emulator decided for one request. Adapters (node:http, msw) turn it into a reply. */
export type CapiOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      body: string;
      /** Wait this long before answering (latency fault). */
      delayMs: number;
    }
  | {
      /** Drop the connection without an answer (reset fault). */
      kind: 'reset';
      delayMs: number;
    };

/** A JSON answer. */
export function jsonOutcome(status: number, body: unknown, headers: Record<string, string> = {}): CapiOutcome {
  return {
    kind: 'response',
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
    delayMs: 0,
  };
}

/** A JSON error answer: `{ error: { type, message, issues? } }`. */
export function errorOutcome(
  status: number,
  type: ErrorBody['error']['type'],
  message: string,
  extra: { issues?: ResponseIssue[]; headers?: Record<string, string> } = {},
): CapiOutcome {
  const error: ErrorBody['error'] = { type, message };
  if (extra.issues) error.issues = extra.issues;
  return jsonOutcome(status, { error } satisfies ErrorBody, extra.headers);
}
