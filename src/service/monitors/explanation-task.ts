/**
 * One explanation (v1 `explanation_tasks`): the payload row named by its scoring_id, explained by LIME as the
 * reference `lime` package does it (its neighbourhood drawn from the training statistics, 5,000 rows, kernel width
 * 0.75·√d, weighted ridge) and, with `cem`, by a contrastive search (contrastive.ts). Every perturbed row is scored
 * through the engine in batches of MONITOR_SCORING_BATCH rows.
 */
import type { FieldsValues } from "../../engines/adapter";
import { limeExplain, limeSample } from "../../metrics/lime/index";
import { quoteName, type Queryable } from "../../store/store";
import { fromDatabase } from "../payload-reader";
import type { SubscriptionRow } from "../subscription-rows";
import type { TrainingStatistics } from "../training-statistics";
import { scoreInBatches, type ScoringTally } from "./batch-scoring";
import { contrastiveExplanation, type ContrastiveResult } from "./contrastive";
import { featureOrder } from "./fairness-run";

/** Rows LIME draws around the instance (lime's default). */
export const LIME_SAMPLES = 5000;
/** Features LIME's surrogate keeps (lime's default). */
export const LIME_FEATURES = 10;

export interface ExplainedRow {
  scoring_id: string;
  deployment_id: string;
  fields: string[];
  values: unknown[];
  prediction: unknown;
}

export interface ExplanationFeature {
  feature_name: string;
  feature_value: unknown;
  /** lime's name of the condition, e.g. "Age <= 25.00" or "Sex=female". */
  feature_range: string;
  weight: number;
  importance: number;
}

export interface Explanation {
  input_features: { name: string; value: unknown; feature_type: "numerical" | "categorical" }[];
  predictions: {
    value: unknown;
    probability: number;
    explanation_features: ExplanationFeature[];
    lime: { intercept: number; local_prediction: number; score: number; kernel_width: number; samples: number; feature_selection: string };
  }[];
  contrastive?: ContrastiveResult;
  /** Why the contrastive search failed while LIME succeeded (v1's partial success). */
  cem_error?: string;
  perturbed_rows: number;
  engine_calls: number;
  compute_ms: number;
}

/** The payload row with `scoring_id`, or undefined. */
export async function explainedRow(db: Queryable, row: SubscriptionRow, scoring_id: string): Promise<ExplainedRow | undefined> {
  const schema = row.payload_schema;
  const prediction = schema?.find((f) => f.name === row.asset_properties.prediction_field);
  if (!schema || !prediction) return undefined;
  const features = featureOrder(row, schema);
  const columns = [...features, prediction].map((f) => quoteName(f.name)).join(", ");
  const [found] = await db.query<Record<string, unknown>>(`SELECT scoring_id, deployment_id, ${columns} FROM ${quoteName(row.payload_table)} WHERE scoring_id = $1`, [scoring_id]);
  if (!found) return undefined;
  return {
    scoring_id,
    deployment_id: String(found.deployment_id),
    fields: features.map((f) => f.name),
    values: features.map((f) => fromDatabase(f, found[f.name])),
    prediction: fromDatabase(prediction, found[prediction.name]),
  };
}

/** A fixed seed per transaction (FNV-1a of its id): the same transaction always gets the same neighbourhood. */
export function explanationSeed(scoring_id: string): number {
  let h = 2166136261;
  for (let i = 0; i < scoring_id.length; i++) h = Math.imul(h ^ scoring_id.charCodeAt(i), 16777619);
  return h >>> 0;
}

const argmax = (p: readonly unknown[]) => p.reduce<number>((best, v, i) => (Number(v) > Number(p[best]) ? i : best), 0);

export async function explain(
  target: ExplainedRow,
  statistics: TrainingStatistics,
  row: SubscriptionRow,
  score: (payload: FieldsValues) => Promise<FieldsValues>,
  options: { cem: boolean; seed: number },
): Promise<Explanation> {
  const lime = statistics.lime;
  if (!lime) throw new Error("the training statistics hold no LIME summary (no training row had every feature): enable explainability again with complete training rows");
  const started = performance.now();
  const tally: ScoringTally = { engine_calls: 0, scored_rows: 0 };
  const instance = Object.fromEntries(target.fields.map((f, i) => [f, target.values[i]]));
  const sample = limeSample(lime, instance, { numSamples: LIME_SAMPLES, seed: options.seed });
  // The neighbourhood's columns are the summary's; the engine takes the subscription's order.
  const order = target.fields.map((f) => sample.fields.indexOf(f));
  const rowAt = (i: number) => order.map((j) => sample.rows[i]![j]);
  let computeMs = performance.now() - started;
  const scored = await scoreInBatches(target.fields, sample.rows.length, rowAt, score, row.asset_properties, tally);
  const t1 = performance.now();
  const first = scored.probabilities[0];
  if (!first) throw new Error("the engine's answer has no class probabilities: LIME explains a classifier's probability of its predicted class");
  const k = argmax(first);
  const labels = Float64Array.from(scored.probabilities, (p) => Number(p?.[k] ?? NaN));
  const explanation = limeExplain({ binary: sample.binary, featureCount: sample.featureCount, labels, names: sample.names, numFeatures: LIME_FEATURES });
  const features: ExplanationFeature[] = explanation.weights.map((w) => ({
    feature_name: sample.fields[w.feature]!,
    feature_value: instance[sample.fields[w.feature]!],
    feature_range: w.name,
    weight: w.weight,
    importance: Math.abs(w.weight),
  }));
  computeMs += performance.now() - t1;
  let contrastive: ContrastiveResult | undefined;
  let cem_error: string | undefined;
  if (options.cem) {
    const t2 = performance.now();
    let scoringMs = 0;
    const scoreRows = async (values: unknown[][]) => {
      const t = performance.now();
      const out = await scoreInBatches(target.fields, values.length, (i) => values[i]!, score, row.asset_properties, tally);
      scoringMs += performance.now() - t;
      return out;
    };
    try {
      contrastive = await contrastiveExplanation({ fields: target.fields, values: target.values, statistics, predicted: scored.predictions[0], probabilities: first.map(Number), score: scoreRows });
    } catch (error) {
      cem_error = error instanceof Error ? error.message : String(error);
    }
    computeMs += performance.now() - t2 - scoringMs;
  }
  const categorical = new Set(row.asset_properties.categorical_fields ?? []);
  return {
    input_features: target.fields.map((name, i) => ({ name, value: target.values[i], feature_type: categorical.has(name) ? "categorical" : "numerical" })),
    predictions: [
      {
        value: scored.predictions[0],
        probability: labels[0]!,
        explanation_features: features,
        lime: { intercept: explanation.intercept, local_prediction: explanation.local_pred, score: explanation.score, kernel_width: explanation.kernel_width, samples: LIME_SAMPLES, feature_selection: explanation.feature_selection },
      },
    ],
    ...(contrastive ? { contrastive } : {}),
    ...(cem_error ? { cem_error } : {}),
    perturbed_rows: tally.scored_rows,
    engine_calls: tally.engine_calls,
    compute_ms: Math.round(computeMs * 10) / 10,
  };
}
