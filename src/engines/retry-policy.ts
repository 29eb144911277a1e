import { EngineConnectionError, EngineError, EngineTimeoutError } from "./errors";

/** Statuses that say "try again shortly": too many requests, and the gateway faults of a restarting engine. A 500 is a bug, not a hiccup. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Socket failures that a second attempt may not meet (a DNS name that does not exist is not one). */
const RETRYABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "EAI_AGAIN"]);

/** The first pause between attempts; each further pause doubles it. */
export const FIRST_BACKOFF_MS = 100;
/** The longest an engine's `Retry-After` may hold a notebook cell. */
export const MAX_RETRY_AFTER_MS = 5_000;

const retryAfterOf = new WeakMap<EngineError, string>();

/** Keeps a status error's `Retry-After` header for the retry decision, off the error object itself. */
export function noteRetryAfter(error: EngineError, header: string | undefined): void {
  if (header) retryAfterOf.set(error, header);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` of an idempotent request that failed with `error`, or undefined
 * when another attempt cannot help (authentication, a bad request, a 500, a malformed answer).
 */
export function retryDelayMs(error: unknown, attempt: number, now: number = Date.now()): number | undefined {
  const backoff = FIRST_BACKOFF_MS * 2 ** (attempt - 1);
  if (error instanceof EngineTimeoutError) return backoff;
  if (error instanceof EngineConnectionError) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" && RETRYABLE_CODES.has(code) ? backoff : undefined;
  }
  if (error instanceof EngineError && error.status !== undefined && RETRYABLE_STATUS.has(error.status)) {
    return retryAfterMs(retryAfterOf.get(error), now) ?? backoff;
  }
  return undefined;
}

/** `Retry-After` (delta seconds or an HTTP date) in milliseconds, capped at MAX_RETRY_AFTER_MS; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
