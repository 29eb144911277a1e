import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { AzureCredentials } from "../../engines/azure-credentials";
import { readBody, sendJson } from "../http-server";
import { listenLoopbackTls, localCertificate } from "../https-server";
import { LocalJwtIssuer, bearerToken } from "../../auth/jwt";
import type { TrainedModel } from "../models/trained-model";
import { scoreRows } from "../models/score-request";
import { stableUuid } from "../stable-id";

export interface StudioWebService {
  /** ARM resource name. */
  name: string;
  title: string;
  model: TrainedModel;
}

export interface OnlineEndpoint {
  /** Endpoint name. */
  name: string;
  model_name: string;
  model: TrainedModel;
}

export interface LocalAzureEngine {
  /** Credentials for Azure ML Studio (the same service principal serves Azure ML Service later). */
  credentials: AzureCredentials;
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

const CREATED_AT = "2026-01-15T09:30:00.000Z";
const RESOURCE_GROUP = "openscale-local";

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Azure on the loopback interface, over HTTPS with a certificate made at start-up: the Microsoft identity platform's
 * client-credentials token endpoint (and the OpenID metadata MSAL reads), Azure Resource Manager's
 * `Microsoft.MachineLearning/webServices` listing and `listKeys`, and each Studio web service's request-response
 * `execute` (swagger and classic bodies), and Azure ML's workspaces, `onlineEndpoints`, their `listKeys` and `/score`,
 * each checking its own credential as Azure does.
 */
export async function startLocalAzureEngine(options: {
  webServices: StudioWebService[];
  onlineEndpoints?: OnlineEndpoint[];
  host?: string;
  token_lifetime_s?: number;
}): Promise<LocalAzureEngine> {
  const endpoints = options.onlineEndpoints ?? [];
  const tenant = stableUuid("local-azure-tenant");
  const subscription = stableUuid("local-azure-subscription");
  const clientId = stableUuid("local-azure-client");
  const clientSecret = randomBytes(24).toString("base64url");
  const issuer = new LocalJwtIssuer(randomBytes(32));
  const serviceKeys = new Map(options.webServices.map((s) => [s.name, randomBytes(32).toString("base64")]));
  const endpointKeys = new Map(endpoints.map((e) => [e.name, randomBytes(32).toString("base64")]));
  const workspace = `/subscriptions/${subscription}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/openscale-workspace`;
  const requests: Record<string, number> = {};
  const count = (route: string) => (requests[route] = (requests[route] ?? 0) + 1);
  const tls = await localCertificate();
  let base = "";

  const armError = (res: http.ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { error: { code, message } });
  const serviceId = (name: string) => `/subscriptions/${subscription}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.MachineLearning/webServices/${name}`;

  const handler: http.RequestListener = async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;

    // --- Microsoft identity platform -----------------------------------------------------------------------
    if (path === `/${tenant}/v2.0/.well-known/openid-configuration` || path === `/${tenant}/.well-known/openid-configuration`) {
      return sendJson(res, 200, {
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        issuer: `${base}/${tenant}/v2.0`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
        response_types_supported: ["code", "id_token", "token"],
        scopes_supported: ["openid", "profile", "offline_access"],
        tenant_region_scope: "NA",
      });
    }
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (tokenPath) {
      count("POST token");
      const form = new URLSearchParams((await readBody(req, 64 * 1024)) ?? "");
      const aad = (status: number, error: string, code: number, description: string) =>
        sendJson(res, status, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
      if (decodeURIComponent(tokenPath[1]!) !== tenant) return aad(400, "invalid_request", 90002, `Tenant '${tokenPath[1]}' not found.`);
      if (form.get("grant_type") !== "client_credentials") return aad(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
      if (!equal(form.get("client_id") ?? "", clientId)) return aad(400, "unauthorized_client", 700016, "Application was not found in the directory.");
      if (!equal(form.get("client_secret") ?? "", clientSecret)) return aad(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
      const lifetime = options.token_lifetime_s ?? 3599;
      const { token } = issuer.issue({ aud: "https://management.azure.com/", tid: tenant, appid: clientId, iss: `${base}/${tenant}/v2.0` }, lifetime);
      return sendJson(res, 200, { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
    }

    // --- Studio request-response scoring (its own API key) --------------------------------------------------
    const execute = /^\/studio\/subscriptions\/[^/]+\/services\/([^/]+)\/execute$/.exec(path);
    if (execute) {
      const service = options.webServices.find((s) => s.name === execute[1]);
      if (!service) return armError(res, 404, "ServiceNotFound", `No web service ${execute[1]}.`);
      const key = bearerToken(req.headers.authorization) ?? "";
      if (!equal(key, serviceKeys.get(service.name)!)) return armError(res, 401, "Unauthorized", "The API key is missing or wrong.");
      if (req.method !== "POST") return armError(res, 405, "MethodNotAllowed", "Use POST.");
      count("POST execute");
      return execute_(res, service, url.searchParams.get("format") === "swagger", (await readBody(req, 10 * 1024 * 1024)) ?? "");
    }

    // --- Azure ML online endpoint scoring (its own key) ------------------------------------------------------
    const inference = /^\/inference\/([^/]+)\/score$/.exec(path);
    if (inference) {
      const endpoint = endpoints.find((e) => e.name === inference[1]);
      if (!endpoint) return armError(res, 404, "EndpointNotFound", `No online endpoint ${inference[1]}.`);
      if (!equal(bearerToken(req.headers.authorization) ?? "", endpointKeys.get(endpoint.name)!)) return sendJson(res, 401, { message: "Key based authentication is enabled: the key is missing or wrong." });
      if (req.method !== "POST") return armError(res, 405, "MethodNotAllowed", "Use POST.");
      count("POST score");
      let input: { columns?: unknown; data?: unknown } | undefined;
      try {
        input = (JSON.parse((await readBody(req, 10 * 1024 * 1024)) ?? "") as { input_data?: typeof input }).input_data;
      } catch {
        return sendJson(res, 400, { message: "The request body is not JSON." });
      }
      const outcome = scoreRows(endpoint.model, input?.columns, input?.data);
      if ("error" in outcome) return sendJson(res, 400, { message: `An unexpected error occurred in scoring script: ${outcome.error}` });
      return sendJson(res, 200, { "Scored Labels": outcome.predictions.map((p) => p.prediction), "Scored Probabilities": outcome.predictions.map((p) => p.probability) });
    }

    // --- Azure Resource Manager ---------------------------------------------------------------------------
    if (!path.startsWith("/subscriptions/")) return armError(res, 404, "NotFound", `No route ${path}.`);
    const token = bearerToken(req.headers.authorization);
    const verdict = token ? issuer.verify(token) : { error: "invalid" as const };
    if ("error" in verdict) {
      return armError(res, 401, verdict.error === "expired" ? "ExpiredAuthenticationToken" : "InvalidAuthenticationToken", verdict.error === "expired" ? "The access token expiry UTC time is earlier than current UTC time." : "The access token is invalid.");
    }
    if (!url.searchParams.get("api-version")) return armError(res, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    if (!path.startsWith(`/subscriptions/${subscription}/`)) return armError(res, 404, "SubscriptionNotFound", `The subscription '${path.split("/")[2]}' could not be found.`);
    if (req.method === "GET" && path === `/subscriptions/${subscription}/providers/Microsoft.MachineLearning/webServices`) {
      count("GET webServices");
      return sendJson(res, 200, {
        value: options.webServices.map((s) => ({
          id: serviceId(s.name),
          name: s.name,
          type: "Microsoft.MachineLearning/webServices",
          location: "southcentralus",
          properties: {
            title: s.title,
            description: `${s.model.name} (${s.model.problem_type})`,
            createdOn: CREATED_AT,
            modifiedOn: CREATED_AT,
            provisioningState: "Succeeded",
            packageType: "Graph",
            swaggerLocation: `${base}/studio/subscriptions/${subscription}/services/${s.name}/swagger.json`,
          },
        })),
      });
    }
    if (req.method === "GET" && path === `/subscriptions/${subscription}/providers/Microsoft.MachineLearningServices/workspaces`) {
      count("GET workspaces");
      return sendJson(res, 200, { value: [{ id: workspace, name: "openscale-workspace", location: "eastus", type: "Microsoft.MachineLearningServices/workspaces" }] });
    }
    if (req.method === "GET" && path === `${workspace}/onlineEndpoints`) {
      count("GET onlineEndpoints");
      return sendJson(res, 200, {
        value: endpoints.map((e) => ({
          id: `${workspace}/onlineEndpoints/${e.name}`,
          name: e.name,
          type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
          location: "eastus",
          tags: { model: e.model_name },
          properties: { authMode: "Key", scoringUri: `${base}/inference/${e.name}/score`, provisioningState: "Succeeded", description: `${e.model.name} (${e.model.problem_type})` },
          systemData: { createdAt: CREATED_AT, createdBy: clientId, lastModifiedAt: CREATED_AT },
        })),
      });
    }
    const endpointKeysPath = /^(.*)\/onlineEndpoints\/([^/]+)\/listKeys$/.exec(path);
    if (req.method === "POST" && endpointKeysPath && endpointKeysPath[1] === workspace && endpointKeys.has(endpointKeysPath[2]!)) {
      count("POST endpoint listKeys");
      return sendJson(res, 200, { primaryKey: endpointKeys.get(endpointKeysPath[2]!), secondaryKey: randomBytes(32).toString("base64") });
    }
    const keys = /^(.*)\/listKeys$/.exec(path);
    const keyed = keys ? options.webServices.find((s) => serviceId(s.name) === keys[1]) : undefined;
    if (req.method === "POST" && keyed) {
      count("POST listKeys");
      return sendJson(res, 200, { primary: serviceKeys.get(keyed.name), secondary: randomBytes(32).toString("base64") });
    }
    return armError(res, 404, "ResourceNotFound", `The resource '${path}' was not found.`);
  };

  const server = await listenLoopbackTls(handler, tls, options.host);
  base = server.url;
  return {
    credentials: {
      tenant,
      client_id: clientId,
      client_secret: clientSecret,
      subscription_id: subscription,
      login_url: base,
      management_url: base,
      ca_certificate: tls.cert,
    },
    requests,
    stop: server.stop,
  };
}

/** Scores swagger records (`{Inputs: {input1: [...]}}`) or a classic table (`{Inputs: {input1: {ColumnNames, Values}}}`). */
function execute_(res: http.ServerResponse, service: StudioWebService, swagger: boolean, text: string): void {
  const fail = (message: string) => sendJson(res, 400, { error: { code: "BadArgument", message: "Invalid argument provided.", details: [{ code: "InputParseError", message }] } });
  let input: unknown;
  try {
    input = (JSON.parse(text) as { Inputs?: Record<string, unknown> }).Inputs?.input1;
  } catch {
    return fail("The request body is not JSON.");
  }
  let fields: string[];
  let values: unknown[][];
  if (Array.isArray(input)) {
    fields = [...new Set(input.flatMap((r) => Object.keys(r as object)))];
    values = input.map((r) => fields.map((f) => (r as Record<string, unknown>)[f]));
  } else if (input && typeof input === "object" && Array.isArray((input as { ColumnNames?: unknown }).ColumnNames)) {
    ({ ColumnNames: fields, Values: values } = input as { ColumnNames: string[]; Values: unknown[][] });
  } else {
    return fail("Inputs.input1 must be a list of records, or {ColumnNames, Values}.");
  }
  const outcome = scoreRows(service.model, fields, values);
  if ("error" in outcome) return fail(outcome.error);
  const positive = service.model.labels.length - 1;
  const out = outcome.predictions.map((p, i) => ({
    ...Object.fromEntries(fields.map((f, j) => [f, values[i]![j]])),
    "Scored Labels": p.prediction,
    "Scored Probabilities": p.probability[positive],
  }));
  if (swagger) return sendJson(res, 200, { Results: { output1: out } });
  const columns = Object.keys(out[0] ?? {});
  sendJson(res, 200, {
    Results: { output1: { type: "table", value: { ColumnNames: columns, ColumnTypes: columns.map(() => "String"), Values: out.map((r) => columns.map((c) => String((r as Record<string, unknown>)[c]))) } } },
  });
}
