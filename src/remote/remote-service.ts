/**
 * DataMartService over HTTP, for `new APIClient({ url, apikey, instance_guid })`: every call is the route of
 * ../service/routes.ts, sent with axios. The API key is exchanged at `POST /identity/token` for a bearer token, kept
 * and renewed as the engines' tokens are (../engines/cached-token.ts); a 401 renews it once. Idempotent calls (GET,
 * PUT, DELETE, and payload logging, whose records carry their scoring_ids) are retried after a refused connection, a
 * timeout or a 503; payloads go in parts a request body can hold (./payload-parts.ts). The server's errors come back
 * as the same error classes the embedded client throws; no message carries the key or the token.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { DatabaseError, NotFoundError, OpenScaleError, StateError, ValidationError } from "../errors";
import type { DataMartService } from "../service/data-mart-service";
import { CachedToken } from "../engines/cached-token";
import { EngineAuthenticationError, EngineConnectionError, EngineError, EngineRequestError, EngineResponseError, EngineServerError, EngineTimeoutError } from "../engines/errors";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "../service/resources";
import { pathParameters, ROUTES, type Route } from "../service/routes";
import { storeInParts } from "./payload-parts";

export interface RemoteOptions {
  url: string;
  apikey: string;
  /** The data mart (v1's instance GUID). */
  instance_guid: string;
  timeout_ms?: number;
  retries?: number;
}

/** The server refused the key or the token (401), or the key's role (403). */
export class AccessError extends OpenScaleError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const IDEMPOTENT = new Set(["GET", "PUT", "DELETE"]);

/** The API key's bearer token, exchanged at the server's IAM-style endpoint (cached and renewed by CachedToken). */
function tokenOf(http: AxiosInstance, apikey: string): CachedToken {
  return new CachedToken(async () => {
    const r = await http.post("/identity/token", new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey }).toString(), {
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    });
    if (r.status !== 200) throw new AccessError(`The data mart server refused the API key (HTTP ${r.status}): ${messageOf(r.data)}`, r.status === 400 ? 401 : r.status);
    const body = r.data as { access_token: string; expires_in: number };
    return { token: body.access_token, lifetimeMs: body.expires_in * 1000 };
  });
}

function messageOf(body: unknown): string {
  const errors = (body as { errors?: { message?: string }[] } | undefined)?.errors;
  return errors?.map((e) => e.message).join("; ") ?? "no reason given";
}

/** The pause before attempt `attempt + 2`: 200 ms, doubling. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));

const ENGINE_ERRORS: Record<string, typeof EngineError> = { EngineAuthenticationError, EngineConnectionError, EngineRequestError, EngineResponseError, EngineServerError, EngineTimeoutError };

/** The server's error as the embedded client's error class. */
function errorOf(r: AxiosResponse, where: string): Error {
  const body = r.data as { errors?: { message: string }[]; details?: { kind?: string; subject?: string; issues?: { path: string; message: string }[]; resource?: string; uid?: string } } | undefined;
  const details = body?.details;
  const message = messageOf(body);
  if (r.status === 400 && details?.kind === "validation" && details.issues) return new ValidationError(details.subject ?? "request", details.issues);
  if (r.status === 400) return new ValidationError("request", [{ path: "", message }]);
  if (r.status === 404 && details?.kind === "not_found") {
    const prefix = `No ${details.resource} with uid '${details.uid}' exists in this data mart.`;
    return new NotFoundError(details.resource ?? "resource", details.uid ?? "", message.startsWith(prefix) ? message.slice(prefix.length).trim() : undefined);
  }
  if (details?.kind === "engine") {
    const engine = details as { class?: string; engine?: string; url?: string; reason?: string; engine_status?: number };
    const Class = ENGINE_ERRORS[engine.class ?? ""] ?? EngineError;
    return new Class(engine.engine ?? "engine", engine.url ?? where, engine.reason ?? message, engine.engine_status);
  }
  if (r.status === 401 || r.status === 403) return new AccessError(message, r.status);
  if (r.status === 404) return new NotFoundError("resource", where, message);
  if (r.status === 409) return new StateError(message);
  if (r.status === 503) return new DatabaseError(message);
  return new OpenScaleError(`The data mart server answered ${where} with HTTP ${r.status}: ${message}`);
}

async function toJsonBody(route: Route, value: unknown): Promise<unknown> {
  if (route.method === "storeFeedbackPayloads") {
    const request = value as { format: string; data?: unknown };
    if (request.format === "csv" && typeof request.data !== "string") {
      const data = request.data as string | Buffer | Iterable<string | Buffer> | AsyncIterable<string | Buffer>;
      let text = "";
      if (Buffer.isBuffer(data)) text = data.toString("utf8");
      else for await (const chunk of data as AsyncIterable<string | Buffer>) text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      return { ...request, data: text };
    }
  }
  return value;
}

export function remoteDataMartService(options: RemoteOptions): DataMartService {
  const http = axios.create({ baseURL: options.url.replace(/\/+$/, ""), timeout: options.timeout_ms ?? 30_000, validateStatus: () => true, maxBodyLength: Infinity, maxContentLength: Infinity });
  const tokens = tokenOf(http, options.apikey);
  const retries = options.retries ?? 2;
  const dm = encodeURIComponent(options.instance_guid);

  /** One call of `route`: renews the token once on a 401; retries a call safe to repeat after a network fault or a 503. */
  const exchange = async (route: Route, url: string, params: Record<string, string>, data: unknown, retryable: boolean): Promise<AxiosResponse> => {
    for (let attempt = 0, renewed = false; ; attempt++) {
      let response: AxiosResponse;
      try {
        response = await http.request({
          method: route.verb,
          url,
          params,
          data,
          headers: { authorization: `Bearer ${await tokens.get()}`, ...(data !== undefined ? { "content-type": route.binary === "request" ? "application/octet-stream" : "application/json" } : {}) },
          responseType: route.binary === "response" ? "arraybuffer" : "json",
        });
      } catch (error) {
        if (retryable && attempt < retries) {
          await backOff(attempt);
          continue;
        }
        if (error instanceof OpenScaleError) throw error;
        throw new DatabaseError(`The data mart server at ${options.url} could not be reached (${(error as { code?: string }).code ?? "network error"})`);
      }
      if (response.status === 401 && !renewed) {
        renewed = true;
        tokens.invalidate();
        continue;
      }
      if (response.status === 503 && retryable && attempt < retries) {
        await backOff(attempt);
        continue;
      }
      if (response.status >= 400) throw errorOf(response, `${route.verb} ${route.path}`);
      return response;
    }
  };

  const service: Record<string, unknown> = { close: async () => undefined };
  for (const route of ROUTES) {
    const names = pathParameters(route);
    service[route.method] = async (...args: unknown[]) => {
      let url = route.path.replace(":dm", dm);
      names.forEach((name, i) => (url = url.replace(`:${name}`, encodeURIComponent(String(args[i])))));
      if (route.method === "storeScoringPayloads") {
        // In parts, each record with its scoring_id, so each part is safe to send again.
        return storeInParts(args[0] as Iterable<ScoringPayloadRecord>, async (body) => (await exchange(route, url, {}, body, true)).data as ScoringPayloadOutcome);
      }
      const params: Record<string, string> = {};
      let data: unknown;
      for (const [k, place] of (route.rest ?? []).entries()) {
        const value = args[names.length + k];
        if (value === undefined) continue;
        if (place === "body") data = route.binary === "request" ? Buffer.from(value as Uint8Array) : await toJsonBody(route, value);
        else if (place === "query") for (const [key, v] of Object.entries(value as Record<string, unknown>)) { if (v !== undefined) params[key] = String(v); }
        else params[place.query] = String(value);
      }
      const response = await exchange(route, url, params, data, IDEMPOTENT.has(route.verb));
      if (route.outcome) return { created: response.status === 201, [route.outcome]: response.data };
      if (route.binary === "response") return new Uint8Array(response.data as ArrayBuffer);
      if (response.status === 204) return undefined;
      const body = response.data as unknown;
      return body !== null && typeof body === "object" && Object.keys(body).length === 1 && "value" in body ? (body as { value: unknown }).value : body;
    };
  }
  return service as unknown as DataMartService;
}
