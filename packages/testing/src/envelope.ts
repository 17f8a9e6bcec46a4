import { validateBatch, validateIntegrationSource } from '@x/openai-capi-core';
import type { Issue, WireEvent } from '@x/openai-capi-core';
import type { ResponseIssue } from './types.js';

const ENVELOPE_KEYS = new Set(['events', 'validate_only', 'integration_source']);

/** The request body checked against §2 and every event against core's validator. */
export type EnvelopeResult =
  | { ok: true; events: WireEvent[]; validateOnly: boolean; integrationSource: string | undefined }
  | { ok: false; issues: ResponseIssue[] };

const INDEXED_PATH = /^events\[(\d+)\]/;

/** Adds the event index to a core batch issue (paths already start at the body root: `events[2].…`). */
export function toResponseIssue(issue: Issue): ResponseIssue {
  const match = INDEXED_PATH.exec(issue.path);
  const base = { path: issue.path, code: issue.code, message: issue.message };
  return match ? { index: Number(match[1]), ...base } : base;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope (`events`, `validate_only`, `integration_source`, no other key) and validates
 * the batch with core, all or nothing. Collects every issue instead of stopping at the first.
 */
export function checkEnvelope(body: unknown, now: number): EnvelopeResult {
  if (!isPlainObject(body)) {
    return { ok: false, issues: [{ path: '', code: 'invalid_type', message: 'The request body must be a JSON object' }] };
  }
  const issues: ResponseIssue[] = [];
  for (const key of Object.keys(body)) {
    if (!ENVELOPE_KEYS.has(key)) {
      issues.push({ path: key, code: 'unknown_field', message: `Unknown field "${key}" (allowed: events, validate_only, integration_source)` });
    }
  }
  const validateOnly = body['validate_only'];
  if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
    issues.push({ path: 'validate_only', code: 'invalid_type', message: 'validate_only must be a boolean' });
  }
  const source = body['integration_source'];
  if (source !== undefined) {
    for (const issue of validateIntegrationSource(source)) {
      issues.push({ path: issue.path, code: issue.code, message: issue.message });
    }
  }
  const events = body['events'];
  let valid: WireEvent[] | undefined;
  if (events === undefined) {
    issues.push({ path: 'events', code: 'required', message: 'events is required (an array of 1 to 1000 events)' });
  } else {
    const result = validateBatch(events, { now });
    if (result.ok) valid = result.event;
    else issues.push(...result.issues.map(toResponseIssue));
  }
  if (issues.length > 0 || !valid) return { ok: false, issues };
  return {
    ok: true,
    events: valid,
    validateOnly: validateOnly === true,
    integrationSource: typeof source === 'string' ? source.trim().toLowerCase() : undefined,
  };
}
