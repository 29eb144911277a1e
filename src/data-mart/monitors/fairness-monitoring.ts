import { z } from "zod";
import { ValidationError } from "../../errors";
import type { FieldsValues } from "../../engines/adapter";
import type { DataMartService } from "../../service/data-mart-service";
import type { DebiasedScoringOutcome, FairnessRun, MeasurementHour } from "../../service/monitor-resources";
import { featureSchema, type FairnessFeature } from "../../service/monitors/fairness-groups";
import { trainingDistributionsSchema } from "../../service/monitors/fairness-training";
import type { TrainingRows } from "../../service/training-rows";
import type { MonitorConfiguration } from "../../service/resources";
import { parseOrThrow } from "../../validation";
import type { Output } from "../output";
import { disableMonitor } from "./disable-monitor";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys } from "../table-options";
import { waitForRun } from "../wait-for-run";
import { Feature } from "./feature";
import { FairnessViewer, type FairnessSample } from "./fairness-viewer";
import type { MeasurementQueryOptions } from "./measurement-viewer";

const SUBJECT = "fairness_monitoring";
const ENABLE_OPTIONS = ["features", "deployment_uid", "favourable_classes", "unfavourable_classes", "min_records", "training_data", "training_data_statistics"];

const statisticsSchema = z.strictObject(
  { fairness_configuration: z.strictObject({ distributions: trainingDistributionsSchema, parameters: z.record(z.string(), z.unknown()).optional() }) },
  { error: "expected { fairness_configuration: { distributions } }, e.g. another subscription's fairness_monitoring.get_details().parameters.training_data_distributions as distributions" },
);

export interface FairnessEnableOptions {
  /** The protected attributes: `new Feature({ name, majority, minority, threshold })`. */
  features: (Feature | FairnessFeature)[];
  /** The deployment to watch; the subscription's only one by default. */
  deployment_uid?: string;
  favourable_classes: (string | number | boolean)[];
  unfavourable_classes: (string | number | boolean)[];
  /** Payload rows a run looks at: the newest ones. @default 100 */
  min_records?: number;
  /** The training rows (objects or `{fields, values}` with the features and the label): their figures are computed here and kept. */
  training_data?: TrainingRows;
  /** Figures computed before: `{ fairness_configuration: { distributions } }`. */
  training_data_statistics?: { fairness_configuration: { distributions: unknown; parameters?: Record<string, unknown> } };
}

/**
 * `subscription.fairness_monitoring`: does the model treat groups alike? A run takes the newest `min_records` payload
 * rows, re-scores perturbed copies of them (each monitored row moved to the reference group and back), and stores per
 * monitored value its favourable percentage and fairness value (÷ the reference group's) on payload + perturbed rows,
 * as OpenScale does, with the payload-only figures beside them, and the same for the debiased answers.
 */
export class FairnessMonitoring {
  private readonly viewer: FairnessViewer;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.viewer = new FairnessViewer(service, output, subscription);
  }

  /**
   * Turns fairness monitoring on (and payload logging, if it was off). Give the training data as rows
   * (`training_data`), as figures computed before (`training_data_statistics`), or subscribe with a
   * `training_data_reference`.
   */
  async enable(options: FairnessEnableOptions): Promise<MonitorConfiguration> {
    const o = checkKeys(options, ENABLE_OPTIONS, `${SUBJECT}.enable() options`) as Partial<FairnessEnableOptions>;
    if (!Array.isArray(o.features)) throw new ValidationError(`${SUBJECT}.enable() options`, [{ path: "features", message: 'expected a list of Feature objects, e.g. [new Feature({ name: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 })]' }]);
    const features = o.features.map((f, i) => (f instanceof Feature ? f.to_json() : parseOrThrow(featureSchema, f, `${SUBJECT}.enable() options`, `features.${i}`)));
    let distributions: unknown;
    if (o.training_data_statistics !== undefined) {
      distributions = parseOrThrow(statisticsSchema, o.training_data_statistics, `${SUBJECT}.enable() options`, "training_data_statistics").fairness_configuration.distributions;
    }
    return this.service.setMonitorConfiguration(this.subscription.uid, "fairness_monitoring", {
      enabled: true,
      parameters: {
        features,
        favourable_class: o.favourable_classes,
        unfavourable_class: o.unfavourable_classes,
        ...(o.min_records !== undefined ? { min_records: o.min_records } : {}),
        ...(o.deployment_uid !== undefined ? { deployment_id: o.deployment_uid } : {}),
        ...(distributions !== undefined ? { training_data_distributions: distributions } : {}),
        ...(o.training_data !== undefined ? { training_data: o.training_data } : {}),
      },
    });
  }

  async disable(): Promise<void> {
    await disableMonitor(this.service, this.subscription.uid, "fairness_monitoring");
  }

  /** `{enabled, parameters: {features, favourable_class, unfavourable_class, min_records, deployment_id, class_label, training_data_distributions?}}`. */
  async get_details(): Promise<MonitorConfiguration> {
    return this.service.getMonitorConfiguration(this.subscription.uid, "fairness_monitoring");
  }

  /**
   * Counts bias on the newest payload rows. With `background_mode: false` it waits, printing v1's lines
   * (`Counting bias for deployment_uid=…`, RUNNING, FINISHED); by default it returns at once: poll `get_run_details(run.id)`.
   */
  async run(options: { deployment_uid?: string; background_mode?: boolean } = {}): Promise<FairnessRun> {
    const o = checkKeys(options, ["deployment_uid", "background_mode"], `${SUBJECT}.run() options`);
    if (o.background_mode !== undefined && typeof o.background_mode !== "boolean") {
      throw new ValidationError(`${SUBJECT}.run() options`, [{ path: "background_mode", message: "expected true or false" }]);
    }
    const configured = (await this.get_details()).parameters.deployment_id as string | undefined;
    if (o.deployment_uid !== undefined && configured !== undefined && o.deployment_uid !== configured) {
      throw new ValidationError(`${SUBJECT}.run() options`, [{ path: "deployment_uid", message: `fairness monitoring watches deployment '${configured}': enable it again to watch '${String(o.deployment_uid)}'` }]);
    }
    const run = await this.service.createFairnessRun(this.subscription.uid);
    if (o.background_mode !== false) return run;
    const deployment = run.parameters.deployment_id as string;
    return waitForRun(`Counting bias for deployment_uid=${deployment}`, this.output.print, () => this.service.getFairnessRun(this.subscription.uid, run.id), undefined, { running: "RUNNING", success: "FINISHED" });
  }

  /** One run (`run_uid`), or every run of this subscription, newest first. */
  async get_run_details(run_uid?: string): Promise<FairnessRun | { runs: FairnessRun[] }> {
    if (run_uid === undefined) return this.service.listFairnessRuns(this.subscription.uid);
    return this.service.getFairnessRun(this.subscription.uid, run_uid);
  }

  /** Fairness measurements, newest first; each sample's `value` is v1's structure (per feature: majority, minority, records_evaluated). `debiased: true` reads the debiased ones. */
  async get_metrics(options: MeasurementQueryOptions & { debiased?: boolean; format: "time_series" }): Promise<MeasurementHour[]>;
  async get_metrics(options?: MeasurementQueryOptions & { debiased?: boolean; format?: "samples" }): Promise<FairnessSample[]>;
  async get_metrics(options: MeasurementQueryOptions & { debiased?: boolean } = {}): Promise<FairnessSample[] | MeasurementHour[]> {
    return this.viewer.metrics(options, `${SUBJECT}.get_metrics()`) as Promise<FairnessSample[] | MeasurementHour[]>;
  }

  /** v1's FairnessMetrics table: one row per monitored value of each run (10 runs unless `limit` says otherwise). */
  async show_table(options: { limit?: number; debiased?: boolean } = {}): Promise<void> {
    await this.viewer.showTable(checkKeys(options, ["limit", "debiased"], `${SUBJECT}.show_table() options`), `${SUBJECT}.show_table()`);
  }

  async get_table_content(options: { format: "python"; limit?: number; debiased?: boolean }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(options?: { format?: "objects" | "pandas"; limit?: number; debiased?: boolean }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { format?: "objects" | "pandas" | "python"; limit?: number; debiased?: boolean } = {}): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    return this.viewer.tableContent(checkKeys(options, ["format", "limit", "debiased"], `${SUBJECT}.get_table_content() options`), `${SUBJECT}.get_table_content()`);
  }

  async describe_table(options: { limit?: number; debiased?: boolean } = {}): Promise<void> {
    await this.viewer.describeTable(checkKeys(options, ["limit", "debiased"], `${SUBJECT}.describe_table() options`), `${SUBJECT}.describe_table()`);
  }

  print_table_schema(): void {
    this.viewer.printTableSchema();
  }

  /** Beyond v1: each monitored value's fairness over time with its threshold, then the favourable rate of every group in the latest run. */
  async show_chart(options: { limit?: number; debiased?: boolean } = {}): Promise<void> {
    await this.viewer.showChart(checkKeys(options, ["limit", "debiased"], `${SUBJECT}.show_chart() options`), `${SUBJECT}.show_chart()`);
  }

  /**
   * Scores rows with debiasing: the model's answer, plus `debiased_prediction` and `debiased_probability`, which are
   * the reference group's answer where the monitored attribute alone changed the outcome. Logged with payload logging on.
   */
  async debias(payload: FieldsValues | Record<string, unknown>[], options: { deployment_uid?: string } = {}): Promise<DebiasedScoringOutcome> {
    const o = checkKeys(options, ["deployment_uid"], `${SUBJECT}.debias() options`);
    const rows = Array.isArray(payload) ? objectsToRows(payload) : payload;
    return this.service.debiasedScoring(this.subscription.uid, rows, o.deployment_uid === undefined ? undefined : String(o.deployment_uid));
  }
}

function objectsToRows(rows: Record<string, unknown>[]): FieldsValues {
  if (rows.length === 0) throw new ValidationError(`${SUBJECT}.debias()`, [{ path: "payload", message: "is empty: give at least one row to score" }]);
  const bad = rows.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
  if (bad >= 0) throw new ValidationError(`${SUBJECT}.debias()`, [{ path: `payload[${bad}]`, message: "expected an object keyed by column name (or pass {fields, values})" }]);
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { fields, values: rows.map((r) => fields.map((f) => r[f])) };
}
