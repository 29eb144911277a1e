/**
 * What the drift monitor shows of feature drift (beyond v1): the latest run's test per feature, as a table with a
 * small training-vs-payload histogram in each row (text sparklines in a terminal).
 */
import type { HistogramTableInput } from "../../display/index";
import type { FeatureDriftResult } from "../../metrics/drift-histograms";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementSample } from "../../service/monitor-resources";
import type { Output } from "../output";
import type { SubscriptionRef } from "../subscription-ref";

/** A feature drift measurement with its per-feature results as `value`. */
export type FeatureDriftSample = Omit<MeasurementSample, "sources"> & {
  value: {
    rows_analyzed: number;
    oldest_timestamp: string | null;
    newest_timestamp: string | null;
    method: string;
    features: (FeatureDriftResult & { feature: string })[];
    output?: FeatureDriftResult & { column: string };
    drifted_features_share: number;
  };
};

export const FEATURE_DRIFT_COLUMNS = ["feature", "type", "method", "statistic", "p_value", "threshold", "drifted"];

export class FeatureDriftViewer {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {}

  async samples(limit?: number): Promise<FeatureDriftSample[]> {
    const { metrics } = await this.service.getMetrics({ monitor_definition_id: "feature_drift", subscription_id: this.subscription.uid, format: "samples", include_sources: true, ...(limit ? { limit } : {}) });
    return (metrics as MeasurementSample[]).map(({ sources, ...rest }) => ({ ...rest, value: sources?.find((s) => s.type === "feature_drift")?.data as FeatureDriftSample["value"] }));
  }

  async show(measurement_id?: string): Promise<void> {
    const samples = await this.samples(measurement_id === undefined ? 1 : undefined);
    const sample = measurement_id === undefined ? samples[0] : samples.find((s) => s.measurement_id === measurement_id);
    if (!sample?.value) {
      this.output.print(measurement_id === undefined ? "No feature drift measured yet: run drift_monitoring.run() first." : `No feature drift measurement '${measurement_id}' for this subscription.`);
      return;
    }
    const v = sample.value;
    const row = (name: string, r: FeatureDriftResult) => ({ cells: [name, r.kind, r.method, r.statistic, r.p_value, r.threshold, r.drifted], histogram: r.histogram });
    const drifted = v.features.filter((f) => f.drifted).length;
    const chart: HistogramTableInput = {
      kind: "histogram_table",
      title: `Feature drift (measurement_id=${sample.measurement_id}, ${v.rows_analyzed} payload rows)`,
      columns: FEATURE_DRIFT_COLUMNS,
      rows: [...v.features.map((f) => row(f.feature, f)), ...(v.output ? [row(`${v.output.column} (output)`, v.output)] : [])],
      series: ["training", "payload"],
      note: `${drifted} of ${v.features.length} features drifted (${(v.drifted_features_share * 100).toFixed(0)} %)${v.output ? `; prediction ${v.output.drifted ? "drifted" : "stable"}` : ""}`,
    };
    this.output.chart(chart);
  }
}
