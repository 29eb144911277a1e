/**
 * A drift run over the payload rows scored since the previous run (at least the newest `min_samples`), computed in
 * SQL where the rows are: v1's `drift` measurement (`data_drift_magnitude` = the share of rows breaking a
 * training constraint; with a drift model, `predicted_accuracy` and `drift_magnitude` = accuracy at training time −
 * predicted accuracy, upper limit the threshold) and, beyond v1, a `feature_drift` measurement: each feature's test
 * against the training statistics, its verdict, and the share of drifted features, with prediction (output) drift.
 */
import { featureDrift, type FeatureDriftResult } from "../../metrics/drift-histograms";
import type { Queryable } from "../../store/store";
import type { MeasurementSource } from "../monitor-resources";
import type { SubscriptionRow } from "../subscription-rows";
import type { TrainingStatistics } from "../training-statistics";
import type { DriftParameters } from "./drift-config";
import { writeMeasurement } from "./measurements";
import { constraintViolationCounts, payloadHistograms, refreshPlannerStatistics, windowBounds, type HistogramColumn, type PayloadWindowSpec } from "./payload-histograms";
import { RunFailure, type RunResult } from "./runs";

export interface DriftRunContext {
  db: Queryable;
  row: SubscriptionRow;
  parameters: DriftParameters;
  statistics: TrainingStatistics;
  /** The newest payload instant the previous completed run looked at. */
  previousNewest?: string;
  /** v1's model drift, when a drift model is trained: the window's predicted accuracy and the accuracy at training time. */
  predictAccuracy?: (spec: PayloadWindowSpec) => Promise<{ predicted_accuracy: number; model_accuracy: number }>;
}

/** How many broken constraints a measurement keeps (most broken first). */
const KEPT_CONSTRAINTS = 20;

export async function evaluateDrift(context: DriftRunContext): Promise<RunResult> {
  const { db, row, parameters, statistics } = context;
  const started = performance.now();
  const min = parameters.min_samples;
  const run: Record<string, number> = { payload_rows: 0, features: 0, drifted_features: 0, broken_rows: 0 };
  const schema = row.payload_schema ?? [];
  let spec: PayloadWindowSpec = { table: row.payload_table, deployment_id: parameters.deployment_id, ...(context.previousNewest ? { after: context.previousNewest } : {}) };
  if (schema.length) run.analyzed = (await refreshPlannerStatistics(db, row.payload_table)) ? 1 : 0;
  let bounds = schema.length ? await windowBounds(db, spec) : { rows: 0, oldest: null, newest: null };
  if (bounds.rows < min && schema.length) {
    spec = { table: row.payload_table, deployment_id: parameters.deployment_id, newest: min };
    bounds = await windowBounds(db, spec);
  }
  run.payload_rows = bounds.rows;
  if (bounds.rows < min) {
    throw new RunFailure(
      `not enough payload: ${bounds.rows} of ${min} rows (min_records) scored on deployment '${parameters.deployment_id}'. ` +
        "Score more rows, or enable drift monitoring with a smaller min_records. Nothing was stored.",
      run,
    );
  }
  const present = new Set(schema.map((f) => f.name));
  // The subscription's order (the stored JSON keeps its keys in its own order).
  const features = (row.asset_properties.feature_fields ?? Object.keys(statistics.features)).filter((f) => f in statistics.features && present.has(f));
  const prediction = row.asset_properties.prediction_field;
  const output = prediction && present.has(prediction) ? prediction : undefined;
  const columnOf = (name: string, summary: TrainingStatistics["label"]): HistogramColumn => (summary.kind === "numeric" ? { name, kind: "numeric", edges: summary.edges } : { name, kind: "categorical" });
  const columns = [...features.map((f) => columnOf(f, statistics.features[f]!)), ...(output ? [columnOf(output, statistics.label)] : [])];
  run.bounds_ms = Math.round(performance.now() - started);
  let t = performance.now();
  const histograms = await payloadHistograms(db, spec, columns);
  run.histograms_ms = Math.round(performance.now() - t);
  const method = parameters.feature_drift;
  const results: (FeatureDriftResult & { feature: string })[] = features.map((f, i) => ({ feature: f, ...featureDrift(statistics.features[f]!, histograms[i]!, method) }));
  const outputDrift = output ? { column: output, ...featureDrift(statistics.label, histograms[features.length]!, method) } : undefined;
  run.features = results.length;
  run.drifted_features = results.filter((r) => r.drifted).length;
  t = performance.now();
  const violations = await constraintViolationCounts(db, spec, statistics.constraints);
  run.constraints_ms = Math.round(performance.now() - t);
  run.broken_rows = violations.rows;
  t = performance.now();
  const model = context.predictAccuracy ? await context.predictAccuracy(spec) : undefined;
  run.model_ms = Math.round(performance.now() - t);
  run.total_ms = Math.round(performance.now() - started);

  const data_drift_magnitude = violations.rows / bounds.rows;
  const values: { id: string; value: number | null }[] = [];
  const limits = new Map<string, { upper_limit?: number }>();
  if (model) {
    values.push({ id: "drift_magnitude", value: Math.max(0, model.model_accuracy - model.predicted_accuracy) });
    values.push({ id: "predicted_accuracy", value: model.predicted_accuracy });
    limits.set("drift_magnitude", { upper_limit: parameters.drift_threshold });
  }
  values.push({ id: "data_drift_magnitude", value: data_drift_magnitude });
  const window = { rows_analyzed: bounds.rows, oldest_timestamp: bounds.oldest, newest_timestamp: bounds.newest };
  const broken = statistics.constraints
    .map((constraint, k) => ({ constraint, rows: violations.per_constraint[k]! }))
    .filter((c) => c.rows > 0)
    .sort((a, b) => b.rows - a.rows)
    .slice(0, KEPT_CONSTRAINTS);
  const dataDrift: MeasurementSource = { id: "data_drift", type: "data_drift", data: { ...window, broken_rows: violations.rows, constraints: statistics.constraints.length, broken_constraints: broken, ...(model ? { model_accuracy: model.model_accuracy } : {}) } };
  const share = results.length ? run.drifted_features / results.length : 0;
  const featureSource: MeasurementSource = { id: "feature_drift", type: "feature_drift", data: { ...window, method: method.method, features: results, ...(outputDrift ? { output: outputDrift } : {}), drifted_features_share: share } };
  return {
    statistics: { ...run, window_newest_ms: Date.parse(bounds.newest!) },
    store: async (tx, run_id) => {
      const measured = await writeMeasurement(tx, { monitor_definition_id: "drift", subscription: row, deployment_id: parameters.deployment_id, run_id, process: `Drift run for subscription_${row.guid}`, values, tags: [], sources: [dataDrift], limits });
      await writeMeasurement(tx, {
        monitor_definition_id: "feature_drift",
        subscription: row,
        deployment_id: parameters.deployment_id,
        run_id,
        timestamp: measured.ts,
        process: `Feature drift run for subscription_${row.guid}`,
        values: [
          { id: "drifted_features_share", value: share },
          { id: "drifted_features", value: run.drifted_features },
          ...(outputDrift ? [{ id: "output_drift", value: outputDrift.drifted ? 1 : 0 }] : []),
        ],
        tags: [],
        sources: [featureSource],
        limits: new Map(),
      });
      return measured;
    },
  };
}
