/**
 * What LIME's tabular explainer keeps of the training data, as a plain serialisable object: per numeric feature,
 * lime's QuartileDiscretizer (bin edges np.unique(np.percentile(x, [25, 50, 75])) and each bin's count, mean, std, min
 * and max, which `undiscretize` samples from); per categorical feature, its values and their counts. The service
 * stores it with the training statistics and hands it back to `limeSample`.
 * Follows marcotcr/lime: lime/discretize.py (BaseDiscretizer.__init__, QuartileDiscretizer.bins) and
 * lime/lime_tabular.py (LimeTabularExplainer.__init__: feature_values, feature_frequencies).
 */
import { ValidationError, type ValidationIssue } from "../../errors";
import { CompensatedSum } from "../input";

/** A value of a feature: a number, or a category's label. */
export type LimeValue = number | string;

export interface LimeNumericFeature {
  name: string;
  type: "numeric";
  /** Bin edges, strictly ascending, 1–3 of them. Bin 0 is x ≤ edges[0], bin i is edges[i−1] < x ≤ edges[i], the last x > the last edge. */
  edges: number[];
  /** Per bin (edges.length + 1 entries each): training rows in it, */
  counts: number[];
  /** their mean (0 for an empty bin), */
  means: number[];
  /** their population standard deviation plus 1e-11, as lime keeps it (never 0), */
  stds: number[];
  /** and the bin's bounds: [column min, …edges] and [...edges, column max]. */
  mins: number[];
  maxs: number[];
}

export interface LimeCategoricalFeature {
  name: string;
  type: "categorical";
  /** The training values, sorted (numbers ascending, then strings by code point), as lime's sorted Counter. */
  values: LimeValue[];
  /** Training rows per value. */
  counts: number[];
}

export type LimeFeatureSummary = LimeNumericFeature | LimeCategoricalFeature;

export interface LimeTrainingSummary {
  /** Training rows the summary was computed from. */
  rows: number;
  /** In the order of the model's input fields. */
  features: LimeFeatureSummary[];
}

export interface LimeTrainingColumn {
  name: string;
  values: ArrayLike<number> | readonly (LimeValue | null | undefined)[];
  /** Treat as categorical; a column holding any string is categorical anyway. */
  categorical?: boolean;
}

/** lime keeps std + 1e-11 so that no bin has a zero spread (discretize.py, BaseDiscretizer.__init__). */
export const LIME_STD_EPSILON = 1e-11;

/** The LIME summary of raw training columns, all of the same length (at least 1 row). */
export function limeTrainingSummary(columns: readonly LimeTrainingColumn[]): LimeTrainingSummary {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(columns) || columns.length === 0) throw new ValidationError("LIME training columns", [{ path: "columns", message: "give at least one column: { name, values }" }]);
  const rows = columns[0]?.values?.length ?? 0;
  if (rows === 0) issues.push({ path: `columns[0].values`, message: "is empty: LIME needs at least one training row" });
  const seen = new Set<string>();
  columns.forEach((c, j) => {
    if (typeof c?.name !== "string" || c.name === "") issues.push({ path: `columns[${j}].name`, message: "give the feature's name" });
    else if (seen.has(c.name)) issues.push({ path: `columns[${j}].name`, message: `'${c.name}' appears twice: give each feature once` });
    else seen.add(c.name);
    if (!c?.values || typeof c.values.length !== "number") issues.push({ path: `columns[${j}].values`, message: "give one value per training row" });
    else if (c.values.length !== rows) issues.push({ path: `columns[${j}].values`, message: `has ${c.values.length} values but columns[0] has ${rows}: give one value per training row` });
  });
  if (issues.length) throw new ValidationError("LIME training columns", issues);
  const features = columns.map((c, j): LimeFeatureSummary => {
    const values = Array.from(c.values as ArrayLike<LimeValue | null | undefined>);
    const categorical = c.categorical === true || values.some((v) => typeof v === "string");
    const where = `columns[${j}].values`;
    if (categorical) {
      const bad = values.findIndex((v) => !(typeof v === "string" || (typeof v === "number" && Number.isFinite(v))));
      if (bad >= 0) issues.push({ path: `${where}[${bad}]`, message: `is ${String(values[bad])}: a categorical value must be a string or a finite number (fill or drop missing rows first)` });
      return categoricalSummary(c.name, values as LimeValue[]);
    }
    const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) {
      issues.push({ path: `${where}[${bad}]`, message: `is ${String(values[bad])}: a numeric value must be a finite number (fill or drop missing rows first, or mark the column categorical)` });
      return { name: c.name, type: "numeric", edges: [], counts: [], means: [], stds: [], mins: [], maxs: [] };
    }
    return numericSummary(c.name, Float64Array.from(values as number[]));
  });
  if (issues.length) throw new ValidationError("LIME training columns", issues);
  return { rows, features };
}

/** numpy's default (linear) percentile of sorted values, as np.percentile computes it (numpy/lib/function_base.py, _lerp). */
export function percentileOfSorted(sorted: ArrayLike<number>, percent: number): number {
  const n = sorted.length;
  const h = (n - 1) * (percent / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** The bin of x: the number of edges below it (np.searchsorted(edges, x), side 'left'). */
export function limeBin(edges: ArrayLike<number>, x: number): number {
  let k = 0;
  while (k < edges.length && edges[k]! < x) k++;
  return k;
}

/** lime's names of a numeric feature's bins: "Age <= 25.00", "25.00 < Age <= 35.00", …, "Age > 45.00". */
export function limeBinNames(name: string, edges: readonly number[]): string[] {
  const names = [`${name} <= ${formatFixed2(edges[0]!)}`];
  for (let i = 0; i + 1 < edges.length; i++) names.push(`${formatFixed2(edges[i]!)} < ${name} <= ${formatFixed2(edges[i + 1]!)}`);
  names.push(`${name} > ${formatFixed2(edges[edges.length - 1]!)}`);
  return names;
}

/** lime's name of one feature of the explained instance: its bin's name, or "Sex=female". */
export function limeFeatureName(feature: LimeFeatureSummary, value: LimeValue): string {
  return feature.type === "numeric" ? limeBinNames(feature.name, feature.edges)[limeBin(feature.edges, value as number)]! : `${feature.name}=${String(value)}`;
}

/** Python's '%.2f' % x: the exact binary value rounded to 2 decimals, ties to even (JavaScript's toFixed breaks ties upward). */
export function formatFixed2(x: number): string {
  if (Object.is(x, -0)) return "-0.00";
  const text = x.toFixed(2);
  // An exact tie at 2 decimals is a multiple of 1/8 that is not one of 1/4 (x.125, x.375, x.625, x.875).
  if (Math.abs(x) < 2 ** 40 && Number.isInteger(x * 8) && !Number.isInteger(x * 4)) {
    const lower = Math.floor(x * 100);
    const n = lower % 2 === 0 ? lower : lower + 1;
    const sign = n < 0 || (n === 0 && x < 0) ? "-" : "";
    const m = Math.abs(n);
    return `${sign}${Math.floor(m / 100)}.${String(m % 100).padStart(2, "0")}`;
  }
  return text;
}

function numericSummary(name: string, column: Float64Array): LimeNumericFeature {
  const sorted = Float64Array.from(column).sort();
  const edges = [...new Set([25, 50, 75].map((p) => percentileOfSorted(sorted, p)))].sort((a, b) => a - b);
  const bins = edges.length + 1;
  const sums = Array.from({ length: bins }, () => new CompensatedSum());
  const counts = new Array<number>(bins).fill(0);
  const binOf = new Uint8Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const k = limeBin(edges, column[i]!);
    binOf[i] = k;
    counts[k]!++;
    sums[k]!.add(column[i]!);
  }
  const means = counts.map((n, k) => (n === 0 ? 0 : sums[k]!.value / n));
  const squares = Array.from({ length: bins }, () => new CompensatedSum());
  for (let i = 0; i < column.length; i++) {
    const d = column[i]! - means[binOf[i]!]!;
    squares[binOf[i]!]!.add(d * d);
  }
  const stds = counts.map((n, k) => (n === 0 ? 0 : Math.sqrt(squares[k]!.value / n)) + LIME_STD_EPSILON);
  return { name, type: "numeric", edges, counts, means, stds, mins: [sorted[0]!, ...edges], maxs: [...edges, sorted[sorted.length - 1]!] };
}

function categoricalSummary(name: string, column: readonly LimeValue[]): LimeCategoricalFeature {
  const counts = new Map<LimeValue, number>();
  for (const v of column) counts.set(v, (counts.get(v) ?? 0) + 1);
  const values = [...counts.keys()].sort(compareValues);
  return { name, type: "categorical", values, counts: values.map((v) => counts.get(v)!) };
}

/** Numbers ascending, then strings by code point (Python's order for str). */
export function compareValues(a: LimeValue, b: LimeValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Every problem of a summary handed back by the service (stored statistics may be stale or hand-made). */
export function limeSummaryIssues(summary: LimeTrainingSummary | undefined): ValidationIssue[] {
  if (!summary || !Array.isArray(summary.features) || summary.features.length === 0) return [{ path: "summary.features", message: "give one summary per feature (limeTrainingSummary computes it)" }];
  const issues: ValidationIssue[] = [];
  summary.features.forEach((f, j) => {
    const at = `summary.features[${j}]`;
    const positiveTotal = (counts: unknown) => Array.isArray(counts) && counts.every((n) => Number.isFinite(n) && n >= 0) && counts.some((n) => n > 0);
    if (f?.type === "numeric") {
      const k = Array.isArray(f.edges) ? f.edges.length : 0;
      if (k < 1 || !f.edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > f.edges[i - 1]!))) issues.push({ path: `${at}.edges`, message: "must hold 1–3 finite, strictly ascending bin edges" });
      for (const key of ["counts", "means", "stds", "mins", "maxs"] as const) {
        const v = f[key];
        if (!Array.isArray(v) || v.length !== k + 1 || !v.every(Number.isFinite)) issues.push({ path: `${at}.${key}`, message: `must hold ${k + 1} finite numbers, one per bin` });
      }
      if (!positiveTotal(f.counts)) issues.push({ path: `${at}.counts`, message: "must be counts ≥ 0, at least one of them > 0" });
      if (Array.isArray(f.stds) && !f.stds.every((s) => s > 0)) issues.push({ path: `${at}.stds`, message: "must be > 0 (lime adds 1e-11)" });
      if (Array.isArray(f.mins) && Array.isArray(f.maxs) && !f.mins.every((m, i) => m <= f.maxs[i]!)) issues.push({ path: `${at}.mins`, message: "each bin's min must not exceed its max" });
    } else if (f?.type === "categorical") {
      if (!Array.isArray(f.values) || !Array.isArray(f.counts) || f.values.length === 0 || f.values.length !== f.counts.length) issues.push({ path: `${at}.values`, message: "give one or more values and one count per value" });
      else if (!positiveTotal(f.counts)) issues.push({ path: `${at}.counts`, message: "must be counts ≥ 0, at least one of them > 0" });
    } else issues.push({ path: `${at}.type`, message: "must be 'numeric' or 'categorical'" });
  });
  return issues;
}
