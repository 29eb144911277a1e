import {
  EngineAuthenticationError,
  EngineConnectionError,
  EngineError,
  EngineRequestError,
  EngineResponseError,
  EngineServerError,
  EngineTimeoutError,
} from "./errors";
import { redactText } from "../secrets";
import { shownUrl } from "./shown-url";

/** What every failure message needs: which engine, which URL (already cleaned by `shownUrl`), and what to mask. */
export interface FailureContext {
  engine: string;
  url: string;
  timeoutMs: number;
  /** Values to mask in any text taken from the engine or the socket (passwords, keys, tokens). */
  secrets: readonly string[];
}

/**
 * The low-level cause of a transport failure, kept for debugging: axios' message, code and stack, but not the axios
 * error itself, whose `config` holds the request's headers and Basic-auth password.
 */
export class TransportFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "TransportFailure";
  }
}

/** axios' message, code and stack, secrets masked: what a transport failure keeps as its cause. */
export function transportCause(error: unknown, ctx: FailureContext): TransportFailure {
  const e = (error ?? {}) as { code?: string; message?: string; stack?: string; cause?: { code?: string } };
  const cause = new TransportFailure(redactText(e.message ?? String(error), ctx.secrets), e.code ?? e.cause?.code);
  if (e.stack) cause.stack = redactText(e.stack, ctx.secrets);
  return cause;
}

/** A refused connection, an unknown host, a timeout or a TLS failure, as the typed engine error that says what to check. */
export function transportFailure(error: unknown, ctx: FailureContext): EngineError {
  const e = (error ?? {}) as { message?: string };
  const cause = transportCause(error, ctx);
  const code = cause.code;
  const options = { cause };
  const { engine, url } = ctx;
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) return timeoutFailure(ctx, cause);
  if (code === "ECONNREFUSED") {
    return new EngineConnectionError(engine, url, "refused the connection. Check the URL and port, and that the engine is running.", undefined, options);
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new EngineConnectionError(engine, url, "the host name does not resolve. Check the URL in the credentials.", undefined, options);
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
    return new EngineConnectionError(
      engine,
      url,
      `TLS verification failed (${code}). Check the engine's certificate, or give its CA certificate in the credentials.`,
      undefined,
      options,
    );
  }
  return new EngineConnectionError(engine, url, `the request failed (${code ?? "network error"}): ${cause.message}`, undefined, options);
}

const RAISE_TIMEOUT = "Check that the engine is up, or raise engine_timeout_ms.";

/** One attempt that ran past its deadline (`timeoutMs` for the whole exchange: connecting, headers and body). */
export function timeoutFailure(ctx: FailureContext, cause?: Error): EngineTimeoutError {
  return new EngineTimeoutError(ctx.engine, ctx.url, `did not answer within ${ctx.timeoutMs} ms. ${RAISE_TIMEOUT}`, undefined, cause ? { cause } : undefined);
}

/**
 * The timeout a caller sees once every attempt is spent: how many attempts timed out, and how long the call took in
 * all (three attempts of 10 s are 30 s, and the message says so).
 */
export function timeoutSummary(
  last: EngineTimeoutError,
  run: { timeoutMs: number; attempts: number; timedOut: number; elapsedMs: number },
): EngineTimeoutError {
  const seconds = (run.elapsedMs / 1000).toFixed(1);
  const how =
    run.attempts === 1
      ? `(1 attempt, ${seconds} s)`
      : `on ${run.timedOut === run.attempts ? "each" : run.timedOut} of ${run.attempts} attempts (${seconds} s in all)`;
  return new EngineTimeoutError(last.engine, last.url, `did not answer within ${run.timeoutMs} ms ${how}. ${RAISE_TIMEOUT}`, undefined, {
    cause: last.cause,
  });
}

/** A non-2xx answer as the typed error for its status, carrying the engine's own reason. */
export function statusFailure(status: number, body: string, headers: Record<string, string>, ctx: FailureContext): EngineError {
  const { engine, url } = ctx;
  const reason = redactText(engineReason(body) ?? excerpt(body), ctx.secrets);
  if (status === 401 || status === 403) {
    return new EngineAuthenticationError(engine, url, `rejected the credentials (HTTP ${status}: ${reason}). Check them.`, status);
  }
  if (status >= 500 || status === 424) {
    return new EngineServerError(engine, url, `failed with HTTP ${status}: ${reason}`, status);
  }
  if (status >= 300 && status < 400) {
    const location = headers.location ? ` to ${shownUrl(headers.location, ctx.secrets)}` : "";
    return new EngineRequestError(engine, url, `redirected the request (HTTP ${status})${location}. Use the final URL in the credentials.`, status);
  }
  return new EngineRequestError(engine, url, `rejected the request with HTTP ${status}: ${reason}`, status);
}

/** A 2xx answer whose body is not JSON although the protocol promises JSON. */
export function notJsonFailure(status: number, body: string, ctx: FailureContext): EngineResponseError {
  return new EngineResponseError(ctx.engine, ctx.url, `answered ${status} with a body that is not JSON: ${redactText(excerpt(body), ctx.secrets)}`, status);
}

/** A 2xx JSON answer that the adapter's schema rejected. */
export function protocolFailure(status: number, error: unknown, ctx: FailureContext): EngineResponseError {
  const what = redactText(describeParseError(error), ctx.secrets);
  return new EngineResponseError(ctx.engine, ctx.url, `answered with a body that does not follow its protocol: ${what}`, status);
}

/** The engine's own message from the usual error bodies: OAuth's `{error_description}`, `{errors:[{message}]}`, `{message}`, `{error}`, `{Message}`. */
export function engineReason(body: string): string | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== "object") return undefined;
  const errors = json.errors as { message?: unknown }[] | undefined;
  const nested = json.error as { message?: unknown } | string | undefined;
  const found =
    json.error_description ||
    (Array.isArray(errors) && errors[0]?.message) ||
    json.message ||
    json.Message ||
    (typeof nested === "string" ? nested : nested?.message) ||
    json.errorMessage;
  return typeof found === "string" && found.trim() ? found.trim() : undefined;
}

/** Where a schema rejected a body (zod issue paths such as `resources.0.metadata.guid`), or the parser's message. */
export function describeParseError(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] } | undefined)?.issues;
  if (Array.isArray(issues) && issues.length) {
    const shown = issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.map(String).join(".") : "body"}: ${i.message}`)
      .join("; ");
    return issues.length > 3 ? `${shown}; and ${issues.length - 3} more` : shown;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The first 200 characters of a body, whitespace collapsed. */
function excerpt(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean || "(empty body)";
}
