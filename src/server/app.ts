/**
 * The data mart server's HTTP surface on fastify: the IBM Cloud IAM-style token exchange, bearer-token auth with
 * roles checked per route, and the v1 routes, each a thin adapter over a data mart's DataMartService. Errors take
 * v1's shape, `{errors: [{code, message, target?}], trace}`, with the status the error means. Logs (pino) never hold
 * an API key, a token or a request body.
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { LocalJwtIssuer, bearerToken } from "../auth/jwt";
import { DatabaseError, NotFoundError, OpenScaleError, StateError, ValidationError } from "../errors";
import { EngineError, EngineTimeoutError } from "../engines/errors";
import type { Store } from "../store/store";
import { TOKEN_SECONDS, createApiKey, holdsApiKey, listApiKeys, redactApiKeys, revokeApiKey, signingSecret, verifyApiKey, type ApiKeyRecord, type Role } from "./api-keys";
import { fromQueryValue, pathParameters, ROUTES, type Access as RouteAccess } from "../service/routes";
import type { ActiveKeys } from "./active-keys";
import type { DataMarts } from "./data-marts";
import { batchedStdout } from "./log-stream";
import { openApiDocument } from "./openapi";

/** The largest request body (payload records of 10,000 rows of 20 features fit). */
export const BODY_LIMIT = 32 * 1024 * 1024;

/** The longest path segment routed (fastify's default): ids are uuids, data mart ids at most 63, monitor ids 100. */
const MAX_PARAM_LENGTH = 100;

/** What a route needs: reading, changing, logging payloads (ingest keys may do only this), or managing keys. */
type Access = RouteAccess | "keys";
const ALLOWED: Record<Role, readonly Access[]> = { admin: ["read", "write", "ingest", "keys"], editor: ["read", "write", "ingest"], viewer: ["read"], ingest: ["ingest"] };

/** Query parameters that would carry a secret: refused, and their values cut from the log. */
const SECRET_PARAMETER = /^(api[_-]?key|access[_-]?token|token|password)$/i;

/** A request's URL for the log: API keys anywhere and the values of secret-bearing parameters cut out. */
export function urlForLog(url: string): string {
  const at = url.indexOf("?");
  const path = redactApiKeys(at < 0 ? url : url.slice(0, at));
  if (at < 0) return path;
  const query = url
    .slice(at + 1)
    .split("&")
    .map((pair) => {
      const name = pair.split("=")[0]!;
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // a malformed escape: matched as it is
      }
      return SECRET_PARAMETER.test(decoded) ? `${name}=****` : redactApiKeys(pair);
    });
  return `${path}?${query.join("&")}`;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

declare module "fastify" {
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
}

export interface ServerOptions {
  store: Store;
  dataMarts: DataMarts;
  /** The active keys, kept in memory between revocations. */
  activeKeys: ActiveKeys;
  logger?: boolean | object;
  https?: { key: Buffer; cert: Buffer };
}

function errorBody(status: number, code: string, message: string, trace: string, targets: { path: string; message: string }[] = [], details?: Record<string, unknown>) {
  return {
    errors: targets.length ? targets.map((t) => ({ code, message: `${t.path}: ${t.message}`, target: { type: "field", name: t.path } })) : [{ code, message }],
    trace,
    status_code: status,
    // Beyond v1: what the remote client needs to raise the same error as the embedded one.
    ...(details ? { details } : {}),
  };
}

/** The status and code an error means. */
function classify(error: unknown): { status: number; code: string; message: string; targets?: { path: string; message: string }[]; details?: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof ValidationError) return { status: 400, code: "bad_request", message: error.message, targets: error.issues, details: { kind: "validation", subject: error.message.split("\n")[0]!.replace(/^Invalid /, "").replace(/:$/, ""), issues: error.issues } };
  if (error instanceof NotFoundError) return { status: 404, code: "not_found", message: error.message, details: { kind: "not_found", resource: error.resource, uid: error.uid } };
  if (error instanceof StateError) return { status: 409, code: "conflict", message: error.message, details: { kind: "state" } };
  // An ML engine that failed or refused (its credentials, its answer): the engine is the upstream, as a gateway's.
  if (error instanceof EngineError) {
    const timeout = error instanceof EngineTimeoutError;
    const reason = error.message.slice(`${error.engine} engine at ${error.url}: `.length);
    return { status: timeout ? 504 : 502, code: timeout ? "gateway_timeout" : "bad_gateway", message: error.message, details: { kind: "engine", class: error.name, engine: error.engine, url: error.url, reason, ...(error.status !== undefined ? { engine_status: error.status } : {}) } };
  }
  // DatabaseError messages name the server and the fix, never a password (../store/postgres-store.ts).
  if (error instanceof DatabaseError) return { status: 503, code: "service_unavailable", message: `${error.message} (try again shortly)` };
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError?.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { status: 413, code: "payload_too_large", message: `the request body is larger than ${BODY_LIMIT / 1024 / 1024} MiB: send fewer records per request` };
  if (fastifyError?.code === "FST_ERR_MAX_PARAM_LENGTH") return { status: 414, code: "uri_too_long", message: `a path segment of the URL is longer than ${MAX_PARAM_LENGTH} characters, and no id of this server is: check the URL` };
  if (fastifyError?.code === "FST_ERR_BAD_URL") return { status: 400, code: "bad_request", message: "the URL's path is not valid (a malformed %-escape?): encode each path segment with encodeURIComponent" };
  if (fastifyError?.code === "FST_ERR_CTP_INVALID_JSON_BODY") return { status: 400, code: "bad_request", message: "the request body is not valid JSON (cut short, trailing text, single quotes or unquoted names?): send one JSON document" };
  if (fastifyError?.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return { status: 400, code: "bad_request", message: "the request body is empty but its Content-Type is application/json: send a JSON document, or no Content-Type" };
  if (fastifyError?.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return { status: 415, code: "unsupported_media_type", message: "the request body's Content-Type is not one this server reads: send JSON as application/json (a drift model as application/octet-stream, the token exchange as application/x-www-form-urlencoded)" };
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) return { status: fastifyError.statusCode, code: "bad_request", message: fastifyError.message ?? "bad request" };
  if (error instanceof OpenScaleError) return { status: 500, code: "internal_error", message: error.message };
  return { status: 500, code: "internal_error", message: "internal error (see the server log, trace id)" };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, dataMarts } = options;
  const issuer = new LocalJwtIssuer(await signingSecret(store));
  const given = typeof options.logger === "object" ? (options.logger as { stream?: unknown }) : {};
  const log = options.logger === false || given.stream ? undefined : batchedStdout();
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A URL the router cannot take (a path segment too long, a malformed %-escape) answers in v1's shape too.
    frameworkErrors: (error, request, reply) => {
      const c = classify(error);
      void (reply as FastifyReply).status(c.status).send(errorBody(c.status, c.code, c.message, String(request.id)));
    },
    genReqId: () => randomUUID(),
    ...(options.https ? { https: options.https } : {}),
    logger:
      options.logger === false
        ? false
        : {
            level: "info",
            ...(log ? { stream: log.stream } : {}),
            redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.body"], censor: "****" },
            // fastify logs each request's URL, query string included: a key or token sent there (and refused) is cut out.
            serializers: { req: (request: FastifyRequest) => ({ method: request.method, url: urlForLog(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }) },
            ...(typeof options.logger === "object" ? options.logger : {}),
          },
  });
  if (log) app.addHook("onClose", async () => log.close());
  // JSON sent as text/plain would reach the routes as a string and be refused with a message about its shape: a 415
  // that names the content type to send is clearer.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  app.addContentTypeParser("application/octet-stream", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const c = classify(error);
    if (c.status >= 500) request.log.error({ err: { type: (error as Error)?.name, message: (error as Error)?.message } }, "request failed");
    void reply.status(c.status).send(errorBody(c.status, c.code, c.message, String(request.id), c.targets, c.details));
  });
  app.setNotFoundHandler((request, reply) => void reply.status(404).send(errorBody(404, "not_found", `no route ${request.method} ${request.url.split("?")[0]}`, String(request.id))));

  // An API key in a URL is refused (and cut from the log): it would end up in proxies' logs.
  app.addHook("onRequest", async (request) => {
    const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
    if (holdsApiKey(request.url) || [...new URLSearchParams(query).keys()].some((k) => SECRET_PARAMETER.test(k))) {
      throw new HttpError(400, "bad_request", "API keys and tokens never go in a URL: send the key in the form body of POST /identity/token, and the token as Authorization: Bearer <access_token>");
    }
  });

  const document = openApiDocument();
  app.get("/openapi.json", async () => document);

  /** The IBM Cloud IAM exchange: form `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=…`. */
  app.post("/identity/token", async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== "urn:ibm:params:oauth:grant-type:apikey") throw new HttpError(400, "BXNIM0415E", "grant_type must be urn:ibm:params:oauth:grant-type:apikey");
    const key = await verifyApiKey(store, form.apikey);
    if (!key) throw new HttpError(400, "BXNIM0415E", "Provided API key could not be found or is revoked");
    const { token, exp, iat } = issuer.issue({ sub: key.id, role: key.role, dm: key.data_mart_id, iss: "openscale-ts" }, TOKEN_SECONDS);
    void reply.header("cache-control", "no-store");
    return { access_token: token, refresh_token: "not_supported", token_type: "Bearer", expires_in: TOKEN_SECONDS, expiration: exp, scope: "ibm openid", ims_user_id: 0, iat };
  });

  /** Bearer token → the (still active) key behind it; its data mart must be the route's, else 404 (nothing leaked). */
  const guard = (access: Access) => async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new HttpError(401, "unauthorized", "missing bearer token: exchange an API key at POST /identity/token and send Authorization: Bearer <access_token>");
    const checked = issuer.verify(token);
    if ("error" in checked) throw new HttpError(401, "unauthorized", checked.error === "expired" ? "the token has expired: get a new one at POST /identity/token" : "the token is not valid");
    const key = await options.activeKeys.get(String(checked.claims.sub));
    if (!key) throw new HttpError(401, "unauthorized", "the API key of this token was revoked");
    const dm = (request.params as { dm?: string }).dm;
    if (dm !== undefined && dm !== key.data_mart_id) throw new NotFoundError("data mart", dm, "");
    if (!ALLOWED[key.role].includes(access)) throw new HttpError(403, "forbidden", `a key with the role '${key.role}' may not ${access === "keys" ? "manage API keys" : access === "write" ? "change this data mart" : access === "ingest" ? "log payloads" : "read this data mart"}`);
    request.apiKey = key;
  };
  type Dm = { Params: { dm: string } };

  for (const route of ROUTES) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as Record<string, string>;
      const query = (request.query ?? {}) as Record<string, string>;
      const args: unknown[] = pathParameters(route).map((p) => params[p]);
      for (const place of route.rest ?? []) {
        if (place === "body") args.push(route.method === "setupDataMart" ? dataMarts.setupRequest(params.dm!) : request.body);
        else if (place === "query") args.push(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, fromQueryValue(k, String(v))])));
        else args.push(query[place.query] === undefined ? undefined : fromQueryValue(place.query, String(query[place.query])));
      }
      if (route.method === "storeScoringPayloads" && !Array.isArray(request.body)) throw new ValidationError("scoring payloads", [{ path: "body", message: "expected a JSON array of payload records" }]);
      const result = await dataMarts.call(params.dm!, route.method, args);
      if (route.outcome) {
        const outcome = result as { created: boolean } & Record<string, unknown>;
        return reply.status(outcome.created ? 201 : 200).send(outcome[route.outcome]);
      }
      if (result === undefined) return reply.status(route.status ?? 204).send();
      if (route.binary === "response") return reply.status(route.status ?? 200).type("application/octet-stream").send(Buffer.from(result as Uint8Array));
      return reply.status(route.status ?? 200).send(typeof result === "object" && result !== null ? result : { value: result });
    };
    app.route({ method: route.verb, url: route.path, preHandler: guard(route.access), handler });
    // v1's form, the subscription under its binding (the binding segment only locates it).
    if (route.nested) app.route({ method: route.verb, url: route.path.replace("/subscriptions/:s", "/service_bindings/:b/subscriptions/:s"), preHandler: guard(route.access), handler });
  }
  app.get<{ Params: { dm: string; b: string } }>("/v1/data_marts/:dm/service_bindings/:b/subscriptions", { preHandler: guard("read") }, async (request) => dataMarts.call(request.params.dm, "listSubscriptions", [request.params.b]));

  app.get<Dm>("/v1/data_marts/:dm/api_keys", { preHandler: guard("keys") }, async (request) => ({ api_keys: (await listApiKeys(store)).filter((k) => k.data_mart_id === request.params.dm) }));
  app.post<Dm>("/v1/data_marts/:dm/api_keys", { preHandler: guard("keys") }, async (request, reply) => {
    const body = (request.body ?? {}) as { role?: string; description?: string };
    const created = await createApiKey(store, { role: String(body.role), data_mart_id: request.params.dm, ...(body.description ? { description: String(body.description) } : {}) });
    void reply.status(201).header("cache-control", "no-store");
    return { ...created.record, apikey: created.key };
  });
  app.delete<{ Params: { dm: string; id: string } }>("/v1/data_marts/:dm/api_keys/:id", { preHandler: guard("keys") }, async (request, reply: FastifyReply) => {
    const key = (await listApiKeys(store)).find((k) => k.id === request.params.id && k.data_mart_id === request.params.dm);
    if (!key) throw new NotFoundError("API key", request.params.id, "");
    await revokeApiKey(store, key.id);
    options.activeKeys.revoked(key.id);
    void reply.status(204);
  });
  return app;
}
