import { parseCsvLine } from "../../engines/native-payloads";
import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import type { SageMakerCredentials } from "../../engines/sagemaker/credentials";
import { listenLoopback, readBody, sendJson } from "../http-server";
import type { TrainedModel } from "../models/trained-model";
import { verifySigV4 } from "./sigv4-verifier";

export interface SageMakerEndpoint {
  /** Endpoint name (SageMaker's naming rule). */
  name: string;
  model_name: string;
  model: TrainedModel;
}

export interface LocalSageMakerEngine {
  credentials: SageMakerCredentials;
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
/** 2026-01-15T09:30:00Z in epoch seconds: JSON 1.1 timestamps. */
const CREATED = Date.parse("2026-01-15T09:30:00.000Z") / 1000;
const MAX_INVOKE = 5 * 1024 * 1024;

/**
 * AWS SageMaker on the loopback interface: the control plane (JSON 1.1, `X-Amz-Target: SageMaker.*`) and the
 * runtime (`POST /endpoints/{name}/invocations`, `text/csv` or JSON), every request checked for a valid SigV4
 * signature by the access key's secret, as AWS does. Models answer in linear-learner's JSON format.
 */
export async function startLocalSageMakerEngine(options: { endpoints: SageMakerEndpoint[]; host?: string }): Promise<LocalSageMakerEngine> {
  const accessKeyId = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const secret = randomBytes(30).toString("base64");
  const requests: Record<string, number> = {};
  const count = (route: string) => (requests[route] = (requests[route] ?? 0) + 1);

  const awsError = (res: http.ServerResponse, status: number, type: string, message: string, extra: Record<string, unknown> = {}) =>
    sendJson(res, status, { __type: type, message, ...extra }, { "x-amzn-ErrorType": type, "x-amzn-RequestId": randomUUID() });

  const handler: http.RequestListener = async (req, res) => {
    const body = await readBody(req, MAX_INVOKE);
    if (body === undefined) return awsError(res, 413, "ValidationError", `Request body exceeds the ${MAX_INVOKE} bytes InvokeEndpoint accepts.`);
    const verdict = verifySigV4(
      { method: req.method ?? "GET", target: req.url ?? "/", headers: req.headers, body: Buffer.from(body) },
      { service: "sagemaker", region: REGION, secretFor: (id) => (id === accessKeyId ? secret : undefined) },
    );
    if (!verdict.ok) return awsError(res, verdict.status, verdict.type, verdict.message);

    const invoke = /^\/endpoints\/([^/]+)\/invocations$/.exec((req.url ?? "").split("?")[0]!);
    if (invoke) {
      const endpoint = options.endpoints.find((e) => e.name === decodeURIComponent(invoke[1]!));
      if (!endpoint) return awsError(res, 400, "ValidationError", `Endpoint ${invoke[1]} of account ${ACCOUNT} not found.`);
      count("InvokeEndpoint");
      const outcome = invokeModel(endpoint.model, String(req.headers["content-type"] ?? ""), body);
      if ("error" in outcome) {
        // The model container refused the input: SageMaker passes that on as a 424 ModelError.
        return awsError(res, 424, "ModelError", `Received client error (400) from primary with message "${outcome.error}".`, {
          OriginalStatusCode: 400,
          OriginalMessage: outcome.error,
          LogStreamArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/${endpoint.name}`,
        });
      }
      return sendJson(res, 200, outcome, { "x-Amzn-Invoked-Production-Variant": "AllTraffic", "x-amzn-RequestId": randomUUID() });
    }
    if (req.url !== "/" || req.method !== "POST") return awsError(res, 404, "UnknownOperationException", `No route ${req.method} ${req.url}.`);
    const action = String(req.headers["x-amz-target"] ?? "").replace(/^SageMaker\./, "");
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body || "{}") as Record<string, unknown>;
    } catch {
      return awsError(res, 400, "SerializationException", "The request body is not JSON.");
    }
    count(action);
    const json = (data: unknown) => sendJson(res, 200, data, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": randomUUID() });
    const find = (name: unknown) => options.endpoints.find((e) => e.name === name);
    switch (action) {
      case "ListEndpoints":
        return json({
          Endpoints: options.endpoints.map((e) => ({
            EndpointName: e.name,
            EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${e.name}`,
            CreationTime: CREATED,
            LastModifiedTime: CREATED,
            EndpointStatus: "InService",
          })),
        });
      case "DescribeEndpoint": {
        const e = find(input.EndpointName);
        if (!e) return awsError(res, 400, "ValidationException", `Could not find endpoint "${String(input.EndpointName)}".`);
        return json({
          EndpointName: e.name,
          EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${e.name}`,
          EndpointConfigName: `${e.name}-config`,
          ProductionVariants: [{ VariantName: "AllTraffic", CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 }],
          EndpointStatus: "InService",
          CreationTime: CREATED,
          LastModifiedTime: CREATED,
        });
      }
      case "DescribeEndpointConfig": {
        const e = options.endpoints.find((x) => `${x.name}-config` === input.EndpointConfigName);
        if (!e) return awsError(res, 400, "ValidationException", `Could not find endpoint configuration "${String(input.EndpointConfigName)}".`);
        return json({
          EndpointConfigName: `${e.name}-config`,
          EndpointConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/${e.name}-config`,
          ProductionVariants: [{ VariantName: "AllTraffic", ModelName: e.model_name, InitialInstanceCount: 1, InstanceType: "ml.m5.large", InitialVariantWeight: 1 }],
          CreationTime: CREATED,
        });
      }
      default:
        return awsError(res, 400, "UnknownOperationException", `Unknown operation ${action || "(no X-Amz-Target)"}.`);
    }
  };

  const server = await listenLoopback(handler, options.host);
  return {
    credentials: { access_key_id: accessKeyId, secret_access_key: secret, region: REGION, endpoint_url: server.url, runtime_url: server.url },
    requests,
    stop: server.stop,
  };
}

/** Scores CSV rows (features in training order) or `{"instances":[{"features":[...]}]}`, answering as linear learner does. */
function invokeModel(model: TrainedModel, contentType: string, body: string): { predictions: unknown[] } | { error: string } {
  let rows: unknown[][];
  if (contentType.startsWith("text/csv")) {
    rows = body.split(/\r?\n/).filter((l) => l.trim()).map(parseCsvLine);
  } else if (contentType.startsWith("application/json")) {
    try {
      const instances = (JSON.parse(body) as { instances?: { features?: unknown[] }[] }).instances;
      if (!Array.isArray(instances)) return { error: "JSON input must be {\"instances\": [{\"features\": [...]}]}" };
      rows = instances.map((i) => i.features ?? []);
    } catch {
      return { error: "the body is not JSON" };
    }
  } else {
    return { error: `unsupported content type '${contentType}': use text/csv or application/json` };
  }
  const records: Record<string, unknown>[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.length !== model.feature_columns.length) return { error: `row ${i} has ${row.length} values; the model takes ${model.feature_columns.length} features` };
    const record: Record<string, unknown> = {};
    for (const [j, column] of model.feature_columns.entries()) {
      const raw = row[j];
      if (model.categorical_columns.includes(column)) record[column] = String(raw);
      else {
        const n = typeof raw === "number" ? raw : Number(raw);
        if (!Number.isFinite(n) || raw === "") return { error: `row ${i}: '${column}' must be a number, got '${String(raw)}'` };
        record[column] = n;
      }
    }
    records.push(record);
  }
  return {
    predictions: model.predict(records).map((p) =>
      model.labels.length === 2
        ? { score: p.probability[1], predicted_label: model.labels.indexOf(p.prediction) }
        : { score: p.probability, predicted_label: model.labels.indexOf(p.prediction) },
    ),
  };
}
