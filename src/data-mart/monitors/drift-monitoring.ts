import fs from "node:fs";
import { ValidationError } from "../../errors";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementHour, MeasurementSample, MonitorRun } from "../../service/monitor-resources";
import { FEATURE_DRIFT_METHODS, type FeatureDriftMethod } from "../../service/monitors/drift-config";
import type { TrainingRows } from "../../service/training-rows";
import type { MonitorConfiguration } from "../../service/resources";
import type { Output } from "../output";
import { disableMonitor } from "./disable-monitor";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys } from "../table-options";
import { RUN_TIMEOUT_MS, waitForRun } from "../wait-for-run";
import { FeatureDriftViewer, type FeatureDriftSample } from "./feature-drift-viewer";
import { MeasurementViewer, type MeasurementQueryOptions } from "./measurement-viewer";

const SUBJECT = "drift_monitoring";
const ENABLE_OPTIONS = ["threshold", "min_records", "deployment_uid", "training_data", "training_data_statistics", "model_path", "feature_drift_method", "feature_drift_threshold"];

export interface DriftEnableOptions {
  /** The largest accepted drop in accuracy (v1 `drift_threshold`), the upper limit of `drift_magnitude`. */
  threshold: number;
  /** Payload rows a run needs (v1 `min_samples`). */
  min_records: number;
  deployment_uid?: string;
  /** The training rows (objects or `{fields, values}` with the features and the label): summarised and not kept. */
  training_data?: TrainingRows;
  /** Statistics computed before: another monitor's `get_details().parameters.training_statistics`. */
  training_data_statistics?: unknown;
  /** A drift model trained elsewhere (v1): the `.tar.gz` that `download_model()` wrote. With it, no model is trained. */
  model_path?: string;
  /** Feature drift's test for every feature (beyond v1); `auto` (the default) picks one per feature, as Evidently does. */
  feature_drift_method?: FeatureDriftMethod;
  /** The chosen method's threshold (a p-value's significance level, or a distance). */
  feature_drift_threshold?: number;
}

/** v1's run states as the drift monitor reports them (`parameters.run_status`). */
const STATUS = { running: "RUNNING", completed: "COMPLETED", failed: "ERROR" } as const;
export type DriftRun = Omit<MonitorRun, "status"> & { status: (typeof STATUS)[keyof typeof STATUS] };
const toDriftRun = (run: MonitorRun): DriftRun => ({ ...run, status: STATUS[run.status] });

/**
 * `subscription.drift_monitoring`: is the world the model sees changing? A run looks at the payload scored since
 * the previous run (at least `min_records` rows) and stores v1's drift metrics — `data_drift_magnitude`, the share
 * of rows that break the training data's constraints — and, beyond v1, each feature's drift by a statistical test.
 */
export class DriftMonitoring {
  private readonly viewer: MeasurementViewer;
  private readonly features: FeatureDriftViewer;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.viewer = new MeasurementViewer(service, output, subscription, "DriftMetrics");
    this.features = new FeatureDriftViewer(service, output, subscription);
  }

  /** Turns drift monitoring on. The training data's figures are computed from `training_data` and kept with the subscription. */
  async enable(options: DriftEnableOptions): Promise<MonitorConfiguration> {
    const o = checkKeys(options, ENABLE_OPTIONS, `${SUBJECT}.enable() options`) as Partial<DriftEnableOptions>;
    if (o.feature_drift_method !== undefined && !(FEATURE_DRIFT_METHODS as readonly string[]).includes(o.feature_drift_method)) {
      throw new ValidationError(`${SUBJECT}.enable() options`, [{ path: "feature_drift_method", message: `expected one of ${FEATURE_DRIFT_METHODS.join(", ")}` }]);
    }
    if (o.model_path !== undefined) {
      if (typeof o.model_path !== "string" || o.model_path === "") throw new ValidationError(`${SUBJECT}.enable() options`, [{ path: "model_path", message: "expected the path of a drift model .tar.gz" }]);
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(o.model_path);
      } catch (error) {
        throw new ValidationError(`${SUBJECT}.enable() options`, [{ path: "model_path", message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): give the path of the .tar.gz that download_model() wrote` }]);
      }
      await this.service.uploadDriftModel(this.subscription.uid, bytes);
    }
    return this.service.setMonitorConfiguration(this.subscription.uid, "drift_monitoring", {
      enabled: true,
      parameters: {
        ...(o.model_path !== undefined ? { train_drift_model: false } : {}),
        drift_threshold: o.threshold,
        min_samples: o.min_records,
        ...(o.deployment_uid !== undefined ? { deployment_id: o.deployment_uid } : {}),
        ...(o.feature_drift_method !== undefined || o.feature_drift_threshold !== undefined
          ? { feature_drift: { ...(o.feature_drift_method !== undefined ? { method: o.feature_drift_method } : {}), ...(o.feature_drift_threshold !== undefined ? { threshold: o.feature_drift_threshold } : {}) } }
          : {}),
        ...(o.training_data !== undefined ? { training_data: o.training_data } : {}),
        ...(o.training_data_statistics !== undefined ? { training_data_statistics: o.training_data_statistics } : {}),
      },
    });
  }

  /** Writes the trained drift model to `path` as a .tar.gz (beyond v1), for `enable({ model_path })` elsewhere. */
  async download_model(path: string): Promise<void> {
    if (typeof path !== "string" || path === "") throw new ValidationError(`${SUBJECT}.download_model()`, [{ path: "path", message: "expected a file path, e.g. 'drift_model.tar.gz'" }]);
    fs.writeFileSync(path, await this.service.downloadDriftModel(this.subscription.uid));
  }

  async disable(): Promise<void> {
    await disableMonitor(this.service, this.subscription.uid, "drift_monitoring");
  }

  /** `{enabled, parameters: {drift_threshold, min_samples, config_status: {state}, …}}`, as v1. */
  async get_details(): Promise<MonitorConfiguration> {
    return this.service.getMonitorConfiguration(this.subscription.uid, "drift_monitoring");
  }

  /** Measures drift on the newest payload. `background_mode: false` waits, printing v1's progress lines. */
  async run(options: { background_mode?: boolean } = {}): Promise<DriftRun> {
    const o = checkKeys(options, ["background_mode"], `${SUBJECT}.run() options`);
    if (o.background_mode !== undefined && typeof o.background_mode !== "boolean") {
      throw new ValidationError(`${SUBJECT}.run() options`, [{ path: "background_mode", message: "expected true or false" }]);
    }
    await this.modelReady();
    const run = toDriftRun(await this.service.createDriftRun(this.subscription.uid));
    if (o.background_mode === false) {
      return waitForRun(`Waiting for end of drift monitoring run ${run.id}`, this.output.print, async () => toDriftRun(await this.service.getDriftRun(this.subscription.uid, run.id)), undefined, { running: STATUS.running, success: STATUS.completed });
    }
    return run;
  }

  /** As v1, a run first waits for the drift model's training to end (`config_status.state` finished or error). */
  private async modelReady(): Promise<void> {
    const started = Date.now();
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      const details = await this.get_details();
      const state = (details.parameters.config_status as { state?: string } | undefined)?.state;
      if (!details.enabled || (state !== "new" && state !== "in_progress")) return;
      if (Date.now() - started > RUN_TIMEOUT_MS) return; // the service then says the model is still training
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async get_run_details(run_uid?: string): Promise<DriftRun | { runs: DriftRun[] }> {
    if (run_uid === undefined) return { runs: (await this.service.listDriftRuns(this.subscription.uid)).runs.map(toDriftRun) };
    return toDriftRun(await this.service.getDriftRun(this.subscription.uid, run_uid));
  }

  /** Drift measurements (`drift_magnitude`, `predicted_accuracy`, `data_drift_magnitude`): samples or `time_series`. */
  async get_metrics(options: MeasurementQueryOptions & { format: "time_series" }): Promise<MeasurementHour[]>;
  async get_metrics(options?: MeasurementQueryOptions & { format?: "samples" }): Promise<MeasurementSample[]>;
  async get_metrics(options: MeasurementQueryOptions = {}): Promise<MeasurementSample[] | MeasurementHour[]> {
    return this.viewer.metrics("drift", options, `${SUBJECT}.get_metrics()`);
  }

  /** v1's table: one row per drift metric of each run (10 runs unless `limit` says otherwise). */
  async show_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.show_table() options`);
    await this.viewer.showTable("drift", o.limit, `${SUBJECT}.show_table()`);
  }

  async get_table_content(options: { format: "python"; limit?: number }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(options?: { format?: "objects" | "pandas"; limit?: number }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format?: "objects" | "pandas" | "python"; limit?: number } = {}): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const o = checkKeys(options, ["format", "limit"], `${SUBJECT}.get_table_content() options`);
    return this.viewer.tableContent("drift", o.format, o.limit, `${SUBJECT}.get_table_content()`);
  }

  async describe_table(options: { limit?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.describe_table() options`);
    await this.viewer.describeTable("drift", o.limit, `${SUBJECT}.describe_table()`);
  }

  print_table_schema(): void {
    this.viewer.printTableSchema();
  }

  /** Drift metrics over time, with the threshold (beyond v1). */
  async show_chart(options: { metrics?: string[]; limit?: number } = {}): Promise<void> {
    await this.viewer.showChart("drift", options, `${SUBJECT}.show_chart()`);
  }

  /** The latest run's feature drift (beyond v1): per feature the test, statistic, p-value or threshold, verdict, and histograms. */
  async show_feature_drift(options: { measurement_id?: string } = {}): Promise<void> {
    const o = checkKeys(options, ["measurement_id"], `${SUBJECT}.show_feature_drift() options`);
    await this.features.show(o.measurement_id === undefined ? undefined : String(o.measurement_id));
  }

  /** Feature drift measurements, newest first, each with its per-feature results (`value`). */
  async get_feature_drift(options: { limit?: number } = {}): Promise<FeatureDriftSample[]> {
    const o = checkKeys(options, ["limit"], `${SUBJECT}.get_feature_drift() options`);
    return this.features.samples(o.limit === undefined ? undefined : Number(o.limit));
  }
}
