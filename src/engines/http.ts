import https from "node:https";
import { inspect } from "node:util";
import type { AxiosInstance, Method } from "axios";
import { EngineError, EngineTimeoutError } from "./errors";
import {
  notJsonFailure,
  protocolFailure,
  statusFailure,
  timeoutFailure,
  timeoutSummary,
  transportCause,
  transportFailure,
  type FailureContext,
} from "./http-failures";
import { noteRetryAfter, retryDelayMs } from "./retry-policy";
import { shownUrl } from "./shown-url";
import { isSecretKey } from "../secrets";

/** How an adapter reaches one engine. */
export interface EngineHttpOptions {
  /** Names the engine in errors: its service type, or the binding's name. */
  engine: string;
  /** Prefix for request URLs that are not absolute. */
  baseUrl?: string;
  /** Milliseconds each attempt may take in all (connecting, headers, body) before it is abandoned. @default 10000 */
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
  /** Safe to send twice. @default true for GET and HEAD, false otherwise */
  idempotent?: boolean;
  /** The body is not JSON: hand the text to `parse` as it is. */
  text?: boolean;
}

export interface EngineResponse<T> {
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  data: T;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;

/**
 * The one door every adapter's requests go through: retries, timeouts, auth, and typed errors that name the engine and URL.
 * Headers, Basic auth and the axios instance (whose defaults hold both) live in true private fields, so printing an
 * adapter (or anything holding one) at any depth shows no credential.
 */
export class EngineHttp {
  readonly #client: AxiosInstance;
  readonly #secrets: string[];
  readonly #timeoutMs: number;
  readonly #options: EngineHttpOptions;

  constructor(options: EngineHttpOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    this.#secrets = [
      ...(options.secrets ?? []),
      ...secretHeaderValues(options.headers),
      ...(options.auth ? [options.auth.password, basicToken(options.auth)] : []),
    ];
    // Loaded on first use: axios is a tenth of a second of start-up that a notebook only needs once it talks to an engine.
    const axios = (require("axios") as typeof import("axios")).default;
    this.#client = axios.create({
      timeout: this.#timeoutMs,
      headers: { "User-Agent": userAgent(), Accept: "application/json", ...options.headers },
      auth: options.auth,
      // The raw text: JSON is parsed here, so a malformed body is reported as such rather than handed on as a string.
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      ...(options.ca ? { httpsAgent: new https.Agent({ ca: options.ca, keepAlive: true }) } : {}),
    });
  }

  get engine(): string {
    return this.#options.engine;
  }

  [inspect.custom](): string {
    return `EngineHttp(engine='${this.engine}'${this.#options.baseUrl ? `, url='${shownUrl(this.#options.baseUrl)}'` : ""})`;
  }

  toJSON(): { engine: string } {
    return { engine: this.engine };
  }

  /** Sends `request`, retrying it (when idempotent) on transient failures; every failure is an EngineError. */
  async request<T = unknown>(request: EngineRequest<T>): Promise<EngineResponse<T>> {
    const idempotent = request.idempotent ?? ["GET", "HEAD"].includes(request.method.toUpperCase());
    const attempts = 1 + (idempotent ? Math.max(0, this.#options.retries ?? DEFAULT_RETRIES) : 0);
    const started = Date.now();
    let timedOut = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(request);
      } catch (error) {
        if (error instanceof EngineTimeoutError) timedOut++;
        const delay = attempt < attempts ? retryDelayMs(error, attempt) : undefined;
        if (delay === undefined) {
          if (!(error instanceof EngineTimeoutError)) throw error;
          throw timeoutSummary(error, { timeoutMs: this.#timeoutMs, attempts: attempt, timedOut, elapsedMs: Date.now() - started });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async once<T>(request: EngineRequest<T>): Promise<EngineResponse<T>> {
    const url = this.absolute(request.url);
    const secrets = [...this.#secrets, ...secretHeaderValues(request.headers)].filter((s) => s.length >= 3);
    const ctx: FailureContext = { engine: this.engine, url: shownUrl(url, secrets), timeoutMs: this.#timeoutMs, secrets };
    // A deadline for the whole exchange. axios' own `timeout` is an idle timer: an engine that sends a byte now and
    // then would hold the call for ever.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.#timeoutMs);
    let response;
    try {
      response = await this.#client.request<string>({
        method: request.method,
        url,
        data: request.data,
        headers: request.headers,
        params: request.params,
        signal: deadline.signal,
      });
    } catch (error) {
      if (deadline.signal.aborted) throw timeoutFailure(ctx, transportCause(error, ctx));
      throw transportFailure(error, ctx);
    } finally {
      clearTimeout(timer);
    }
    const body = typeof response.data === "string" ? response.data : String(response.data ?? "");
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    if (response.status < 200 || response.status >= 300) {
      const error = statusFailure(response.status, body, headers, ctx);
      noteRetryAfter(error, headers["retry-after"]);
      throw error;
    }
    let parsedBody: unknown = body;
    if (!request.text) {
      try {
        parsedBody = body.length ? JSON.parse(body) : undefined;
      } catch {
        throw notJsonFailure(response.status, body, ctx);
      }
    }
    try {
      const data = request.parse ? request.parse(parsedBody) : (parsedBody as T);
      return { status: response.status, headers, data };
    } catch (error) {
      if (error instanceof EngineError) throw error;
      throw protocolFailure(response.status, error, ctx);
    }
  }

  private absolute(url: string): string {
    const base = this.#options.baseUrl;
    if (!base || /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
    return `${base.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`;
  }
}

/** An EngineHttp for one engine: the factory adapters call. */
export function createEngineHttp(options: EngineHttpOptions): EngineHttp {
  return new EngineHttp(options);
}

/** Values of headers whose names say they authenticate (Authorization, X-API-Key...), plus the token after `Bearer `/`Basic `. */
function secretHeaderValues(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isSecretKey(name) || typeof value !== "string") continue;
    out.push(value);
    const token = /^\S+\s+(\S+)$/.exec(value.trim())?.[1];
    if (token) out.push(token);
  }
  return out;
}

function basicToken(auth: { username: string; password: string }): string {
  return Buffer.from(`${auth.username}:${auth.password}`).toString("base64");
}

let cachedUserAgent: string | undefined;

/** `openscale-ts/<version>`; package.json sits two levels up from both src/engines and dist/engines. */
function userAgent(): string {
  if (cachedUserAgent === undefined) {
    let version: unknown;
    try {
      version = (require("../../package.json") as { version?: unknown }).version;
    } catch {
      version = undefined;
    }
    cachedUserAgent = typeof version === "string" ? `openscale-ts/${version}` : "openscale-ts";
  }
  return cachedUserAgent;
}
