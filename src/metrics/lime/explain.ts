/**
 * LIME's local surrogate: kernel weights from each perturbed row's distance to the instance, a feature selection, and a
 * weighted ridge fit whose coefficients are the explanation. A line-by-line port of marcotcr/lime:
 * lime/lime_tabular.py (LimeTabularExplainer.explain_instance: euclidean distances of scaled_data to its row 0, the
 * kernel √exp(−d²/w²) with w = 0.75·√d) and lime/lime_base.py (LimeBase.explain_instance_with_data, feature_selection,
 * forward_selection). With lime's default discretization the scaled data is the 0/1 "same bin / category as the
 * instance" matrix that `limeSample` returns. Reference values: test/reference/lime_reference.py.
 */
import { ValidationError, type ValidationIssue } from "../../errors";
import { designScore, ridgeFit, weightedDesign, type WeightedDesign } from "./ridge";

/** lime_base's methods; 'lasso_path' (LARS) is not ported. */
export type LimeFeatureSelection = "auto" | "forward_selection" | "highest_weights" | "none";

export interface LimeExplainInput {
  /** The neighbourhood as lime's scaled_data: rows × featureCount, row-major, row 0 the explained instance (limeSample's `binary`). */
  binary: ArrayLike<number>;
  featureCount: number;
  /** The model's output to explain, one per row: the explained class's probability (or a regression's prediction). */
  labels: ArrayLike<number>;
  /** A name per feature (limeSample's `names`); default "0", "1", … as lime. */
  names?: readonly string[];
  /** Default 0.75·√featureCount (LimeTabularExplainer.__init__). */
  kernelWidth?: number;
  /** Most features in the explanation; default 10 (explain_instance). */
  numFeatures?: number;
  /** Default 'auto': forward_selection when numFeatures ≤ 6, else highest_weights. */
  featureSelection?: LimeFeatureSelection;
  /** The surrogate's ridge penalty; default 1 (explain_instance_with_data's Ridge(alpha=1)). */
  alpha?: number;
}

export interface LimeFeatureWeight {
  /** Column of `binary`. */
  feature: number;
  name: string;
  weight: number;
}

export interface LimeExplanation {
  /** The used features' weights, by decreasing |weight| (ties keep selection order, as Python's sorted(reverse=True)). */
  weights: LimeFeatureWeight[];
  intercept: number;
  /** The weighted R² of the surrogate on the neighbourhood (Ridge.score with sample_weight). */
  score: number;
  /** The surrogate's prediction at the instance. */
  local_pred: number;
  /** The model's output at the instance (labels[0]). */
  prediction: number;
  /** The features in the order the selection picked them. */
  used_features: number[];
  feature_selection: Exclude<LimeFeatureSelection, "auto">;
  kernel_width: number;
}

/** Ridge penalties lime_base uses inside its feature selections. */
const FORWARD_SELECTION_ALPHA = 0;
const HIGHEST_WEIGHTS_ALPHA = 0.01;

export function limeExplain(input: LimeExplainInput): LimeExplanation {
  const { binary, featureCount: d, labels } = input;
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(d) || d < 1) issues.push({ path: "featureCount", message: `is ${String(d)}: give the number of features (columns of binary), 1 or more` });
  if (!labels || typeof labels.length !== "number") issues.push({ path: "labels", message: "give the model's output for every row of the neighbourhood" });
  else if (labels.length < 2) issues.push({ path: "labels", message: `has ${labels.length} rows: a neighbourhood is the instance and at least one perturbed row (numSamples ≥ 2)` });
  if (issues.length) throw new ValidationError("LIME explanation input", issues);
  const n = labels.length;
  if (!binary || binary.length !== n * d) issues.push({ path: "binary", message: `has ${binary?.length} values: give ${n} rows × ${d} features, row-major (labels has ${n} rows)` });
  else firstBad(binary, "binary", "must be a finite number", issues, d);
  firstBad(labels, "labels", "must be a finite number (the explained class's probability)", issues);
  const names = input.names ?? Array.from({ length: d }, (_, j) => String(j));
  if (names.length !== d) issues.push({ path: "names", message: `has ${names.length} names for ${d} features: give one per column` });
  const kernelWidth = input.kernelWidth ?? Math.sqrt(d) * 0.75;
  if (!(Number.isFinite(kernelWidth) && kernelWidth > 0)) issues.push({ path: "kernelWidth", message: `is ${String(kernelWidth)}: expected a number > 0 (default 0.75·√features)` });
  const numFeatures = input.numFeatures ?? 10;
  if (!Number.isInteger(numFeatures) || numFeatures < 1) issues.push({ path: "numFeatures", message: `is ${String(numFeatures)}: expected an integer ≥ 1` });
  const alpha = input.alpha ?? 1;
  if (!(Number.isFinite(alpha) && alpha >= 0)) issues.push({ path: "alpha", message: `is ${String(alpha)}: expected a ridge penalty ≥ 0` });
  const requested = input.featureSelection ?? "auto";
  if (!["auto", "forward_selection", "highest_weights", "none"].includes(requested)) issues.push({ path: "featureSelection", message: `is ${String(requested)}: expected 'auto', 'forward_selection', 'highest_weights' or 'none'` });
  if (issues.length) throw new ValidationError("LIME explanation input", issues);

  const weights = kernelWeights(binary, d, n, kernelWidth);
  const design = weightedDesign(binary, d, labels, weights);
  const method = requested === "auto" ? (numFeatures <= 6 ? "forward_selection" : "highest_weights") : requested;
  const used = selectFeatures(design, binary, numFeatures, method);
  const fit = ridgeFit(design, used, alpha);

  // Ridge.score and Ridge.predict, on the rows themselves.
  let numerator = 0;
  let denominator = 0;
  let local = fit.intercept;
  for (let p = 0; p < used.length; p++) local += fit.coef[p]! * binary[used[p]!]!;
  for (let i = 0; i < n; i++) {
    let predicted = fit.intercept;
    for (let p = 0; p < used.length; p++) predicted += fit.coef[p]! * binary[i * d + used[p]!]!;
    const r = labels[i]! - predicted;
    const c = labels[i]! - design.yMean;
    numerator += weights[i]! * r * r;
    denominator += weights[i]! * c * c;
  }
  const score = numerator === 0 ? 1 : denominator === 0 ? 0 : 1 - numerator / denominator;
  const order = used.map((feature, p) => ({ feature, name: names[feature]!, weight: fit.coef[p]! }));
  order.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { weights: order, intercept: fit.intercept, score, local_pred: local, prediction: labels[0]!, used_features: used, feature_selection: method, kernel_width: kernelWidth };
}

/** √exp(−d²/w²) of each row's euclidean distance to row 0 (lime_tabular's default kernel). */
export function kernelWeights(x: ArrayLike<number>, d: number, n: number, width: number): Float64Array {
  const weights = new Float64Array(n);
  const w2 = width * width;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = x[i * d + j]! - x[j]!;
      s += diff * diff;
    }
    const distance = Math.sqrt(s);
    weights[i] = Math.sqrt(Math.exp(-(distance * distance) / w2));
  }
  return weights;
}

/** lime_base.LimeBase.feature_selection. */
function selectFeatures(design: WeightedDesign, x: ArrayLike<number>, numFeatures: number, method: Exclude<LimeFeatureSelection, "auto">): number[] {
  const d = design.columns;
  const all = Array.from({ length: d }, (_, j) => j);
  if (method === "none") return all;
  if (method === "highest_weights") {
    // Ridge(alpha=0.01) on every feature; rank by |coef · row 0|, stable for ties (Python's sorted, reverse=True).
    const { coef } = ridgeFit(design, all, HIGHEST_WEIGHTS_ALPHA);
    const ranked = all.map((j) => ({ j, v: Math.abs(coef[j]! * x[j]!) }));
    ranked.sort((a, b) => b.v - a.v);
    return ranked.slice(0, numFeatures).map((r) => r.j);
  }
  // forward_selection: add, one at a time, the feature whose Ridge(alpha=0) fit scores best; the first wins a tie.
  const used: number[] = [];
  const taken = new Uint8Array(d);
  for (let step = 0; step < Math.min(numFeatures, d); step++) {
    let best = 0;
    let max = -100000000;
    for (let j = 0; j < d; j++) {
      if (taken[j]) continue;
      const candidate = [...used, j];
      const score = designScore(design, candidate, ridgeFit(design, candidate, FORWARD_SELECTION_ALPHA));
      if (score > max) {
        best = j;
        max = score;
      }
    }
    used.push(best);
    taken[best] = 1;
  }
  return used;
}

function firstBad(values: ArrayLike<number>, field: string, rule: string, issues: ValidationIssue[], perRow = 0): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const at = perRow ? `${field}[${Math.floor(i / perRow)}][${i % perRow}]` : `${field}[${i}]`;
    issues.push({ path: at, message: `is ${String(values[i])}: ${rule}` });
    return;
  }
}
