/**
 * Every DataMartService call as an HTTP route, in one table that both the server (src/server: request → arguments)
 * and the remote client (src/remote: arguments → request) read, so the two cannot drift apart. Paths are v1's; where
 * v1 nests a subscription under its binding (`…/service_bindings/{b}/subscriptions/{s}/…`) the table uses the flat
 * `…/subscriptions/{s}/…` (the client knows only the subscription) and the server serves v1's nested form too.
 */
import type { DataMartService } from "./data-mart-service";

export type ServiceMethod = Exclude<keyof DataMartService, "close">;
export type Access = "read" | "write" | "ingest";

/** How the arguments after the path parameters travel: the JSON body, one query parameter, or an object of them. */
export type ArgumentPlace = "body" | { query: string } | "query";

export interface Route {
  method: ServiceMethod;
  verb: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** `:dm` is the data mart; the other placeholders take the method's first arguments, in order. */
  path: string;
  access: Access;
  rest?: ArgumentPlace[];
  /** The status of a success (default 200; 204 when the call returns nothing). */
  status?: number;
  /** `{created, <key>}` outcomes: the resource alone in the body, 201 when created, 200 when it existed (v1). */
  outcome?: string;
  /** The body (request) or the answer (response) is bytes, application/octet-stream. */
  binary?: "request" | "response";
  /** Also served at v1's path nesting the subscription under its binding. */
  nested?: boolean;
}

const DM = "/v1/data_marts/:dm";
const S = `${DM}/subscriptions/:s`;

export const ROUTES: readonly Route[] = [
  { method: "getDataMart", verb: "GET", path: DM, access: "read" },
  { method: "setupDataMart", verb: "PUT", path: DM, access: "write", rest: ["body"], outcome: "details" },
  { method: "deleteDataMart", verb: "DELETE", path: DM, access: "write", status: 202 },

  { method: "createServiceBinding", verb: "POST", path: `${DM}/service_bindings`, access: "write", rest: ["body"], outcome: "binding" },
  { method: "listServiceBindings", verb: "GET", path: `${DM}/service_bindings`, access: "read" },
  { method: "getServiceBinding", verb: "GET", path: `${DM}/service_bindings/:b`, access: "read" },
  { method: "deleteServiceBinding", verb: "DELETE", path: `${DM}/service_bindings/:b`, access: "write", status: 202 },
  { method: "listMlInstanceDeployments", verb: "GET", path: "/v1/data_marts/:dm/ml_instances/:b/deployments", access: "read" },
  { method: "scoreDeployment", verb: "POST", path: `${DM}/service_bindings/:b/deployments/:d/score`, access: "write", rest: ["body"] },

  { method: "createSubscription", verb: "POST", path: `${DM}/service_bindings/:b/subscriptions`, access: "write", rest: ["body"], outcome: "subscription" },
  { method: "listSubscriptions", verb: "GET", path: `${DM}/subscriptions`, access: "read", rest: [{ query: "binding_id" }] },
  { method: "getSubscription", verb: "GET", path: S, access: "read", nested: true },
  { method: "updateSubscription", verb: "PATCH", path: S, access: "write", rest: ["body"], nested: true },
  { method: "deleteSubscription", verb: "DELETE", path: S, access: "write", status: 202, nested: true },
  { method: "exportSubscriptionConfiguration", verb: "GET", path: `${S}/file`, access: "read", nested: true },
  { method: "importSubscriptionConfiguration", verb: "PUT", path: `${DM}/service_bindings/:b/subscriptions_file`, access: "write", rest: ["body"], outcome: "subscription" },

  { method: "getMonitorConfiguration", verb: "GET", path: `${S}/configurations/:monitor`, access: "read", nested: true },
  { method: "setMonitorConfiguration", verb: "PUT", path: `${S}/configurations/:monitor`, access: "write", rest: ["body"], nested: true },

  { method: "storeScoringPayloads", verb: "POST", path: `${DM}/scoring_payloads`, access: "ingest", rest: ["body"], status: 202 },
  { method: "getScoringTransactions", verb: "GET", path: `${DM}/scoring_transactions`, access: "read", rest: ["query"] },
  { method: "getPayloadTableSchema", verb: "GET", path: `${S}/payload_table_schema`, access: "read", nested: true },
  { method: "describeScoringTransactions", verb: "GET", path: `${S}/payload_description`, access: "read", rest: [{ query: "limit" }], nested: true },

  { method: "getMetrics", verb: "GET", path: `${DM}/metrics`, access: "read", rest: ["query"] },
  { method: "getDeploymentMetrics", verb: "GET", path: `${DM}/deployment_metrics`, access: "read", rest: ["query"] },

  { method: "createDataDistribution", verb: "POST", path: `${S}/data_distributions`, access: "write", rest: ["body"], status: 202, nested: true },
  { method: "getDataDistribution", verb: "GET", path: `${S}/data_distributions/:id`, access: "read", nested: true },

  { method: "storeFeedbackPayloads", verb: "POST", path: `${S}/feedback_payloads`, access: "ingest", rest: ["body"], nested: true },
  { method: "getFeedbackPayloads", verb: "GET", path: `${S}/feedback_payloads`, access: "read", rest: ["query"], nested: true },
  { method: "getFeedbackTableSchema", verb: "GET", path: `${S}/feedback_table_schema`, access: "read", nested: true },
  { method: "describeFeedbackPayloads", verb: "GET", path: `${S}/feedback_description`, access: "read", nested: true },

  { method: "listMonitorDefinitions", verb: "GET", path: `${DM}/monitor_definitions`, access: "read" },
  { method: "getMonitorDefinition", verb: "GET", path: `${DM}/monitor_definitions/:id`, access: "read" },
  { method: "createMonitorDefinition", verb: "POST", path: `${DM}/monitor_definitions`, access: "write", rest: ["body"], outcome: "definition" },
  { method: "deleteMonitorDefinition", verb: "DELETE", path: `${DM}/monitor_definitions/:id`, access: "write", status: 204 },

  { method: "storeMeasurements", verb: "POST", path: `${DM}/measurements`, access: "write", rest: ["body"], status: 202 },
  { method: "getMeasurement", verb: "GET", path: `${DM}/measurements/:id`, access: "read", rest: [{ query: "monitor_definition_id" }] },

  { method: "createQualityEvaluation", verb: "POST", path: `${S}/evaluations`, access: "write", rest: ["query"], status: 202, nested: true },
  { method: "getQualityEvaluation", verb: "GET", path: `${S}/evaluations/:id`, access: "read", nested: true },
  { method: "listQualityEvaluations", verb: "GET", path: `${S}/evaluations`, access: "read", nested: true },

  { method: "createFairnessRun", verb: "POST", path: "/v1/data_marts/:dm/fairness_monitoring/:s/runs", access: "write", status: 202 },
  { method: "getFairnessRun", verb: "GET", path: "/v1/data_marts/:dm/fairness_monitoring/:s/runs/:id", access: "read" },
  { method: "listFairnessRuns", verb: "GET", path: "/v1/data_marts/:dm/fairness_monitoring/:s/runs", access: "read" },
  { method: "debiasedScoring", verb: "POST", path: `${S}/online`, access: "write", rest: ["body", { query: "deployment_id" }], nested: true },

  { method: "createDriftRun", verb: "POST", path: `${S}/drift_tasks`, access: "write", status: 202, nested: true },
  { method: "getDriftRun", verb: "GET", path: `${S}/drift_tasks/:id`, access: "read", nested: true },
  { method: "listDriftRuns", verb: "GET", path: `${S}/drift_tasks`, access: "read", nested: true },
  { method: "uploadDriftModel", verb: "PUT", path: `${S}/models/drift`, access: "write", rest: ["body"], status: 204, binary: "request", nested: true },
  { method: "downloadDriftModel", verb: "GET", path: `${S}/models/drift`, access: "read", binary: "response", nested: true },

  { method: "createExplanationTask", verb: "POST", path: `${DM}/explanation_tasks`, access: "write", rest: ["body"], status: 202 },
  { method: "getExplanationTask", verb: "GET", path: `${DM}/explanation_tasks/:id`, access: "read" },
  { method: "listExplanations", verb: "GET", path: `${DM}/explanations`, access: "read", rest: ["query"] },
];

/** The path placeholders after `:dm`, in order: the method's first arguments. */
export function pathParameters(route: Route): string[] {
  return [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!).filter((p) => p !== "dm");
}

const NUMBERS = new Set(["limit", "offset"]);
const BOOLEANS = new Set(["include_total_count", "include_sources"]);

/** A query string value back to what the caller sent: the counts and flags were written as text; ids stay text. */
export function fromQueryValue(name: string, value: string): unknown {
  if (BOOLEANS.has(name)) return value === "true";
  if (NUMBERS.has(name) && /^\d+$/.test(value)) return Number(value);
  return value;
}
