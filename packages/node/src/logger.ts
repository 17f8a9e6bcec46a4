/**
 * Leveled, redacting logger. Everything this package logs goes through here: the API key and any
 * `Bearer` credential are scrubbed from every message and context value (see {@link redact}), and callers only ever log ids, counts, statuses
 * and request ids (never event payloads, which hold personal data).
 */

/** Verbosity, from silent to chatty. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Structured, JSON-safe details attached to a log line. */
export type LogContext = Record<string, unknown>;

/** Where log lines go. `console` satisfies it; so do pino, winston and most other loggers. */
export interface Logger {
  /** Logs a failure that cost events (an `auth` refusal, a throwing hook). */
  error(message: string, context?: LogContext): void;
  /** Logs events not delivered and options out of range. */
  warn(message: string, context?: LogContext): void;
  /** Logs lifecycle lines (shutdown summary). */
  info(message: string, context?: LogContext): void;
  /** Logs every delivery and events unlikely to be attributed. */
  debug(message: string, context?: LogContext): void;
}

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
const LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];
const PREFIX = '[openai-capi]';

/** True when `value` is one of the five log levels. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/**
 * Shortest secret redacted wherever it occurs inside a text. A real Conversions API key is much
 * longer; replacing every occurrence of a tiny (test) key such as `k` would garble every line.
 */
export const MIN_SUBSTRING_SECRET_LENGTH = 8;

// The credential after `Bearer`, up to whitespace, a quote or a backslash (so JSON text stays JSON).
const BEARER = /\b(Bearer\s+)[^\s"'`\\]+/gi;

/**
 * Scrubs `text`: every `Bearer <credential>` becomes `Bearer [redacted]`, whatever the credential;
 * each secret of at least {@link MIN_SUBSTRING_SECRET_LENGTH} characters is replaced wherever it
 * occurs; a shorter secret only when it is the whole text.
 */
export function redact(text: string, secrets: readonly string[]): string {
  // Secrets first: the Bearer rule stops at whitespace or a quote, so running it first could cut
  // a secret holding one in two and leave its tail for the secret rule to miss.
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SUBSTRING_SECRET_LENGTH) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    } else if (secret.length > 0 && out === secret) {
      out = '[redacted]';
    }
  }
  return out.replace(BEARER, '$1[redacted]');
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value instanceof Error) return redact(`${value.name}: ${value.message}`, secrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets, depth + 1);
  return out;
}

/**
 * Wraps `sink` so that lines below `level` are dropped and `secrets` never get through.
 * A throwing sink is ignored: logging must never break delivery.
 */
export function createLogger(sink: Logger, level: LogLevel, secrets: readonly string[]): Logger {
  const emit = (at: Exclude<LogLevel, 'off'>) => (message: string, context?: LogContext) => {
    if (RANK[at] > RANK[level]) return;
    try {
      const line = `${PREFIX} ${redact(message, secrets)}`;
      if (context === undefined) sink[at](line);
      else sink[at](line, redactValue(context, secrets, 0) as LogContext);
    } catch {
      // A broken logger must not turn into a lost event.
    }
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** The default sink: the global `console`. */
export const consoleLogger: Logger = {
  error: (m, c) => (c === undefined ? console.error(m) : console.error(m, c)),
  warn: (m, c) => (c === undefined ? console.warn(m) : console.warn(m, c)),
  info: (m, c) => (c === undefined ? console.info(m) : console.info(m, c)),
  debug: (m, c) => (c === undefined ? console.debug(m) : console.debug(m, c)),
};
