/**
 * A fairness run: the newest `min_records` payload rows of the deployment, their perturbed copies and debiasing twins
 * re-scored through the engine in batches, then per feature the favourable rates and fairness values on the payload
 * alone and on payload + perturbed rows (stored as `fairness`), and those of the debiased answers (stored as
 * `debiased_fairness`). The window's rows get their debiased prediction and probability in the payload table, in the
 * same transaction as the measurements: a run stores everything, or (when it fails) nothing.
 */
import type { FieldsValues } from "../../engines/adapter";
import { quoteName, type Queryable } from "../../store/store";
import type { MeasurementSource } from "../monitor-resources";
import { fillDebiasedColumns } from "../payload-debiased-columns";
import { fromDatabase } from "../payload-reader";
import type { PayloadField } from "../payload-schema";
import type { SubscriptionRow } from "../subscription-rows";
import { scoreInBatches, type ScoringTally } from "./batch-scoring";
import type { FairnessParameters } from "./fairness-config";
import { debiasTwins, featureGroups, groupCode, perturbedCopies, type FeatureGroups } from "./fairness-perturbation";
import { debiasedFeatureReport, fairnessValues, featureReport, type FairnessClasses } from "./fairness-report";
import { writeMeasurement } from "./measurements";
import { RunFailure, type RunResult } from "./runs";

export interface FairnessRunContext {
  db: Queryable;
  row: SubscriptionRow;
  parameters: FairnessParameters;
  score(deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
}

/** The payload window: the newest rows with an answer, newest first. */
interface PayloadWindow {
  fields: string[];
  scoring_ids: string[];
  timestamps: string[];
  values: unknown[][];
  predictions: string[];
  probabilities: (unknown[] | null)[];
}

/** The model's input columns in the order it takes them. */
export function featureOrder(row: SubscriptionRow, schema: readonly PayloadField[]): PayloadField[] {
  const features = schema.filter((f) => f.metadata.modeling_role === "feature");
  const declared = row.asset_properties.feature_fields;
  if (!declared?.length) return features;
  return declared.map((n) => features.find((f) => f.name === n)).filter((f): f is PayloadField => f !== undefined);
}

async function readWindow(db: Queryable, row: SubscriptionRow, parameters: FairnessParameters): Promise<PayloadWindow> {
  const schema = row.payload_schema;
  const empty: PayloadWindow = { fields: [], scoring_ids: [], timestamps: [], values: [], predictions: [], probabilities: [] };
  const prediction = schema?.find((f) => f.name === row.asset_properties.prediction_field);
  if (!schema || !prediction) return empty;
  const features = featureOrder(row, schema);
  const probability = schema.find((f) => f.name === row.asset_properties.probability_fields?.[0]);
  const columns = [...features, prediction, ...(probability ? [probability] : [])].map((f) => quoteName(f.name)).join(", ");
  const rows = await db.query<Record<string, unknown>>(
    `SELECT scoring_id, scoring_timestamp, ${columns} FROM ${quoteName(row.payload_table)}
     WHERE deployment_id = $1 AND ${quoteName(prediction.name)} IS NOT NULL ORDER BY scoring_timestamp DESC, scoring_id DESC LIMIT ${Math.trunc(parameters.min_records)}`,
    [parameters.deployment_id],
  );
  return {
    fields: features.map((f) => f.name),
    scoring_ids: rows.map((r) => String(r.scoring_id)),
    timestamps: rows.map((r) => new Date(r.scoring_timestamp as string).toISOString()),
    values: rows.map((r) => features.map((f) => fromDatabase(f, r[f.name]))),
    predictions: rows.map((r) => String(fromDatabase(prediction, r[prediction.name]))),
    probabilities: rows.map((r) => (probability && Array.isArray(r[probability.name]) ? (r[probability.name] as unknown[]).map(Number) : null)),
  };
}

/** Throws unless every label is favourable or unfavourable: a class in neither would be counted nowhere. */
function checkLabels(labels: readonly string[], classes: FairnessClasses, where: string): void {
  const stray = labels.find((l) => !classes.favourable.has(l) && !classes.unfavourable.has(l));
  if (stray !== undefined) {
    throw new Error(
      `${where} holds the class '${stray}', which is neither favourable (${[...classes.favourable].join(", ")}) nor unfavourable (${[...classes.unfavourable].join(", ")}): ` +
        "enable fairness monitoring again with every class the model returns in one of the two lists",
    );
  }
}

export async function evaluateFairness(context: FairnessRunContext): Promise<RunResult> {
  const { db, row, parameters } = context;
  const started = Date.now();
  const window = await readWindow(db, row, parameters);
  // Times in ms: reading the window, the engine's scoring, and our own work (grouping, perturbation, figures).
  const statistics: Record<string, number> & ScoringTally = { payload_rows: window.values.length, perturbed_rows: 0, debias_rows: 0, debiased_rows: 0, scored_rows: 0, engine_calls: 0, read_ms: Date.now() - started, scoring_ms: 0, compute_ms: 0 };
  if (window.values.length < parameters.min_records) {
    throw new RunFailure(
      `not enough payload: ${window.values.length} of ${parameters.min_records} rows (min_records) scored on deployment '${parameters.deployment_id}'. ` +
        "Score more rows (subscription.score or payload_logging.store), or enable fairness monitoring with a smaller min_records. Nothing was stored.",
      statistics,
    );
  }
  let computeStarted = performance.now();
  const classes: FairnessClasses = { favourable: new Set(parameters.favourable_class), unfavourable: new Set(parameters.unfavourable_class) };
  const groups = featureGroups(parameters.features, window.fields, parameters.training_data_distributions, window.values);
  const codes = groups.map((g) => Int32Array.from(window.values, (r) => groupCode(g, r[g.column])));
  const copies = perturbedCopies(groups, codes);
  const twins = debiasTwins(groups, window.values, copies);
  // Twins that are not copies are scored after the copies; `scoredAt[k]` is where twin k's answer is.
  const ownTwins = twins.flatMap((t) => ("values" in t ? [t.values] : []));
  let next = copies.length;
  const scoredAt = twins.map((t) => ("copy" in t ? t.copy : next++));
  statistics.perturbed_rows = copies.length;
  statistics.debias_rows = twins.length;
  const rowAt = (i: number): unknown[] => {
    if (i >= copies.length) return ownTwins[i - copies.length]!;
    const copy = copies[i]!;
    const values = [...window.values[copy.source]!];
    values[groups[copy.feature]!.column] = copy.value;
    return values;
  };
  statistics.compute_ms = performance.now() - computeStarted;
  const scoringStarted = performance.now();
  let scored;
  try {
    checkLabels(window.predictions, classes, "the payload");
    scored = await scoreInBatches(window.fields, copies.length + ownTwins.length, rowAt, (payload) => context.score(parameters.deployment_id, payload), row.asset_properties, statistics);
    checkLabels(scored.predictions.map(String), classes, "the engine's answers to the perturbed rows");
  } catch (error) {
    const done = `${statistics.scored_rows} of ${copies.length + ownTwins.length} perturbed rows scored`;
    throw new RunFailure(`fairness run failed (${done}): ${error instanceof Error ? error.message : String(error)}`, statistics, { cause: error });
  }
  statistics.scoring_ms = Math.round(performance.now() - scoringStarted);
  computeStarted = performance.now();
  const perturbedLabels = scored.predictions.slice(0, copies.length).map(String);
  const span = { newest: window.timestamps[0]!, oldest: window.timestamps.at(-1)! };
  const reports = groups.map((g, f) => {
    const mine = copies.flatMap((c, i) => (c.feature === f ? [i] : []));
    return featureReport(g, { codes: codes[f]!, labels: window.predictions }, { codes: Int32Array.from(mine, (i) => copies[i]!.target), labels: mine.map((i) => perturbedLabels[i]!) }, classes, span);
  });

  // Debiased answers: a twin's answer where the row has one (it differs only by the monitored attributes), else the row's own.
  const debiasedPredictions: unknown[] = [...window.predictions];
  const debiasedProbabilities: (unknown[] | null)[] = [...window.probabilities];
  twins.forEach((t, k) => {
    const prediction = scored.predictions[scoredAt[k]!];
    if (String(prediction) === window.predictions[t.source]) return;
    statistics.debiased_rows++;
    debiasedPredictions[t.source] = prediction;
    debiasedProbabilities[t.source] = scored.probabilities[scoredAt[k]!] ?? null;
  });
  const debiasedLabels = debiasedPredictions.map(String);
  const debiased = groups.map((g: FeatureGroups, f) => debiasedFeatureReport(g, { codes: codes[f]!, labels: debiasedLabels }, classes));

  statistics.compute_ms = Math.round((statistics.compute_ms + performance.now() - computeStarted) * 10) / 10;
  const response_time = Date.now() - started;
  const fairness = fairnessValues(reports.map((r, f) => ({ feature: groups[f]!.feature.feature, threshold: groups[f]!.feature.threshold, names: r.names, minority: r.balanced.minority.values })));
  const debiasedValues = fairnessValues(debiased.map((r, f) => ({ feature: groups[f]!.feature.feature, threshold: groups[f]!.feature.threshold, names: r.names, minority: r.fairness.minority.values })));
  const source = (type: string, metrics: Record<string, unknown>[], perturbed: number): MeasurementSource => ({
    id: `${type}_metrics`,
    type,
    data: { score_type: "disparate impact", rows_analyzed: window.values.length, perturbed_data_size: perturbed, response_time, metrics },
  });
  const deployment_id = parameters.deployment_id;
  return {
    statistics,
    store: async (tx, run_id) => {
      const measured = await writeMeasurement(tx, {
        monitor_definition_id: "fairness",
        subscription: row,
        deployment_id,
        run_id,
        process: `Fairness run for subscription_${row.guid}`,
        values: fairness.values,
        tags: [],
        sources: [source("fairness", reports.map((r) => r.metric), copies.length)],
        limits: fairness.limits,
      });
      await writeMeasurement(tx, {
        monitor_definition_id: "debiased_fairness",
        subscription: row,
        deployment_id,
        run_id,
        timestamp: measured.ts,
        process: `Debiased fairness run for subscription_${row.guid}`,
        values: debiasedValues.values,
        tags: [],
        sources: [source("debiased_fairness", debiased.map((r) => r.metric), 0)],
        limits: debiasedValues.limits,
      });
      await fillDebiasedColumns(tx, row, window.scoring_ids, debiasedPredictions, debiasedProbabilities);
      return measured;
    },
  };
}
