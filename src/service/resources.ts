/**
 * The v1 REST resource shapes the data mart service speaks: `{metadata, entity}` objects and named collections.
 * Secrets are masked in every resource the service returns.
 */
import type { EngineDeployment } from "../engines/adapter";
import type { ServiceType } from "../engines/service-types";
import type { PayloadField } from "./payload-schema";
import type { MetricThreshold } from "./monitor-resources";

export interface ResourceMetadata {
  guid: string;
  url: string;
  created_at: string;
  modified_at?: string;
}

/** GET /v1/data_marts/{dm} */
export interface DataMartDetails {
  data_mart_id: string;
  created_at: string;
  internal_database?: true;
  database_configuration:
    | Record<string, never>
    | {
        database_type: "postgresql";
        name: string;
        credentials: Record<string, unknown> | string;
        location: { schema: string };
      };
  status: { state: "active" };
  service_instance_crn: string;
  /** Where the data lives, for humans (no password). */
  location: string;
}

/** PUT /v1/data_marts/{dm} */
export type DataMartSetupRequest =
  | { internal_database: true }
  | {
      database_configuration: {
        database_type: "postgresql";
        name?: string;
        credentials: unknown;
        location: { schema?: string };
      };
    };

export interface DataMartSetupOutcome {
  /** false when a data mart already existed (v1: 409, "Warning during setup of data mart."). */
  created: boolean;
  details: DataMartDetails;
}

/** POST /v1/data_marts/{dm}/service_bindings */
export interface ServiceBindingCreateRequest {
  name: string;
  service_type: ServiceType;
  instance_id: string;
  credentials: Record<string, unknown>;
  request_headers?: Record<string, string>;
}

export interface ServiceBinding {
  metadata: ResourceMetadata;
  entity: {
    name: string;
    service_type: ServiceType;
    instance_id: string;
    credentials: Record<string, unknown>;
    request_headers?: Record<string, string>;
    status: { state: string };
  };
}

export interface ServiceBindingCreateOutcome {
  /** false when the same engine instance was bound already (v1: 409, the existing uid is returned). */
  created: boolean;
  binding: ServiceBinding;
}

/** GET /v1/ml_instances/{binding}/deployments: what the engine behind a binding serves right now. */
export interface MlInstanceDeployments {
  binding_uid: string;
  deployments: EngineDeployment[];
}

// ---- subscriptions --------------------------------------------------------------------------------------------

/** The asset a subscription watches (v1 `entity.asset`). */
export interface SubscriptionAsset {
  asset_id: string;
  url: string;
  name: string;
  asset_type: string;
  created_at: string;
}

/** v1 `entity.asset_properties`: what the columns mean. The server adds the schemas. */
export interface AssetProperties {
  problem_type?: string;
  input_data_type?: string;
  training_data_reference?: Record<string, unknown>;
  label_column?: string;
  prediction_field?: string;
  probability_fields?: string[];
  transaction_id_field?: string;
  class_probability_fields?: string[];
  /** The model's class labels in the order of its class indices (beyond v1; see `class_labels` of the asset). */
  class_labels?: string[];
  feature_fields?: string[];
  categorical_fields?: string[];
  input_data_schema?: { type: "struct"; fields: PayloadField[] };
  output_data_schema?: { type: "struct"; fields: PayloadField[] };
}

/** A deployment a subscription watches, with what a notebook needs to score it itself. */
export interface SubscriptionDeployment {
  deployment_id: string;
  name: string;
  created_at: string;
  deployment_type: string;
  deployment_rn: string;
  url?: string;
  /** The URL (SageMaker: the endpoint name) and the request headers to score with; credentials stay with the binding. */
  scoring_endpoint: { url: string; request_headers: Record<string, string> };
}

/** The monitors a subscription always has a configuration for; custom monitors are named by their definition's guid. */
export type MonitorName = "payload_logging" | "performance_monitoring" | "quality_monitoring" | "fairness_monitoring" | "drift_monitoring" | "explainability";

export interface MonitorConfiguration {
  enabled: boolean;
  monitor_definition_id: string;
  /** A built-in monitor's name, or a custom monitor's definition guid. */
  type: MonitorName | string;
  url: string;
  parameters: Record<string, unknown>;
  /** Limits set on the monitor's metrics for this subscription (over the definition's defaults). */
  thresholds?: MetricThreshold[];
}

/** GET …/subscriptions/{s} */
export interface Subscription {
  metadata: ResourceMetadata;
  entity: {
    asset: SubscriptionAsset;
    asset_properties: AssetProperties;
    configurations: MonitorConfiguration[];
    deployments: SubscriptionDeployment[];
    service_binding_id: string;
    status: { state: string };
  };
}

/** PUT …/service_bindings/{b}/subscriptions/{s} */
export interface SubscriptionCreateRequest {
  asset: SubscriptionAsset;
  asset_properties: AssetProperties;
  deployments: SubscriptionDeployment[];
}

export interface SubscriptionCreateOutcome {
  /** false when the binding already had a subscription to this asset (v1: 409); the existing one is returned. */
  created: boolean;
  subscription: Subscription;
}

/** One JSON-Patch operation of PATCH …/subscriptions/{s} (`add` or `replace` under `/asset_properties/`). */
export interface SubscriptionPatchOperation {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

/** GET/PUT …/subscriptions/{s}/file */
export interface SubscriptionConfiguration {
  asset: SubscriptionAsset;
  asset_properties: AssetProperties;
  configurations: Partial<Record<MonitorName, { enabled?: boolean; parameters?: Record<string, unknown> }>>;
  deployments: SubscriptionDeployment[];
  export_info?: { timestamp: string; origin: string; api_version: "v1" };
}

// ---- payload logging ------------------------------------------------------------------------------------------

/** One record of POST /v1/data_marts/{dm}/scoring_payloads. */
export interface ScoringPayloadRecord {
  subscription_id: string;
  binding_id?: string;
  deployment_id?: string;
  /** The scoring request, `{fields, values}` or the engine's own body. */
  request: unknown;
  /** The scoring answer, `{fields, values}` or the engine's own body (object or JSON text). */
  response: unknown;
  scoring_id?: string;
  scoring_timestamp?: string;
  /** Milliseconds the engine took. */
  response_time?: number;
}

export interface ScoringPayloadOutcome {
  /** Records (scoring requests) received. */
  records: number;
  /** Payload rows written now. */
  stored_rows: number;
  /** Rows not stored because their request's scoring_id was stored before (or sent earlier in the batch). */
  duplicate_rows: number;
  /** Records whose scoring_id was stored before, or came earlier in the batch: the first request is kept whole. */
  duplicate_records: number;
}

/** GET /v1/data_marts/{dm}/scoring_transactions?subscription_id=… */
export interface ScoringTransactions {
  fields: string[];
  values: unknown[][];
  total_count?: number;
}

/** GET …/subscriptions/{s}/payload_table_schema */
export interface PayloadTableSchema {
  table_name: string;
  /** false until the first payload fixes the answer columns' types. */
  complete: boolean;
  table_schema: { fields: PayloadField[] };
}

/** Summary statistics of the numeric payload columns (pandas `describe()`), computed in SQL. */
export interface PayloadDescription {
  columns: string[];
  /** count, mean, std, min, 25%, 50%, 75%, max: one row per statistic, one value per column. */
  statistics: { name: string; values: (number | null)[] }[];
}

// ---- metrics --------------------------------------------------------------------------------------------------

/** One performance sample: a scoring request. */
export interface PerformanceSample {
  timestamp: string;
  scoring_id: string;
  binding_id: string;
  subscription_id: string;
  deployment_id: string;
  value: { response_time: number | null; records: number };
}

/** One hour of scoring requests. */
export interface PerformanceHour {
  timestamp: string;
  binding_id: string;
  subscription_id: string;
  deployment_id: string;
  value: { requests: number; records: number; response_time: number | null; response_time_p95: number | null; response_time_max: number | null };
}

/**
 * GET /v1/data_marts/{dm}/metrics: performance samples (`metric_type=performance`), or the measurements of one
 * monitor (`monitor_definition_id=quality`, a custom monitor's guid, …).
 */
export interface MetricsQuery {
  metric_type?: "performance";
  monitor_definition_id?: string;
  format?: "samples" | "time_series";
  subscription_id?: string;
  binding_id?: string;
  deployment_id?: string;
  start?: string;
  end?: string;
  limit?: number;
  /** Samples carry their sources (a fairness measurement's per-group figures, a confusion matrix). */
  include_sources?: boolean;
}

/** GET /v1/data_marts/{dm}/deployment_metrics: the latest figures of each watched deployment. */
export interface DeploymentMetrics {
  binding_id: string;
  subscription_id: string;
  asset: { asset_id: string; name: string };
  deployment: { deployment_id: string; name: string };
  metrics: { metric_type: string; timestamp: string; value: Record<string, unknown> }[];
}

// ---- payload analytics ----------------------------------------------------------------------------------------

/** POST …/subscriptions/{s}/data_distributions */
export interface DataDistributionRequest {
  dataset: "payload" | "feedback";
  start: string;
  end: string;
  group: string[];
  agg?: string[];
  filter?: string;
  limit?: number;
  max_bins?: number;
}

/** GET …/subscriptions/{s}/data_distributions/{id} */
export interface DataDistributionRun {
  id: string;
  status: "running" | "completed" | "failed";
  dataset: string;
  group: string[];
  agg: string[];
  start: string;
  end: string;
  distribution?: { fields: string[]; values: unknown[][] };
  error?: { message: string };
}
