import { randomBytes, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { WatsonMachineLearningCredentials } from "../../engines/watson-machine-learning/credentials";
import { listenLoopback, readBody, sendJson } from "../http-server";
import { LocalJwtIssuer, bearerToken } from "../../auth/jwt";
import { parseJson, scoreRows } from "../models/score-request";
import type { TrainedModel } from "../models/trained-model";
import { stableUuid } from "../stable-id";

export interface WmlDeployment {
  name: string;
  model_name: string;
  model: TrainedModel;
}

export interface LocalWmlEngine {
  credentials: WatsonMachineLearningCredentials;
  /** Requests served so far, by route. */
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

const CREATED_AT = "2026-01-15T09:30:00.000Z";
const MAX_BODY = 10 * 1024 * 1024;

function wmlError(res: http.ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { trace: randomBytes(8).toString("hex"), errors: [{ code, message }], status_code: status });
}

/**
 * Watson Machine Learning v4 and IBM Cloud IAM on the loopback interface: `POST /identity/token` exchanges the
 * API key for a signed, expiring JWT; `/ml/v4/deployments`, `/ml/v4/models` and `…/predictions` check that token
 * and the required `version` query parameter, as the real service does.
 */
export async function startLocalWmlEngine(options: {
  deployments: WmlDeployment[];
  host?: string;
  apikey?: string;
  /** Seconds an IAM token lives. @default 3600 */
  token_lifetime_s?: number;
}): Promise<LocalWmlEngine> {
  const apikey = options.apikey ?? randomBytes(24).toString("base64url");
  const issuer = new LocalJwtIssuer(randomBytes(32));
  const spaceId = stableUuid("local-wml-space");
  const instanceId = stableUuid("local-wml-instance");
  const requests: Record<string, number> = {};
  const count = (route: string) => (requests[route] = (requests[route] ?? 0) + 1);
  const deployments = options.deployments.map((d) => ({ ...d, id: stableUuid(`wml-deployment:${d.name}`), model_id: stableUuid(`wml-model:${d.model_name}`) }));
  let base = "";

  const handler: http.RequestListener = async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    if (url.pathname === "/identity/token") {
      if (req.method !== "POST") return wmlError(res, 405, "BXNIM0405E", "Use POST.");
      count("POST /identity/token");
      const form = new URLSearchParams((await readBody(req, 64 * 1024)) ?? "");
      if (form.get("grant_type") !== "urn:ibm:params:oauth:grant-type:apikey") {
        return sendJson(res, 400, { errorCode: "BXNIM0109E", errorMessage: "Property missing or empty. Operation not allowed.", context: {} });
      }
      const given = Buffer.from(form.get("apikey") ?? "");
      if (given.length !== apikey.length || !timingSafeEqual(given, Buffer.from(apikey))) {
        return sendJson(res, 400, { errorCode: "BXNIM0415E", errorMessage: "Provided API key could not be found.", context: {} });
      }
      const lifetime = options.token_lifetime_s ?? 3600;
      const { token, exp } = issuer.issue({ iam_id: "iam-ServiceId-local", sub: "ServiceId-local", iss: `${base}/identity`, scope: "ibm openid" }, lifetime);
      return sendJson(res, 200, { access_token: token, refresh_token: "not_supported", token_type: "Bearer", expires_in: lifetime, expiration: exp, scope: "ibm openid" });
    }
    if (!url.pathname.startsWith("/ml/v4/")) return wmlError(res, 404, "not_found", `No route ${url.pathname}.`);
    const token = bearerToken(req.headers.authorization);
    const verdict = token ? issuer.verify(token) : { error: "invalid" as const };
    if ("error" in verdict) {
      return wmlError(res, 401, verdict.error === "expired" ? "authentication_token_expired" : "authorization_rejected", verdict.error === "expired" ? "The IAM token has expired." : "A valid IAM bearer token is required.");
    }
    if (!url.searchParams.get("version")) return wmlError(res, 400, "missing_query_parameter", "Missing query parameter `version`.");

    if (url.pathname === "/ml/v4/deployments" || url.pathname === "/ml/v4/models") {
      if (req.method !== "GET") return wmlError(res, 405, "method_not_allowed", "Use GET.");
      const space = url.searchParams.get("space_id");
      if (!space) return wmlError(res, 400, "missing_query_parameter", "Either space_id or project_id has to be provided.");
      if (space !== spaceId) return wmlError(res, 404, "space_not_found", `Space '${space}' does not exist.`);
      count(`GET ${url.pathname}`);
      const resources =
        url.pathname === "/ml/v4/models"
          ? deployments.map((d) => ({
              metadata: { id: d.model_id, name: d.model_name, space_id: spaceId, created_at: CREATED_AT, modified_at: CREATED_AT },
              entity: { type: "scikit-learn_1.1", software_spec: { name: "runtime-22.2-py3.10" }, label_column: d.model.label_column },
            }))
          : deployments.map((d) => ({
              metadata: { id: d.id, name: d.name, space_id: spaceId, created_at: CREATED_AT, modified_at: CREATED_AT, href: `/ml/v4/deployments/${d.id}` },
              entity: {
                name: d.name,
                asset: { id: d.model_id },
                online: { parameters: {} },
                space_id: spaceId,
                deployed_asset_type: "model",
                status: { state: "ready", online_url: { url: `${base}/ml/v4/deployments/${d.id}/predictions` } },
              },
            }));
      return sendJson(res, 200, { total_count: resources.length, limit: 100, first: { href: `${url.pathname}?space_id=${spaceId}` }, resources });
    }
    const match = /^\/ml\/v4\/deployments\/([^/]+)\/predictions$/.exec(url.pathname);
    const deployment = match ? deployments.find((d) => d.id === match[1]) : undefined;
    if (!deployment) return wmlError(res, 404, "deployment_not_found", `Deployment ${match?.[1] ?? url.pathname} does not exist.`);
    if (req.method !== "POST") return wmlError(res, 405, "method_not_allowed", "Use POST.");
    count("POST predictions");
    const text = await readBody(req, MAX_BODY);
    if (text === undefined) return wmlError(res, 413, "payload_too_large", "The request body is too large.");
    const parsed = parseJson(text);
    if ("error" in parsed) return wmlError(res, 400, "invalid_input_data", parsed.error);
    const input = (parsed.body as { input_data?: { fields?: unknown; values?: unknown }[] })?.input_data;
    if (!Array.isArray(input) || input.length === 0) return wmlError(res, 400, "invalid_input_data", "'input_data' must be a list of {fields, values}.");
    const predictions = [];
    for (const block of input) {
      const outcome = scoreRows(deployment.model, block?.fields, block?.values);
      if ("error" in outcome) return wmlError(res, 400, "invalid_input_data", outcome.error);
      predictions.push({ fields: ["prediction", "probability"], values: outcome.predictions.map((p) => [p.prediction, p.probability]) });
    }
    return sendJson(res, 200, { predictions });
  };

  const server = await listenLoopback(handler, options.host);
  base = server.url;
  return {
    credentials: { apikey, url: server.url, instance_id: instanceId, space_id: spaceId, iam_url: server.url },
    requests,
    stop: server.stop,
  };
}
