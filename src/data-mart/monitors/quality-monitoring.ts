import { ValidationError } from "../../errors";
import type { ConfusionMatrixInput } from "../../display/index";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementHour, MeasurementSample, MonitorRun } from "../../service/monitor-resources";
import type { DeploymentMetrics, MonitorConfiguration } from "../../service/resources";
import type { Output } from "../output";
import { disableMonitor } from "./disable-monitor";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys } from "../table-options";
import { waitForRun } from "../wait-for-run";
import { MeasurementViewer, type MeasurementQueryOptions } from "./measurement-viewer";

const SUBJECT = "quality_monitoring";

/**
 * `subscription.quality_monitoring`: how often the model is right. A run re-scores the feedback rows through the
 * deployment and stores the metrics of the model's problem type, with the threshold as the lower limit of
 * area_under_roc (binary), accuracy (multiclass) or r2 (regression), and the confusion matrix.
 */
export class QualityMonitoring {
  private readonly viewer: MeasurementViewer;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.viewer = new MeasurementViewer(service, output, subscription, "QualityMetrics");
  }

  /**
   * Turns quality monitoring on: `threshold` (0 to 1, default 0.8) is the lower limit of the quality metric,
   * `min_records` (default 100) the feedback rows a run needs. Payload must have been logged first.
   */
  async enable(options: { threshold?: number; min_records?: number } = {}): Promise<MonitorConfiguration> {
    if (options && typeof options === "object") {
      const extra = Object.keys(options).filter((k) => k !== "threshold" && k !== "min_records");
      if (extra.length) {
        throw new ValidationError(`${SUBJECT}.enable() options`, extra.map((k) => ({ path: k, message: "is not an option of enable() (threshold, min_records). Asset properties should be specified using subscriptions.add() or subscription.update() methods." })));
      }
    }
    const o = checkKeys(options, ["threshold", "min_records"], `${SUBJECT}.enable() options`);
    return this.service.setMonitorConfiguration(this.subscription.uid, "quality_monitoring", {
      enabled: true,
      parameters: {
        ...(o.threshold !== undefined ? { evaluation_definition: { threshold: o.threshold } } : {}),
        ...(o.min_records !== undefined ? { min_feedback_data_size: o.min_records } : {}),
      },
    });
  }

  async disable(): Promise<void> {
    await disableMonitor(this.service, this.subscription.uid, "quality_monitoring");
  }

  /** `{enabled, parameters: {evaluation_definition: {method, threshold}, min_feedback_data_size}}`. */
  async get_details(): Promise<MonitorConfiguration> {
    return this.service.getMonitorConfiguration(this.subscription.uid, "quality_monitoring");
  }

  /**
   * Evaluates the model on the feedback rows. With `background_mode: false` it waits, printing v1's progress lines;
   * by default (as in v1) it returns at once with the run's id and status: poll `get_run_details(run.id)`.
   */
  async run(options: { background_mode?: boolean; model_type?: string } = {}): Promise<MonitorRun> {
    const o = checkKeys(options, ["background_mode", "model_type"], `${SUBJECT}.run() options`);
    if (o.background_mode !== undefined && typeof o.background_mode !== "boolean") {
      throw new ValidationError(`${SUBJECT}.run() options`, [{ path: "background_mode", message: "expected true or false" }]);
    }
    const run = await this.service.createQualityEvaluation(this.subscription.uid, o.model_type !== undefined ? { model_type: String(o.model_type) } : {});
    if (o.background_mode !== false) return run;
    return waitForRun(`Waiting for end of quality monitoring run ${run.id}`, this.output.print, () => this.service.getQualityEvaluation(this.subscription.uid, run.id));
  }

  /** One run (`run_uid`), or every run of this subscription, newest first. */
  async get_run_details(run_uid?: string): Promise<MonitorRun | { evaluations: MonitorRun[] }> {
    if (run_uid === undefined) return this.service.listQualityEvaluations(this.subscription.uid);
    return this.service.getQualityEvaluation(this.subscription.uid, run_uid);
  }

  /** Quality measurements: samples (newest first; metrics `{id, value, lower_limit?}`) or `time_series` per hour. */
  async get_metrics(options: MeasurementQueryOptions & { format: "time_series" }): Promise<MeasurementHour[]>;
  async get_metrics(options?: MeasurementQueryOptions & { format?: "samples" }): Promise<MeasurementSample[]>;
  async get_metrics(options: MeasurementQueryOptions = {}): Promise<MeasurementSample[] | MeasurementHour[]> {
    return this.viewer.metrics("quality", options, `${SUBJECT}.get_metrics()`);
  }

  /** Shows v1's QualityMetrics table for the newest runs (10 unless `limit` says otherwise), one row per metric. */
  async show_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.show_table() options`);
    await this.viewer.showTable("quality", o.limit, `${SUBJECT}.show_table()`);
  }

  async get_table_content(options: { format: "python"; limit?: number }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(options?: { format?: "objects" | "pandas"; limit?: number }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format?: "objects" | "pandas" | "python"; limit?: number } = {}): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const o = checkKeys(options, ["format", "limit"], `${SUBJECT}.get_table_content() options`);
    return this.viewer.tableContent("quality", o.format, o.limit, `${SUBJECT}.get_table_content()`);
  }

  async describe_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.describe_table() options`);
    await this.viewer.describeTable("quality", o.limit, `${SUBJECT}.describe_table()`);
  }

  print_table_schema(): void {
    this.viewer.printTableSchema();
  }

  /** The confusion matrix of one run's measurement (v1: `actual \ predicted`, the labels, recall, precision), shaded by count. */
  async show_confusion_matrix(measurement_id: string): Promise<void> {
    const measurement = await this.service.getMeasurement(measurement_id, "quality");
    const source = measurement.sources?.find((s) => s.id === "confusion_matrix_1");
    if (!source) {
      this.output.print("No confusion matrix found for measurement id.");
      return;
    }
    const data = source.data as { labels: string[]; values: number[][]; recall_per_label?: number[]; precision_per_label?: number[] };
    const model: ConfusionMatrixInput = {
      kind: "confusion_matrix",
      title: `Confusion matrix for (measurement_id=${measurement.measurement_id})`,
      labels: data.labels,
      values: data.values,
      ...(data.recall_per_label ? { recall_per_label: data.recall_per_label } : {}),
      ...(data.precision_per_label ? { precision_per_label: data.precision_per_label } : {}),
    };
    this.output.chart(model);
  }

  /** Each quality metric over time, with the threshold and the runs that broke it marked (beyond v1). */
  async show_chart(options: { metrics?: string[]; limit?: number } = {}): Promise<void> {
    await this.viewer.showChart("quality", options, `${SUBJECT}.show_chart()`);
  }

  /** The latest figures of this subscription's deployments, quality included. */
  async get_deployment_metrics(options: { deployment_uid?: string } = {}): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    const o = checkKeys(options, ["deployment_uid"], `${SUBJECT}.get_deployment_metrics() options`);
    const result = await this.service.getDeploymentMetrics({ subscription_id: this.subscription.uid, ...(o.deployment_uid ? { deployment_id: String(o.deployment_uid) } : {}) });
    return { deployment_metrics: result.deployment_metrics.map((d) => ({ ...d, metrics: d.metrics.filter((m) => m.metric_type === "quality") })) };
  }
}
