import https from "node:https";
import type { AxiosError, AxiosInstance, Method } from "axios";
import {
  EngineAuthenticationError,
  EngineConnectionError,
  EngineError,
  EngineRequestError,
  EngineResponseError,
  EngineServerError,
  EngineTimeoutError,
} from "./errors";
import { redactText, redactUrl } from "../secrets";

/** How an adapter reaches one engine. */
export interface EngineHttpOptions {
  /** Names the engine in errors: its service type, or the binding's name. */
  engine: string;
  /** Milliseconds before a request is abandoned. @default 10000 */
  timeout_ms?: number;
  /** Extra attempts of idempotent requests after a refused connection, a timeout, a 429 or a 502/503/504. @default 2 */
  retries?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** HTTP Basic auth. */
  auth?: { username: string; password: string };
  /** PEM certificate(s) trusted for this engine only (a local engine's CA); verification stays on. */
  ca?: string;
  /** Strings to mask in any error text (API keys, passwords). */
  secrets?: string[];
}

export interface EngineRequest<T> {
  method: Method;
  url: string;
  data?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string | number>;
  /** Validates and converts the JSON body; throw (a zod error, say) to reject it as malformed. */
  parse?: (body: unknown) => T;
  /** Safe to send twice (GET and HEAD are). */
  idempotent?: boolean;
  /** The body is not JSON: hand the text to `parse` as it is. */
  text?: boolean;
}

export interface EngineResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "EAI_AGAIN"]);
const MAX_RETRY_AFTER_MS = 5_000;

/** The one door every adapter's requests go through: retries, timeouts, auth, and typed errors that name the engine and URL. */
export class EngineHttp {
  private readonly client: AxiosInstance;
  private readonly secrets: string[];

  constructor(private readonly options: EngineHttpOptions) {
    this.secrets = [...(options.secrets ?? []), ...(options.auth ? [options.auth.password] : [])].filter((s) => s.length >= 3);
    // Loaded on first use: axios is a tenth of a second of start-up that a notebook only needs once it talks to an engine.
    const axios = (require("axios") as typeof import("axios")).default;
    this.client = axios.create({
      timeout: options.timeout_ms ?? 10_000,
      headers: { "User-Agent": "openscale-ts", Accept: "application/json", ...options.headers },
      auth: options.auth,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      ...(options.ca ? { httpsAgent: new https.Agent({ ca: options.ca, keepAlive: true }) } : {}),
    });
  }

  get engine(): string {
    return this.options.engine;
  }

  async request<T = unknown>(request: EngineRequest<T>): Promise<EngineResponse<T>> {
    const idempotent = request.idempotent ?? ["GET", "HEAD"].includes(request.method.toUpperCase());
    const attempts = 1 + (idempotent ? (this.options.retries ?? 2) : 0);
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(request);
      } catch (error) {
        const retryAfter = retryDelay(error, delay);
        if (attempt >= attempts || retryAfter === undefined) throw error;
        await new Promise((r) => setTimeout(r, retryAfter));
        delay *= 3;
      }
    }
  }

  private async once<T>(request: EngineRequest<T>): Promise<EngineResponse<T>> {
    const shownUrl = this.showUrl(request.url);
    let response;
    try {
      response = await this.client.request<string>({
        method: request.method,
        url: request.url,
        data: request.data,
        headers: request.headers,
        params: request.params,
      });
    } catch (error) {
      throw this.transportError(error, shownUrl);
    }
    const body = typeof response.data === "string" ? response.data : String(response.data ?? "");
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    if (response.status >= 300) throw this.statusError(response.status, body, shownUrl, headers);
    let parsedBody: unknown = body;
    if (!request.text) {
      try {
        parsedBody = body.length ? JSON.parse(body) : undefined;
      } catch {
        throw new EngineResponseError(this.engine, shownUrl, `answered ${response.status} with a body that is not JSON: ${this.excerpt(body)}`, response.status);
      }
    }
    try {
      const data = request.parse ? request.parse(parsedBody) : (parsedBody as T);
      return { status: response.status, headers, data };
    } catch (error) {
      throw new EngineResponseError(
        this.engine,
        shownUrl,
        `answered with a body that does not follow its protocol: ${describeParseError(error)}`,
        response.status,
      );
    }
  }

  /** The URL as errors show it: no user info, no query values. */
  private showUrl(url: string): string {
    try {
      const u = new URL(url);
      u.username = "";
      u.password = "";
      for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, "…");
      return redactUrl(u.toString().replace(/%E2%80%A6/g, "…"));
    } catch {
      return redactText(url, this.secrets);
    }
  }

  private excerpt(text: string): string {
    const clean = redactText(text.replace(/\s+/g, " ").trim(), this.secrets);
    return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean || "(empty)";
  }

  private transportError(error: unknown, url: string): EngineError {
    const e = error as AxiosError;
    const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) {
      return tag(new EngineTimeoutError(this.engine, url, `did not answer within ${this.options.timeout_ms ?? 10_000} ms. Check that the engine is up, or raise engine_timeout_ms.`), code);
    }
    if (code === "ECONNREFUSED") return tag(new EngineConnectionError(this.engine, url, "refused the connection. Check the URL and port, and that the engine is running."), code);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return tag(new EngineConnectionError(this.engine, url, "the host name does not resolve. Check the URL in the credentials."), code);
    if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
      return tag(new EngineConnectionError(this.engine, url, `TLS verification failed (${code}). Check the engine's certificate, or give its CA in the credentials.`), code);
    }
    return tag(new EngineConnectionError(this.engine, url, `the request failed (${code ?? "network error"}): ${redactText(e.message ?? String(error), this.secrets)}`), code);
  }

  private statusError(status: number, body: string, url: string, headers: Record<string, string>): EngineError {
    const reason = engineReason(body) ?? this.excerpt(body);
    let error: EngineError;
    if (status === 401 || status === 403) {
      error = new EngineAuthenticationError(this.engine, url, `rejected the credentials (HTTP ${status}: ${redactText(reason, this.secrets)}). Check them.`, status);
    } else if (status >= 500 || status === 424) {
      error = new EngineServerError(this.engine, url, `failed with HTTP ${status}: ${redactText(reason, this.secrets)}`, status);
    } else {
      error = new EngineRequestError(this.engine, url, `rejected the request with HTTP ${status}: ${redactText(reason, this.secrets)}`, status);
    }
    if (headers["retry-after"]) (error as { retryAfter?: string }).retryAfter = headers["retry-after"];
    return error;
  }
}

/** Remembers the low-level code (for the retry rule) without keeping the axios error, which holds the request's headers. */
function tag<E extends EngineError>(error: E, code: string | undefined): E {
  Object.defineProperty(error, "code", { value: code, enumerable: false });
  return error;
}

/** Milliseconds to wait before retrying `error`, or undefined when it must not be retried. */
function retryDelay(error: unknown, backoff: number): number | undefined {
  if (error instanceof EngineTimeoutError) return backoff;
  if (error instanceof EngineConnectionError) {
    return RETRYABLE_CODES.has((error as { code?: string }).code ?? "") ? backoff : undefined;
  }
  if (error instanceof EngineError && error.status !== undefined && RETRYABLE_STATUS.has(error.status)) {
    const after = Number((error as { retryAfter?: string }).retryAfter);
    return Number.isFinite(after) && after > 0 ? Math.min(after * 1000, MAX_RETRY_AFTER_MS) : backoff;
  }
  return undefined;
}

/** The engine's own message from the usual error bodies: OAuth's `{error_description}`, `{errors:[{message}]}`, `{message}`, `{error}`, `{Message}`. */
function engineReason(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const errors = json.errors as { message?: string }[] | undefined;
    const nested = json.error as { message?: string } | string | undefined;
    const found =
      json.error_description ||
      (Array.isArray(errors) && errors[0]?.message) ||
      json.message ||
      json.Message ||
      (typeof nested === "string" ? nested : nested?.message) ||
      json.errorMessage;
    return typeof found === "string" ? found : undefined;
  } catch {
    return undefined;
  }
}

function describeParseError(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues) && issues.length) {
    return issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.map(String).join(".") : "body"}: ${i.message}`)
      .join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}
