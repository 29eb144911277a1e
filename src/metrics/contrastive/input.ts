/**
 * The contrastive explanation's input, checked in full before the engine is called: every bad field is reported at
 * once in a `ValidationError` naming it and the fix. Also the candidate grid (the values each feature may be moved
 * to) and the normalised distance of a move, shared by both searches and by anyone who wants to brute-force them.
 */
import { ValidationError, type ValidationIssue } from "../../errors";

/** Scores rows (one value per feature, in `features` order) in ONE engine call: one prediction per row, in order. */
export type ContrastiveScorer = (rows: unknown[][]) => Promise<{ predictions: unknown[]; probabilities?: (number[] | null)[] }>;

export interface NumericContrastiveFeature {
  name: string;
  kind: "numeric";
  /** The neutral value (the training median, say) a feature takes when the pertinent positive leaves it out. */
  base: number;
  numeric: {
    min: number;
    max: number;
    /** Training quantiles (any order): candidate values of the pertinent negative, besides the steps toward min and max. */
    quantiles?: number[];
    /** Round the steps toward min and max to integers (counts, ages, amounts). */
    integer?: boolean;
  };
}

export interface CategoricalContrastiveFeature {
  name: string;
  kind: "categorical";
  /** The neutral value (the most frequent category, say). */
  base: unknown;
  /** The training categories, most frequent first: the pertinent negative tries every other one, in this order. */
  categorical: { categories: unknown[] };
}

export type ContrastiveFeature = NumericContrastiveFeature | CategoricalContrastiveFeature;

export interface ContrastiveInput {
  /** The scored row: one value per feature, in `features` order. */
  instance: readonly unknown[];
  features: readonly ContrastiveFeature[];
  /** The class the engine gave the instance: the pertinent negative leaves it, the pertinent positive keeps it. */
  predictedClass: unknown;
  score: ContrastiveScorer;
  /** The classes in the order of each probability vector. Without it, the predicted class's index is the instance's argmax. */
  classes?: readonly unknown[];
  /** Engine calls for both searches together (default 8). */
  maxEngineCalls?: number;
  /** Rows per engine call (default 1000; at least features.length + 2). */
  batchSize?: number;
  /** Evenly spaced steps from the instance's value toward min, and as many toward max (default 4). */
  steps?: number;
}

/** One value a feature may be moved to, and how far that is (|Δ| ÷ (max − min) for numeric features, 1 for categories). */
export interface Candidate {
  value: unknown;
  distance: number;
}

export interface CheckedInput {
  instance: readonly unknown[];
  features: readonly ContrastiveFeature[];
  predictedClass: unknown;
  score: ContrastiveScorer;
  classes: readonly unknown[] | undefined;
  maxEngineCalls: number;
  batchSize: number;
  /** Per feature: its candidate values, nearest first. */
  grid: Candidate[][];
  /** The all-base row. */
  base: unknown[];
}

export const CONTRASTIVE_MAX_ENGINE_CALLS = 8;
export const CONTRASTIVE_BATCH_SIZE = 1000;
export const CONTRASTIVE_STEPS = 4;

/** Two values are the same class or category when equal, or equal as text (engines send 1 for "1"). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkFeature(f: unknown, i: number, names: Set<string>, issues: ValidationIssue[]): void {
  const at = `features[${i}]`;
  if (!isObject(f)) return void issues.push({ path: at, message: "is not an object: give { name, kind, base, numeric | categorical }" });
  if (typeof f.name !== "string" || f.name === "") issues.push({ path: `${at}.name`, message: "is missing: give the feature's column name" });
  else if (names.has(f.name)) issues.push({ path: `${at}.name`, message: `'${f.name}' is given twice: give each feature once` });
  else names.add(f.name);
  if (f.kind === "numeric") {
    const n = f.numeric;
    if (!isObject(n)) return void issues.push({ path: `${at}.numeric`, message: "is missing: give { min, max, quantiles? } from the training data" });
    const min = n.min, max = n.max;
    if (typeof min !== "number" || !Number.isFinite(min)) issues.push({ path: `${at}.numeric.min`, message: `is ${String(min)}: give the training minimum, a finite number` });
    if (typeof max !== "number" || !Number.isFinite(max)) issues.push({ path: `${at}.numeric.max`, message: `is ${String(max)}: give the training maximum, a finite number` });
    else if (typeof min === "number" && min > max) issues.push({ path: `${at}.numeric.max`, message: `is ${max}, below min ${min}: swap them` });
    if (n.quantiles !== undefined) {
      if (!Array.isArray(n.quantiles)) issues.push({ path: `${at}.numeric.quantiles`, message: "is not an array: give training quantiles as numbers, or leave it out" });
      else {
        const bad = n.quantiles.findIndex((q) => typeof q !== "number" || !Number.isFinite(q));
        if (bad >= 0) issues.push({ path: `${at}.numeric.quantiles[${bad}]`, message: `is ${String(n.quantiles[bad])}: give finite numbers` });
      }
    }
    if (typeof f.base !== "number" || !Number.isFinite(f.base)) issues.push({ path: `${at}.base`, message: `is ${String(f.base)}: give the neutral value (the training median, say), a finite number` });
  } else if (f.kind === "categorical") {
    const c = f.categorical;
    if (!isObject(c) || !Array.isArray(c.categories) || c.categories.length === 0) issues.push({ path: `${at}.categorical.categories`, message: "is missing or empty: give the training categories, most frequent first" });
    if (f.base === undefined || f.base === null) issues.push({ path: `${at}.base`, message: "is missing: give the neutral category (the most frequent one, say)" });
  } else {
    issues.push({ path: `${at}.kind`, message: `is ${JSON.stringify(f.kind) ?? "undefined"}: expected 'numeric' or 'categorical'` });
  }
}

function positiveInteger(issues: ValidationIssue[], path: string, value: unknown, fallback: number, least: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < least) {
    issues.push({ path, message: `is ${String(value)}: give an integer ≥ ${least} (${what})` });
    return fallback;
  }
  return value;
}

/** Numeric candidates: the quantiles and `steps` steps toward min and max, inside [min, max], never the instance's value. */
function numericCandidates(f: NumericContrastiveFeature, x: number, steps: number): Candidate[] {
  const { min, max, quantiles = [], integer = false } = f.numeric;
  const range = max > min ? max - min : 1;
  const values = new Set<number>();
  for (const q of quantiles) if (q >= min && q <= max) values.add(q);
  for (const end of [min, max]) {
    for (let j = 1; j <= steps; j++) {
      const v = x + ((end - x) * j) / steps;
      values.add(integer ? Math.round(v) : Number(v.toPrecision(12)));
    }
  }
  values.delete(x);
  return [...values]
    .filter((v) => v >= min && v <= max)
    .map((v) => ({ value: v, distance: Math.abs(v - x) / range }))
    .sort((a, b) => a.distance - b.distance || a.value - b.value);
}

/** The values feature `f` may be moved to from the instance's value `x`, nearest first. */
export function candidateValues(f: ContrastiveFeature, x: unknown, steps = CONTRASTIVE_STEPS): Candidate[] {
  if (f.kind === "numeric") return numericCandidates(f, x as number, steps);
  return f.categorical.categories.filter((c, j, all) => !sameValue(c, x) && all.findIndex((d) => sameValue(c, d)) === j).map((value) => ({ value, distance: 1 }));
}

/** Checks every field; throws one `ValidationError` listing all problems. */
export function checkContrastiveInput(input: ContrastiveInput): CheckedInput {
  const issues: ValidationIssue[] = [];
  if (!isObject(input)) throw new ValidationError("contrastive explanation input", [{ path: "", message: "is not an object: give { instance, features, predictedClass, score }" }]);
  const features = input.features;
  if (!Array.isArray(features) || features.length === 0) issues.push({ path: "features", message: "is missing or empty: give one entry per model input column, in the order of the instance's values" });
  else {
    const names = new Set<string>();
    features.forEach((f, i) => checkFeature(f, i, names, issues));
  }
  const n = Array.isArray(features) ? features.length : 0;
  if (!Array.isArray(input.instance)) issues.push({ path: "instance", message: "is not an array: give the scored row's values, one per feature" });
  else if (input.instance.length !== n && n > 0) issues.push({ path: "instance", message: `has ${input.instance.length} values but there are ${n} features: give one value per feature, in features order` });
  else if (n > 0 && !issues.length) {
    features.forEach((f, i) => {
      const v = input.instance[i];
      if (f.kind === "numeric" && (typeof v !== "number" || !Number.isFinite(v))) issues.push({ path: `instance[${i}]`, message: `is ${String(v)} for numeric feature '${f.name}': give a finite number` });
      if (f.kind === "categorical" && (v === undefined || v === null)) issues.push({ path: `instance[${i}]`, message: `is missing for categorical feature '${f.name}': give its category` });
    });
  }
  if (input.predictedClass === undefined || input.predictedClass === null) issues.push({ path: "predictedClass", message: "is missing: give the class the engine predicted for the instance" });
  if (typeof input.score !== "function") issues.push({ path: "score", message: "is not a function: give (rows) => Promise<{ predictions, probabilities? }>, one engine call per call" });
  if (input.classes !== undefined && (!Array.isArray(input.classes) || !input.classes.some((c) => sameValue(c, input.predictedClass)))) {
    issues.push({ path: "classes", message: "does not hold predictedClass: give the classes in probability-vector order, or leave it out" });
  }
  const maxEngineCalls = positiveInteger(issues, "maxEngineCalls", input.maxEngineCalls, CONTRASTIVE_MAX_ENGINE_CALLS, 1, "engine calls for both searches");
  const batchSize = positiveInteger(issues, "batchSize", input.batchSize, CONTRASTIVE_BATCH_SIZE, n + 2, "rows per call: the instance, the base row and one row per feature must fit in one");
  const steps = positiveInteger(issues, "steps", input.steps, CONTRASTIVE_STEPS, 1, "steps toward min and toward max per numeric feature");
  if (issues.length) throw new ValidationError("contrastive explanation input", issues);
  return {
    instance: input.instance,
    features,
    predictedClass: input.predictedClass,
    score: input.score,
    classes: input.classes,
    maxEngineCalls,
    batchSize,
    grid: features.map((f, i) => candidateValues(f, input.instance[i], steps)),
    base: features.map((f) => f.base),
  };
}

/** What the engine said about one row: its class, and the probabilities of the explained class and of its own class (null without probabilities). */
export interface ScoredRow {
  prediction: unknown;
  /** The probability of `predictedClass`. */
  probability: number | null;
  /** The probability of the row's own predicted class. */
  ownProbability: number | null;
}

/** Distances within this of each other are equal (they are sums of a few range-normalised moves). */
export const DISTANCE_TOLERANCE = 1e-12;
