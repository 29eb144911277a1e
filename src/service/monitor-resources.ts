/**
 * The v1 resource shapes of monitors: monitor definitions, their configuration on a subscription, monitor runs and
 * the measurements every monitor (quality, custom, and later fairness and drift) writes to one store.
 */
import type { ResourceMetadata } from "./resources";

export type LimitType = "lower_limit" | "upper_limit";

/** One metric of a monitor definition, with its default limits. */
export interface MonitorMetricDefinition {
  id: string;
  name: string;
  required: boolean;
  expected_direction?: "increasing" | "decreasing";
  thresholds: { type: LimitType; default: number }[];
}

/** A tag a measurement of the monitor carries (a region, a model type…). */
export interface MonitorTagDefinition {
  id: string;
  name: string;
  description?: string;
  required: boolean;
}

/** GET /v1/data_marts/{dm}/monitor_definitions/{id} */
export interface MonitorDefinition {
  metadata: ResourceMetadata;
  entity: {
    name: string;
    description?: string;
    metrics: MonitorMetricDefinition[];
    tags: MonitorTagDefinition[];
    parameters_schema?: Record<string, unknown>;
    /** True for the monitors the data mart brings (quality, fairness, performance, drift): they cannot be deleted. */
    builtin: boolean;
  };
}

/** POST /v1/data_marts/{dm}/monitor_definitions */
export interface MonitorDefinitionCreateRequest {
  name: string;
  description?: string;
  metrics: { name: string; required?: boolean; expected_direction?: "increasing" | "decreasing"; thresholds?: { type: LimitType; default: number }[] }[];
  tags?: { name: string; description?: string; required?: boolean }[];
  parameters_schema?: Record<string, unknown>;
}

export interface MonitorDefinitionCreateOutcome {
  /** false when a definition of that name existed (v1: 409): the existing one is returned. */
  created: boolean;
  definition: MonitorDefinition;
}

/** A limit a subscription sets on one metric of a monitor (v1 `Threshold._to_json()`). */
export interface MetricThreshold {
  metric_id: string;
  type: LimitType;
  value: number;
}

/** POST /v1/data_marts/{dm}/measurements: one record. Tags travel inside the metric objects, as in v1. */
export interface MeasurementCreateRequest {
  monitor_definition_id: string;
  subscription_id: string;
  binding_id?: string;
  asset_id?: string;
  deployment_id?: string;
  /** Flat objects of metric and tag values, e.g. `[{ sensitivity: 0.67, region: "us-south" }]`. */
  metrics: Record<string, unknown>[];
  sources?: MeasurementSource[];
  timestamp?: string;
  process?: string;
}

/** Data a measurement was computed from, e.g. the quality run's confusion matrix. */
export interface MeasurementSource {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface MeasurementMetricValue {
  id: string;
  value: number | null;
  lower_limit?: number;
  upper_limit?: number;
}

/**
 * One measurement as `GET …/metrics?monitor_definition_id=…&format=samples` and `GET …/measurements/{id}` return it
 * (v1 samples: metrics as `{id, value, lower_limit?, upper_limit?}`, tags as `{id, value}`).
 */
export interface MeasurementSample {
  measurement_id: string;
  monitor_definition_id: string;
  ts: string;
  binding_id: string;
  subscription_id: string;
  asset_id: string;
  deployment_id: string;
  run_id?: string;
  process?: string;
  metrics: MeasurementMetricValue[];
  tags: { id: string; value: string }[];
  /** Metrics whose value breaks one of its limits. */
  violations: string[];
  /** Only from GET …/measurements/{id}. */
  sources?: MeasurementSource[];
}

/** One hour of one monitor's measurements (`format=time_series`), aggregated in SQL per metric. */
export interface MeasurementHour {
  ts: string;
  monitor_definition_id: string;
  binding_id: string;
  subscription_id: string;
  deployment_id: string;
  measurements: number;
  metrics: { id: string; value: number | null; min: number | null; max: number | null; count: number; lower_limit?: number; upper_limit?: number; violations: number }[];
}

/** A monitor run: a quality evaluation, and later fairness and drift runs (v1 `…/evaluations/{id}`). */
export interface MonitorRun {
  id: string;
  monitor_definition_id: string;
  subscription_id: string;
  status: "running" | "completed" | "failed";
  created_at: string;
  finished_at?: string;
  parameters: Record<string, unknown>;
  /** The measurement a completed run stored. */
  measurement_id?: string;
  /** How much work the run did (rows read, engine calls…), for the run's progress lines. */
  statistics?: Record<string, number>;
  error?: { message: string };
}

/** A fairness run's state, as v1 spells it (`entity.parameters.last_run_status`). */
export type FairnessRunStatus = "RUNNING" | "FINISHED" | "FINISHED WITH ERRORS";

/** POST /v1/fairness_monitoring/{s}/runs and its status: a monitor run with v1's fairness status strings. */
export interface FairnessRun extends Omit<MonitorRun, "status"> {
  status: FairnessRunStatus;
  /** Why a run ended FINISHED WITH ERRORS (v1 `last_run_info_code`). */
  last_run_info_code?: string;
}

/** POST …/subscriptions/{s}/deployments/{d}/online: the engine's answer with the debiased columns, as logged. */
export interface DebiasedScoringOutcome {
  fields: string[];
  values: unknown[][];
  /** The payload record's id when the rows were logged (payload logging on). */
  scoring_id?: string;
  /** Rows whose outcome the monitored attributes alone changed: their debiased answer is the reference group's. */
  debiased_rows: number;
}

/** POST /v1/data_marts/{dm}/explanation_tasks: v1 sends `{scoring_id, cem: "true"|"false"}`; `subscription_id` narrows the search (beyond v1). */
export interface ExplanationTaskRequest {
  scoring_id: string;
  cem?: boolean | "true" | "false";
  subscription_id?: string;
}

/** An explanation task as v1 returns it: `entity.status.state` in_progress, finished or error; the explanation in `entity`. */
export interface ExplanationTask {
  metadata: { id: string; created_at: string; finished_at?: string };
  entity: {
    scoring_id: string;
    subscription_id: string;
    deployment_id: string;
    service_binding_id: string;
    asset_id: string;
    status: { state: "in_progress" | "finished" | "error"; error?: { message: string }; cem_state?: "error"; cem_error?: string };
    input_features?: { name: string; value: unknown; feature_type: "numerical" | "categorical" }[];
    predictions?: {
      value: unknown;
      probability: number;
      explanation_features: { feature_name: string; feature_value: unknown; feature_range: string; weight: number; importance: number }[];
      lime: { intercept: number; local_prediction: number; score: number; kernel_width: number; samples: number; feature_selection: string };
    }[];
    contrastive?: import("../metrics/contrastive/index").ContrastiveExplanation;
    perturbed_rows?: number;
    engine_calls?: number;
    compute_ms?: number;
  };
}
