import { randomBytes, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { CustomCredentials } from "../../engines/custom/credentials";
import { listenLoopback, readBody, sendJson } from "../http-server";
import { parseJson, scoreRows } from "../models/score-request";
import type { TrainedModel } from "../models/trained-model";

/** A model served under a deployment id. */
export interface CustomDeployment {
  guid: string;
  name: string;
  description: string;
  asset_name: string;
  model: TrainedModel;
}

export interface LocalCustomEngine {
  url: string;
  credentials: CustomCredentials;
  /** Requests served so far, by route (`GET /v1/deployments`, `POST online`). */
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;
/** The deployments' creation time: fixed, so listings (and notebook outputs) are the same on every run. */
const CREATED_AT = "2026-01-15T09:30:00.000Z";

function error(res: http.ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { errors: [{ code, message }] }, headers);
}

/**
 * A custom ML engine on the loopback interface, implementing OpenScale's custom engine contract:
 * `GET /v1/deployments` and `POST /v1/deployments/{id}/online` with `{fields, values}`, behind HTTP Basic auth.
 */
export async function startLocalCustomEngine(options: {
  deployments: CustomDeployment[];
  host?: string;
  port?: number;
  username?: string;
  password?: string;
}): Promise<LocalCustomEngine> {
  const username = options.username ?? "admin";
  const password = options.password ?? randomBytes(12).toString("base64url");
  const expected = Buffer.from(`Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`);
  const requests: Record<string, number> = {};
  let base = "";

  const authorised = (req: http.IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const handler: http.RequestListener = async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    if (!authorised(req)) {
      return error(res, 401, "unauthorized", "Missing or wrong Basic auth credentials.", { "WWW-Authenticate": 'Basic realm="custom-ml-engine"' });
    }
    if (url.pathname === "/v1/deployments") {
      if (req.method !== "GET") return error(res, 405, "method_not_allowed", `${req.method} is not allowed here; use GET.`, { Allow: "GET" });
      requests["GET /v1/deployments"] = (requests["GET /v1/deployments"] ?? 0) + 1;
      return sendJson(res, 200, { count: options.deployments.length, resources: options.deployments.map((d) => listing(d, base)) });
    }
    const match = /^\/v1\/deployments\/([^/]+)\/online$/.exec(url.pathname);
    if (!match) return error(res, 404, "not_found", `No route ${url.pathname}.`);
    const deployment = options.deployments.find((d) => d.guid === decodeURIComponent(match[1]!));
    if (!deployment) return error(res, 404, "deployment_not_found", `No deployment '${match[1]}'.`);
    if (req.method !== "POST") return error(res, 405, "method_not_allowed", `${req.method} is not allowed here; use POST.`, { Allow: "POST" });
    const body = await readBody(req, MAX_BODY);
    if (body === undefined) return error(res, 413, "payload_too_large", `The request body is over ${MAX_BODY} bytes; score fewer rows per request.`);
    requests["POST online"] = (requests["POST online"] ?? 0) + 1;
    const outcome = score(deployment.model, body);
    if ("error" in outcome) return error(res, 400, "invalid_input", outcome.error);
    return sendJson(res, 200, outcome);
  };

  const server = await listenLoopback(handler, options.host, options.port);
  base = server.url;
  return {
    url: server.url,
    credentials: { url: server.url, username, password },
    requests,
    stop: server.stop,
  };
}

function listing(d: CustomDeployment, base: string) {
  const scoringUrl = `${base}/v1/deployments/${d.guid}/online`;
  return {
    metadata: { guid: d.guid, url: scoringUrl, created_at: CREATED_AT, modified_at: CREATED_AT },
    entity: {
      name: d.name,
      description: d.description,
      type: "online",
      scoring_url: scoringUrl,
      scoring_endpoint: { url: scoringUrl },
      asset: { guid: d.guid, asset_id: d.guid, name: d.asset_name, asset_type: "model", created_at: CREATED_AT },
      asset_properties: {
        problem_type: d.model.problem_type,
        input_data_type: "structured",
        label_column: d.model.label_column,
        prediction_field: "prediction",
        probability_fields: ["probability"],
        feature_fields: d.model.feature_columns,
        categorical_fields: d.model.categorical_columns,
      },
    },
  };
}

/** Scores a `{fields, values}` body; the answer is `{fields: [prediction, probability], labels, values}`. */
function score(model: TrainedModel, text: string): { fields: string[]; labels: string[]; values: unknown[][] } | { error: string } {
  const parsed = parseJson(text);
  if ("error" in parsed) return { error: `${parsed.error} Send {"fields": [...], "values": [[...], ...]}.` };
  const { fields, values } = (parsed.body ?? {}) as { fields?: unknown; values?: unknown };
  const outcome = scoreRows(model, fields, values);
  if ("error" in outcome) return outcome;
  return { fields: ["prediction", "probability"], labels: model.labels, values: outcome.predictions.map((p) => [p.prediction, p.probability]) };
}
