import type { Issue, IssueCode } from './types.js';

const BRAND = Symbol.for('x.openai-capi.error');

/** True when `value` carries the brand `name` (set by this package, or by another copy of it). */
function hasBrand(value: unknown, name: string): boolean {
  const brands: unknown = (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND];
  return Array.isArray(brands) && brands.includes(name);
}

// Brands are explicit strings, not class names, so minified bundles keep them intact.
function mark(error: CapiError, name: string): void {
  error.name = name;
  (error[BRAND] as string[]).push(name);
}

/**
 * Base class of every error this SDK throws or reports. `isInstance` works across two installed
 * copies of the package (it checks a `Symbol.for` brand, not the prototype chain).
 */
export class CapiError extends Error {
  /** @internal The brand names `isInstance` checks (a `Symbol.for` key shared by every copy). */
  declare readonly [BRAND]: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: [] });
    mark(this, 'CapiError');
  }

  /** True when `value` is a `CapiError` from any copy of this package. */
  static isInstance(value: unknown): value is CapiError {
    return hasBrand(value, 'CapiError');
  }
}

/** Input broke one or more rules of the spec; `.issues` lists every one of them. */
export class CapiValidationError extends CapiError {
  /** Every problem found, each with a path, a stable code and a message. */
  readonly issues: readonly Issue[];

  /**
   * @param issues every problem found
   * @param message defaults to {@link formatIssues} of `issues`
   * @param options `cause`: the exception behind an `unreadable` issue (a throwing getter or proxy),
   *   kept for debugging and never copied into the message
   */
  constructor(issues: readonly Issue[], message?: string, options?: { cause?: unknown }) {
    super(message ?? formatIssues(issues), options);
    mark(this, 'CapiValidationError');
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is CapiValidationError {
    return hasBrand(value, 'CapiValidationError');
  }
}

/** The Conversions API answered with a non-2xx status. */
export class CapiApiError extends CapiError {
  /** HTTP status. */
  readonly status: number;
  /** Response body (parsed JSON when possible, else text). */
  readonly body: unknown;
  /** Request id from the response headers, when the API sent one. */
  readonly requestId: string | undefined;

  constructor(message: string, init: { status: number; body?: unknown; requestId?: string | undefined }) {
    super(message);
    mark(this, 'CapiApiError');
    this.status = init.status;
    this.body = init.body;
    this.requestId = init.requestId;
  }

  static override isInstance(value: unknown): value is CapiApiError {
    return hasBrand(value, 'CapiApiError');
  }
}

/** The request never got an HTTP answer (DNS, refused, reset…). */
export class CapiConnectionError extends CapiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this, 'CapiConnectionError');
  }

  static override isInstance(value: unknown): value is CapiConnectionError {
    return hasBrand(value, 'CapiConnectionError');
  }
}

/** The request did not complete within its timeout. */
export class CapiTimeoutError extends CapiConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this, 'CapiTimeoutError');
  }

  static override isInstance(value: unknown): value is CapiTimeoutError {
    return hasBrand(value, 'CapiTimeoutError');
  }
}

/**
 * One line listing every issue as `path: message`, e.g.
 * `Invalid input (2 issues): id: must not be empty; data.contents[0].quantity: must be a non-negative integer`.
 * An issue about the input itself (empty path) prints its message alone.
 */
export function formatIssues(issues: readonly Issue[]): string {
  const n = issues.length;
  return (
    (n > 1 ? `Invalid input (${n} issues)` : 'Invalid input') +
    (n ? ': ' : '') +
    issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  );
}

/**
 * Records an issue (internal helper of every rule in core). `message` states the rule without the
 * field (`must not be empty`): the path names the field, and `formatIssues` prints both. Messages
 * never quote the offending value.
 */
export function addIssue(issues: Issue[], path: string, code: IssueCode, message: string): void {
  issues.push({ path, code, message });
}

/** Throws a {@link CapiValidationError} holding the one issue `{ path, code, message }`. */
export function fail(path: string, code: IssueCode, message: string): never {
  throw new CapiValidationError([{ path, code, message }]);
}
