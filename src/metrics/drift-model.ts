/**
 * v1's drift-detection model: a classifier trained on the training rows that predicts, for one row, whether the
 * monitored model answers it right. Its inputs are the row's features (numeric ones standardised and clipped, each
 * category one-hot) and the monitored model's confidence (the top class probability and its margin over the second);
 * its target is "the model's prediction equals the label". Logistic regression (IRLS, L2 = 1), so the model is a
 * weight per input and its prediction is linear: the service evaluates it in SQL over the payload window.
 * `model_accuracy` is the monitored model's accuracy on the training rows (v1's "accuracy at training time").
 */
import { ValidationError } from "../errors";
import { numberOf } from "./column-summary";
import { fitLogisticRegression, logisticProbability } from "./linear/logistic-regression";

export const DRIFT_MODEL_VERSION = 1;
/** Standardised values are clipped to ±CLIP, so an extreme payload value cannot dominate the logit. */
export const CLIP = 5;
/** Categories kept per feature (most frequent first); the others share the "other" weight of 0. */
export const MAX_CATEGORIES = 30;
/** One training row in HOLDOUT_EVERY is kept out of the fit, to report the drift model's own accuracy. */
const HOLDOUT_EVERY = 5;

export type DriftModelInput =
  | { kind: "numeric"; name: string; mean: number; std: number; weight: number }
  | { kind: "categorical"; name: string; categories: string[]; weights: number[] };

export interface DriftModel {
  version: number;
  intercept: number;
  inputs: DriftModelInput[];
  /** Weights of the monitored model's top class probability and of its margin over the second class. */
  confidence: { max_probability: number; margin: number };
  model_accuracy: number;
  drift_model_holdout_accuracy: number;
  training_rows: number;
  /** Every training answer had two class probabilities (so the margin is 2·top − 1). */
  binary?: boolean;
}

export interface DriftTrainingColumn {
  name: string;
  kind: "numeric" | "categorical";
  values: ArrayLike<unknown>;
}

/** Top probability and its margin over the second, the confidence inputs. */
export function confidenceOf(probabilities: readonly unknown[] | null | undefined): { max: number; margin: number } {
  let first = 0;
  let second = 0;
  for (const p of probabilities ?? []) {
    const v = Number(p);
    if (!Number.isFinite(v)) continue;
    if (v > first) (second = first), (first = v);
    else if (v > second) second = v;
  }
  return { max: first, margin: first - second };
}

/** The encoded inputs of one row: [1 (intercept), per-input values…, max probability, margin]. */
function encodeRow(inputs: readonly DriftModelInput[], values: (name: string) => unknown, probabilities: readonly unknown[] | null | undefined): Float64Array {
  const width = 1 + inputs.reduce((n, i) => n + (i.kind === "numeric" ? 1 : i.categories.length), 0) + 2;
  const x = new Float64Array(width);
  x[0] = 1;
  let j = 1;
  for (const input of inputs) {
    const v = values(input.name);
    if (input.kind === "numeric") {
      const n = numberOf(v);
      x[j++] = Number.isNaN(n) || input.std === 0 ? 0 : Math.max(-CLIP, Math.min(CLIP, (n - input.mean) / input.std));
    } else {
      const k = v === null || v === undefined ? -1 : input.categories.indexOf(String(v));
      if (k >= 0) x[j + k] = 1;
      j += input.categories.length;
    }
  }
  const c = confidenceOf(probabilities);
  x[j] = c.max;
  x[j + 1] = c.margin;
  return x;
}

function layout(columns: readonly DriftTrainingColumn[]): DriftModelInput[] {
  return columns.map((c) => {
    if (c.kind === "numeric") {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < c.values.length; i++) {
        const v = numberOf(c.values[i]);
        if (!Number.isNaN(v)) (sum += v), n++;
      }
      const mean = n ? sum / n : 0;
      let squares = 0;
      for (let i = 0; i < c.values.length; i++) {
        const v = numberOf(c.values[i]);
        if (!Number.isNaN(v)) squares += (v - mean) ** 2;
      }
      return { kind: "numeric", name: c.name, mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, weight: 0 };
    }
    const counts = new Map<string, number>();
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (v !== null && v !== undefined && v !== "") counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    }
    const categories = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES).map(([v]) => v);
    return { kind: "categorical", name: c.name, categories, weights: categories.map(() => 0) };
  });
}

export function trainDriftModel(input: { columns: readonly DriftTrainingColumn[]; probabilities: readonly (readonly unknown[] | null)[]; predictions: readonly unknown[]; labels: readonly unknown[] }): DriftModel {
  const n = input.labels.length;
  const issues: { path: string; message: string }[] = [];
  if (n < 2 * HOLDOUT_EVERY) issues.push({ path: "training_data", message: `has ${n} rows: the drift model needs at least ${2 * HOLDOUT_EVERY}` });
  if (input.predictions.length !== n || input.probabilities.length !== n) issues.push({ path: "predictions", message: `expected one prediction and probability vector per training row (${n})` });
  input.columns.forEach((c, i) => {
    if (c.values.length !== n) issues.push({ path: `columns[${i}]`, message: `'${c.name}' has ${c.values.length} values for ${n} rows` });
  });
  if (issues.length) throw new ValidationError("drift model training", issues);
  const inputs = layout(input.columns);
  const byName = new Map(input.columns.map((c) => [c.name, c.values]));
  const rows = Array.from({ length: n }, (_, r) => encodeRow(inputs, (name) => byName.get(name)![r], input.probabilities[r]));
  const correct = Array.from({ length: n }, (_, r) => (String(input.predictions[r]) === String(input.labels[r]) ? 1 : 0));
  const fitRows = rows.filter((_, r) => r % HOLDOUT_EVERY !== 0);
  const fitY = correct.filter((_, r) => r % HOLDOUT_EVERY !== 0);
  const w = fitLogisticRegression(fitRows, fitY, { l2: 1 });
  let right = 0;
  let held = 0;
  for (let r = 0; r < n; r += HOLDOUT_EVERY) {
    held++;
    if ((logisticProbability(w, rows[r]!) >= 0.5 ? 1 : 0) === correct[r]) right++;
  }
  let j = 1;
  for (const i of inputs) {
    if (i.kind === "numeric") i.weight = w[j++]!;
    else i.weights = i.categories.map(() => w[j++]!);
  }
  return {
    version: DRIFT_MODEL_VERSION,
    intercept: w[0]!,
    inputs,
    confidence: { max_probability: w[j]!, margin: w[j + 1]! },
    model_accuracy: correct.reduce((a: number, b) => a + b, 0) / n,
    drift_model_holdout_accuracy: right / held,
    training_rows: n,
    binary: input.probabilities.every((p) => Array.isArray(p) && p.length === 2),
  };
}

/** P(the monitored model is right) for each row (columns by name, and the model's probability vectors). */
export function predictCorrectness(model: DriftModel, columns: Record<string, ArrayLike<unknown>>, probabilities: readonly (readonly unknown[] | null)[]): Float64Array {
  const out = new Float64Array(probabilities.length);
  const w = weightsOf(model);
  for (let r = 0; r < out.length; r++) out[r] = logisticProbability(w, encodeRow(model.inputs, (name) => columns[name]?.[r], probabilities[r]));
  return out;
}

/** The model's weights in the encoded inputs' order. */
function weightsOf(model: DriftModel): Float64Array {
  return Float64Array.from([model.intercept, ...model.inputs.flatMap((i) => (i.kind === "numeric" ? [i.weight] : i.weights)), model.confidence.max_probability, model.confidence.margin]);
}

/** v1: the drop from the accuracy at training time to the predicted accuracy (0 when the payload does better). */
export function driftMagnitude(model: DriftModel, predictedAccuracy: number): number {
  return Math.max(0, model.model_accuracy - predictedAccuracy);
}
