/**
 * What the fairness monitor shows of its measurements: v1's FairnessMetrics table (one row per monitored value of
 * each run, read from the measurement's stored structure), its schema and description, the samples with their
 * `value`, and the charts: fairness per monitored value over time, and the latest run's favourable rates.
 */
import { ValidationError } from "../../errors";
import { buildTable, type BarChartInput } from "../../display/index";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementSample } from "../../service/monitor-resources";
import { valueLabel, type GroupValue } from "../../service/monitors/fairness-groups";
import type { Output } from "../output";
import type { SubscriptionRef } from "../subscription-ref";
import { checkLimit } from "../table-options";
import { MeasurementViewer, type MeasurementQueryOptions } from "./measurement-viewer";

/** v1's columns. */
export const FAIRNESS_COLUMNS = ["ts", "feature", "feature_value", "fairness_biased", "fairness_value", "fairness_fav_class", "binding_id", "subscription_id", "asset_revision", "deployment_id", "process"];
const COLUMN_TYPES: Record<string, string> = { ts: "timestamp", fairness_biased: "boolean", fairness_value: "double", fairness_fav_class: "double" };

/** One group of a feature in a stored fairness value: the headline figures on payload + perturbed rows, `payload_*` on the payload alone (beyond v1). */
export interface FairnessGroupEntry {
  value: GroupValue;
  fav_class_percent: number | null;
  /** Monitored (minority) values only. */
  fairness_value?: number | null;
  is_biased?: boolean | null;
  records: number;
  perturbed_records?: number;
  payload_fav_class_percent?: number | null;
  payload_fairness_value?: number | null;
  payload_is_biased?: boolean | null;
  distribution?: unknown;
  payload_perturb_distribution?: unknown;
}

/** One feature of a stored fairness value, as v1's `metrics[]` entry. */
export interface FairnessFeatureMetric {
  feature: string;
  fairness_threshold: number;
  majority: { values: FairnessGroupEntry[]; total_fav_percent?: number | null; total_rows_percent?: number | null };
  minority: { values: FairnessGroupEntry[]; total_fav_percent?: number | null; total_rows_percent?: number | null };
  statistical_parity_difference?: number | null;
  records_evaluated?: { number_of_records: number; perturbed_records: number; additional_records: number; newest_timestamp: string; oldest_timestamp: string };
}

/** A fairness measurement with v1's `value`: `{score_type, rows_analyzed, perturbed_data_size, metrics: [per feature]}`. */
export type FairnessSample = MeasurementSample & { value: { score_type: string; rows_analyzed: number; perturbed_data_size: number; metrics: FairnessFeatureMetric[] } };

function monitorOf(debiased: unknown): string {
  if (debiased !== undefined && typeof debiased !== "boolean") throw new ValidationError("fairness_monitoring options", [{ path: "debiased", message: "expected true or false" }]);
  return debiased ? "debiased_fairness" : "fairness";
}

/** The sample with v1's `value` (the stored per-group structure) in place of its sources. */
function withValue(sample: MeasurementSample, monitor: string): FairnessSample {
  const { sources, ...rest } = sample;
  const value = sources?.find((x) => x.type === monitor)?.data as FairnessSample["value"] | undefined;
  return { ...rest, value: value ?? { score_type: "disparate impact", rows_analyzed: 0, perturbed_data_size: 0, metrics: [] } };
}

export function fairnessRows(samples: readonly FairnessSample[]): Record<string, unknown>[] {
  return samples.flatMap((s) =>
    s.value.metrics.flatMap((m) =>
      m.minority.values.map((v) => ({
        ts: s.ts,
        feature: m.feature,
        feature_value: valueLabel(v.value),
        fairness_biased: v.is_biased ?? null,
        fairness_value: v.fairness_value ?? null,
        fairness_fav_class: v.fav_class_percent,
        binding_id: s.binding_id,
        subscription_id: s.subscription_id,
        asset_revision: null,
        deployment_id: s.deployment_id,
        process: s.process ?? null,
      })),
    ),
  );
}

export class FairnessViewer {
  private readonly measurements: MeasurementViewer;

  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.measurements = new MeasurementViewer(service, output, subscription, "FairnessMetrics");
  }

  private async samples(monitor: string, limit: number | undefined): Promise<FairnessSample[]> {
    const { metrics } = await this.service.getMetrics({ monitor_definition_id: monitor, subscription_id: this.subscription.uid, format: "samples", include_sources: true, ...(limit ? { limit } : {}) });
    return (metrics as MeasurementSample[]).map((s) => withValue(s, monitor));
  }

  async metrics(options: MeasurementQueryOptions & { debiased?: boolean }, subject: string): Promise<FairnessSample[] | unknown[]> {
    const { debiased, ...rest } = options ?? {};
    const monitor = monitorOf(debiased);
    if (rest.format === "time_series") return this.measurements.metrics(monitor, rest, subject);
    const samples = (await this.measurements.metrics(monitor, rest, subject, true)) as MeasurementSample[];
    return samples.map((s) => withValue(s, monitor));
  }

  async showTable(options: { limit?: unknown; debiased?: unknown }, subject: string): Promise<void> {
    const count = checkLimit(options.limit, `${subject} options`) ?? 10;
    const samples = await this.samples(monitorOf(options.debiased), count + 1);
    const table = buildTable({ title: this.title(options.debiased === true), columns: FAIRNESS_COLUMNS, records: fairnessRows(samples.slice(0, count)), sort_by: "none" });
    const note = samples.length > count ? `Note: the newest ${count} run${count === 1 ? " is" : "s are"} shown. To show more use the 'limit' parameter.` : undefined;
    this.output.table(note ? { ...table, note } : table);
  }

  async tableContent(options: { format?: unknown; limit?: unknown; debiased?: unknown }, subject: string): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const format = options.format ?? "objects";
    if (!["objects", "pandas", "python"].includes(format as string)) {
      throw new ValidationError(`${subject} options`, [{ path: "format", message: `Unsupported format chosen: '${String(format)}'. Use 'objects' (rows as objects; 'pandas' is the same) or 'python' ({fields, values})` }]);
    }
    const rows = fairnessRows(await this.samples(monitorOf(options.debiased), checkLimit(options.limit, `${subject} options`) ?? 1000));
    if (format !== "python") return rows;
    return { fields: FAIRNESS_COLUMNS, values: rows.map((r) => FAIRNESS_COLUMNS.map((c) => r[c])) };
  }

  async describeTable(options: { limit?: unknown; debiased?: unknown }, subject: string): Promise<void> {
    await this.measurements.describeTable(monitorOf(options.debiased), options.limit, subject);
  }

  printTableSchema(): void {
    const records = FAIRNESS_COLUMNS.map((name) => ({ name, type: COLUMN_TYPES[name] ?? "string", nullable: !["ts", "feature", "feature_value"].includes(name) }));
    this.output.table(buildTable({ title: "Schema of FairnessMetrics", columns: ["name", "type", "nullable"], records }));
  }

  /** The fairness of each monitored value over time (threshold dashed, biased runs marked), then the latest run's favourable rates. */
  async showChart(options: { limit?: unknown; debiased?: unknown }, subject: string): Promise<void> {
    const monitor = monitorOf(options.debiased);
    const limit = checkLimit(options.limit, `${subject} options`);
    await this.measurements.showChart(monitor, limit === undefined ? {} : { limit }, subject);
    const [latest] = await this.samples(monitor, 1);
    if (!latest) return;
    const rows = latest.value.metrics.flatMap((m) => [
      ...m.majority.values.map((v) => [`${m.feature}=${valueLabel(v.value)} (reference)`, v.fav_class_percent ?? 0]),
      ...m.minority.values.map((v) => [`${m.feature}=${valueLabel(v.value)}${v.is_biased ? " (biased)" : ""}`, v.fav_class_percent ?? 0]),
    ]);
    const chart: BarChartInput = { title: `Favourable outcomes per group, latest ${monitor === "fairness" ? "" : "debiased "}run (${latest.ts})`, group: ["group"], measure: "favourable %", rows };
    this.output.chart(chart);
  }

  private title(debiased: boolean): string {
    return `${debiased ? "DebiasedFairnessMetrics" : "FairnessMetrics"} (binding_id=${this.subscription.binding_uid}, subscription_id=${this.subscription.uid})`;
  }
}
