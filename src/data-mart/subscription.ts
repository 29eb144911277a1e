import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { FieldsValues } from "../engines/adapter";
import type { AssetOptions } from "../engines/asset";
import { ValidationError } from "../errors";
import { buildTable } from "../display/index";
import type { DataMartService } from "../service/data-mart-service";
import type { DeploymentMetrics, Subscription as SubscriptionResource, SubscriptionPatchOperation } from "../service/resources";
import { canonicalAnswer } from "../service/class-answers";
import type { Output } from "./output";
import { PayloadLogging } from "./payload-logging";
import { PayloadRecord } from "./payload-record";
import { PerformanceMonitoring } from "./performance-monitoring";
import { CustomMonitoring } from "./monitors/custom-monitoring";
import { QualityMonitoring } from "./monitors/quality-monitoring";
import { DriftMonitoring } from "./monitors/drift-monitoring";
import { Explainability } from "./monitors/explainability";
import { FairnessMonitoring } from "./monitors/fairness-monitoring";
import { FeedbackLogging } from "./monitors/feedback-logging";
import { checkKeys } from "./table-options";

/** Options of `subscription.update()`: the asset options that may change. */
export type SubscriptionUpdateOptions = Omit<AssetOptions, "source_uid" | "binding_uid">;

/** Where each asset option lives in the v1 `asset_properties`. */
export const ASSET_PROPERTY_KEYS: Record<keyof SubscriptionUpdateOptions, string> = {
  problem_type: "problem_type",
  input_data_type: "input_data_type",
  training_data_reference: "training_data_reference",
  label_column: "label_column",
  prediction_column: "prediction_field",
  probability_column: "probability_fields",
  transaction_id_column: "transaction_id_field",
  class_probability_columns: "class_probability_fields",
  class_labels: "class_labels",
  feature_columns: "feature_fields",
  categorical_columns: "categorical_fields",
};

/**
 * What `score()` returns: the engine's answer as `{fields, values}`, its scoring_id and response time. When the
 * answer could not be logged (payload logging on), `payload_logging_error` holds why, and a warning was shown.
 */
export type ScoredRows = FieldsValues & { scoring_id: string; response_time: number; payload_logging_error?: Error };

/** Rows to score: objects keyed by column, or `{fields, values}`. */
export type ScoringRows = Record<string, unknown>[] | FieldsValues;

/** One deployment the data mart watches, and its monitors (v1 `Subscription`). */
export class Subscription {
  readonly uid: string;
  readonly url: string;
  readonly source_uid: string;
  readonly source_url: string;
  readonly binding_uid: string;
  readonly payload_logging: PayloadLogging;
  readonly performance_monitoring: PerformanceMonitoring;
  readonly quality_monitoring: QualityMonitoring;
  /** Disparate impact between groups, with perturbation, and debiased scoring. */
  readonly fairness_monitoring: FairnessMonitoring;
  /** Model drift, data drift and (beyond v1) feature drift against the training data. */
  readonly drift_monitoring: DriftMonitoring;
  /** Why the model decided: LIME and contrastive explanations of payload rows. */
  readonly explainability: Explainability;
  /** Labelled rows the quality monitor compares the model's answers with. */
  readonly feedback_logging: FeedbackLogging;
  /** Custom monitors (client.data_mart.monitors.add) on this subscription. */
  readonly monitoring: CustomMonitoring;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    resource: SubscriptionResource,
  ) {
    this.uid = resource.metadata.guid;
    this.url = resource.metadata.url;
    this.source_uid = resource.entity.asset.asset_id;
    this.source_url = resource.entity.asset.url;
    this.binding_uid = resource.entity.service_binding_id;
    this.payload_logging = new PayloadLogging(service, output, this);
    this.performance_monitoring = new PerformanceMonitoring(service, output, this);
    this.quality_monitoring = new QualityMonitoring(service, output, this);
    this.fairness_monitoring = new FairnessMonitoring(service, output, this);
    this.drift_monitoring = new DriftMonitoring(service, output, this);
    this.explainability = new Explainability(service, output, this);
    this.feedback_logging = new FeedbackLogging(service, output, this);
    this.monitoring = new CustomMonitoring(service, output, this);
  }

  /** The v1 `{metadata, entity}` details: asset, asset_properties (with schemas), configurations, deployments with `scoring_endpoint`. */
  async get_details(): Promise<SubscriptionResource> {
    return this.service.getSubscription(this.uid);
  }

  async get_deployment_uids(): Promise<string[]> {
    return (await this.get_details()).entity.deployments.map((d) => d.deployment_id);
  }

  /** Shows the watched deployments: uid, name, created, type. */
  async list_deployments(): Promise<void> {
    const records = (await this.get_details()).entity.deployments.map((d) => ({ uid: d.deployment_id, name: d.name, created: d.created_at, type: d.deployment_type }));
    this.output.table(buildTable({ title: `Deployments for subscription with uid='${this.uid}'`, columns: ["uid", "name", "created", "type"], records }));
  }

  /** Changes what the columns mean (v1: a JSON Patch of asset_properties). Columns of a payload table in use stay fixed. */
  async update(options: SubscriptionUpdateOptions): Promise<SubscriptionResource> {
    const o = checkKeys(options, Object.keys(ASSET_PROPERTY_KEYS), "subscription.update() options");
    const operations: SubscriptionPatchOperation[] = Object.entries(o)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => ({
        op: "add",
        path: `/asset_properties/${ASSET_PROPERTY_KEYS[key as keyof SubscriptionUpdateOptions]}`,
        value: key === "probability_column" ? [value] : value,
      }));
    if (operations.length === 0) throw new ValidationError("subscription.update() options", [{ path: "options", message: "name at least one property to change" }]);
    return this.service.updateSubscription(this.uid, operations);
  }

  /** The latest figures of this subscription's deployments. */
  async get_deployment_metrics(options: { deployment_uid?: string; metric_type?: string } = {}): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    const o = checkKeys(options, ["deployment_uid", "metric_type"], "get_deployment_metrics() options");
    const result = await this.service.getDeploymentMetrics({ subscription_id: this.uid, ...(o.deployment_uid ? { deployment_id: String(o.deployment_uid) } : {}) });
    if (o.metric_type === undefined) return result;
    return { deployment_metrics: result.deployment_metrics.map((d) => ({ ...d, metrics: d.metrics.filter((m) => m.metric_type === o.metric_type) })) };
  }

  /**
   * Scores rows on the watched deployment with the engine's own protocol, measures the response time, logs the
   * request and answer (when payload logging is on) and returns the answer as `{fields, values}` with its scoring_id.
   * Rows are objects keyed by column, or `{fields, values}`; feature_columns give the order the model takes.
   */
  async score(rows: ScoringRows): Promise<ScoredRows> {
    const details = await this.get_details();
    const deployment = details.entity.deployments[0]!;
    const request = toFieldsValues(rows, details.entity.asset_properties.feature_fields);
    const started = performance.now();
    const answer = await this.service.scoreDeployment(this.binding_uid, deployment.deployment_id, request);
    const response_time = Math.round(performance.now() - started);
    // The answer as the payload table keeps it: class labels for class indices, a probability vector for a single score.
    const response = canonicalAnswer(answer, details.entity.asset_properties);
    const scoring_id = randomUUID();
    const logging = details.entity.configurations.find((c) => c.type === "payload_logging");
    const scored = { ...response, scoring_id, response_time };
    if (logging?.enabled) {
      // The engine has answered: a payload that cannot be logged must not cost the caller the predictions.
      try {
        await this.payload_logging.store([new PayloadRecord({ request, response, response_time, scoring_id })], { deployment_id: deployment.deployment_id });
      } catch (error) {
        const payload_logging_error = error instanceof Error ? error : new Error(String(error));
        this.output.warn(`Warning during scoring: the predictions (scoring_id '${scoring_id}') were returned but not logged: ${payload_logging_error.message}`);
        return { ...scored, payload_logging_error };
      }
    }
    return scored;
  }

  [inspect.custom](): string {
    return `Subscription(uid='${this.uid}', url='${this.url}')`;
  }
}

function toFieldsValues(rows: ScoringRows, featureColumns: string[] | undefined): FieldsValues {
  if (Array.isArray(rows)) {
    if (rows.length === 0) throw new ValidationError("subscription.score()", [{ path: "rows", message: "is empty: give at least one row to score" }]);
    const bad = rows.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
    if (bad >= 0) throw new ValidationError("subscription.score()", [{ path: `rows[${bad}]`, message: "expected an object keyed by column name (or pass {fields, values})" }]);
    const fields = featureColumns?.length ? featureColumns : Object.keys(rows[0]!);
    const missing = rows.flatMap((r, i) => fields.filter((f) => !(f in r)).map((f) => ({ path: `rows[${i}].${f}`, message: "is missing: every feature column needs a value" })));
    if (missing.length) throw new ValidationError("subscription.score()", missing.slice(0, 20));
    return { fields: [...fields], values: rows.map((r) => fields.map((f) => r[f])) };
  }
  if (rows && typeof rows === "object" && Array.isArray(rows.fields) && Array.isArray(rows.values)) {
    if (!featureColumns?.length) return rows;
    const index = featureColumns.map((f) => rows.fields.indexOf(f));
    const missing = featureColumns.filter((_, i) => index[i]! < 0);
    if (missing.length) throw new ValidationError("subscription.score()", [{ path: "rows.fields", message: `lacks the feature column(s) ${missing.map((m) => `'${m}'`).join(", ")}` }]);
    return { fields: [...featureColumns], values: rows.values.map((row) => index.map((i) => row[i])) };
  }
  throw new ValidationError("subscription.score()", [{ path: "rows", message: "expected a list of row objects, or {fields, values}" }]);
}
