/** Test helpers for the validation suites (not part of the public API). */
import type { EventValidationResult, ValidationResult, WireEvent } from '../types.js';

/** The frozen clock of the golden vectors (`vectors.json` `now_ms`). */
export const NOW = 1_773_892_860_000;

/** A valid `order_created` wire event; tests patch one field at a time. */
export function order(): Record<string, unknown> {
  return {
    id: 'order_12345',
    type: 'order_created',
    timestamp_ms: NOW - 60_000,
    source_url: 'https://shop.example.com/checkout',
    action_source: 'web',
    data: { type: 'contents', amount: 2599, currency: 'USD' },
  };
}

/** A SHA-256-shaped value (64 lowercase hex characters) for user lists. */
export const HASH = 'a'.repeat(64);

/** A valid wire event with no match key at all (no oppref, no user): tests add the keys they count. */
export const BARE_EVENT: WireEvent = {
  id: 'e1',
  type: 'order_created',
  timestamp_ms: NOW,
  action_source: 'web',
  source_url: 'https://shop.example/',
  data: { type: 'contents' },
};

/**
 * `path:code` of every rule broken: the issues that reject and the warnings (invalid optional
 * fields, spec §10) alike, so rule tests read the same in strict and lenient mode. Which of them
 * reject is tested apart (optional-fields.test.ts).
 */
export function codes(result: ValidationResult<unknown> | EventValidationResult): string[] {
  const warnings = 'warnings' in result ? result.warnings : [];
  return [...(result.ok ? [] : result.issues), ...warnings].map((i) => `${i.path}:${i.code}`);
}
