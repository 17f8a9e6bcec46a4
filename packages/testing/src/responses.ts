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

/** The `type` of an error body, by status, as the live API answers (spec §7b). */
function errorType(status: number): ErrorBody['error']['type'] {
  return status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
}

/**
 * A JSON error answer in the shape recorded from the live API (spec §7b):
 * `{ error: { message, type, param, code, errors: [{ message, param, code }] } }`. `type` follows the
 * status (`invalid_request_error` for 4xx, `rate_limit_error` for 429, `server_error` for 5xx);
 * `param` and `code` are those of the first problem; `errors` lists every one. The emulator's own
 * per-issue detail (`issues`, with the event index) rides along as an extra field.
 */
export function errorOutcome(
  status: number,
  code: string,
  message: string,
  extra: { issues?: ResponseIssue[]; headers?: Record<string, string>; param?: string } = {},
): CapiOutcome {
  const param = extra.param ?? extra.issues?.[0]?.path ?? null;
  const errors = extra.issues?.length
    ? extra.issues.map((issue) => ({ message: issue.path ? `${issue.path}: ${issue.message}` : issue.message, param: issue.path || null, code: issue.code }))
    : [{ message, param, code }];
  const error: ErrorBody['error'] = { message, type: errorType(status), param, code, errors };
  if (extra.issues) error.issues = extra.issues;
  return jsonOutcome(status, { error } satisfies ErrorBody, extra.headers);
}

/**
 * The refusals both ingestion endpoints answer alike (`/v1/events` and the pixel's
 * `/v1/sdk/events`), worded once; `headers` adds the endpoint's own (the pixel's CORS).
 */
export const refusals = {
  missingPid: (headers?: Record<string, string>) =>
    errorOutcome(400, 'missing_pid', 'Missing pid query parameter (the pixel id)', {
      issues: [{ path: 'pid', code: 'missing_pid', message: 'The pid query parameter is required' }],
      ...(headers ? { headers } : {}),
    }),
  /** Recorded from the live API: 403 with this message (spec §7b). */
  unknownPid: (headers?: Record<string, string>) => errorOutcome(403, 'unknown_pid', '403: unknown pid', { param: 'pid', ...(headers ? { headers } : {}) }),
  tooLarge: (bodyBytes: number, limit: number, headers?: Record<string, string>) =>
    errorOutcome(413, 'request_too_large', `Request body of ${bodyBytes} bytes exceeds the limit of ${limit} bytes`, headers ? { headers } : {}),
  invalidJson: (headers?: Record<string, string>) =>
    errorOutcome(400, 'invalid_json', 'The request body is not valid JSON', {
      issues: [{ path: '', code: 'invalid_json', message: 'The request body is not valid JSON' }],
      ...(headers ? { headers } : {}),
    }),
};
