import type { Issue } from './types.js';

const BRAND = Symbol.for('x.openai-capi.error');

type Branded = { [BRAND]?: readonly string[] };

function hasBrand(value: unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const brands = (value as Branded)[BRAND];
  return Array.isArray(brands) && brands.includes(name);
}

/**
 * Base class of every error this SDK throws or reports. `isInstance` works across two installed
 * copies of the package (it checks a `Symbol.for` brand, not the prototype chain).
 */
export class CapiError extends Error {
  declare readonly [BRAND]: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CapiError';
    Object.defineProperty(this, BRAND, { value: ['CapiError'], enumerable: false });
  }

  /** True when `value` is a `CapiError` from any copy of this package. */
  static isInstance(value: unknown): value is CapiError {
    return hasBrand(value, 'CapiError');
  }
}

// Brands are explicit strings, not class names, so minified bundles keep them intact.
function addBrand(error: CapiError, name: string): void {
  (error[BRAND] as string[]).push(name);
}

/** Input broke one or more rules of the spec; `.issues` lists every one of them. */
export class CapiValidationError extends CapiError {
  /** Every problem found, each with a path, a stable code and a message. */
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[], message?: string) {
    super(message ?? formatIssues(issues));
    this.name = 'CapiValidationError';
    addBrand(this, 'CapiValidationError');
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
    this.name = 'CapiApiError';
    addBrand(this, 'CapiApiError');
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
    this.name = 'CapiConnectionError';
    addBrand(this, 'CapiConnectionError');
  }

  static override isInstance(value: unknown): value is CapiConnectionError {
    return hasBrand(value, 'CapiConnectionError');
  }
}

/** The request did not complete within its timeout. */
export class CapiTimeoutError extends CapiConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CapiTimeoutError';
    addBrand(this, 'CapiTimeoutError');
  }

  static override isInstance(value: unknown): value is CapiTimeoutError {
    return hasBrand(value, 'CapiTimeoutError');
  }
}

/** One line per issue: `path: message`. */
export function formatIssues(issues: readonly Issue[]): string {
  if (issues.length === 0) return 'Invalid input';
  const head = issues.length === 1 ? 'Invalid input: ' : `Invalid input (${issues.length} issues): `;
  return head + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
