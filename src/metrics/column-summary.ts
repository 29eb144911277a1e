/**
 * What the monitors keep of one training column, so that no run needs the training rows again (v1's `TrainingStats`
 * role): for a numeric column its count, range, mean, standard deviation and a histogram over fine bins whose edges
 * are training quantiles (every distinct value when there are few), from which drift tests, PSI bins, LIME's
 * quartiles and fairness's value draws are all derived; for a categorical column each category's count.
 */

/** Quantile edges kept per numeric column: 1,000 bins of 0.1 % of the training rows each (fewer where values tie). */
export const FINE_BINS = 1000;
/** A numeric column with at most this many distinct values keeps each value as an edge: its histogram is exact. */
export const DISCRETE_LIMIT = 50;

export interface NumericSummary {
  kind: "numeric";
  /** Rows with a value (missing and non-finite values are counted apart). */
  count: number;
  missing: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1), 0 for a single value. */
  std: number;
  /** Every value is a whole number. */
  integral: boolean;
  /** Every distinct value is an edge (at most DISCRETE_LIMIT of them): histograms over the edges are exact. */
  discrete: boolean;
  /**
   * Sorted, distinct bin edges, the minimum first and the maximum last. Buckets are those of SQL's
   * `width_bucket(x, edges)`: `counts[0]` counts x < edges[0], `counts[k]` edges[k-1] ≤ x < edges[k], and
   * `counts[edges.length]` x ≥ the last edge; so `counts.length === edges.length + 1`, and Σ counts[0..k] / count is
   * P(X < edges[k]) for any sample binned the same way (the payload's, in SQL).
   */
  edges: number[];
  counts: number[];
  /** Sum of the values in each bucket: with `counts`, each bucket's mean (where its mass sits, for distances). */
  sums: number[];
  /** Training quartiles (25 %, 50 %, 75 %, numpy's linear interpolation), as LIME's discretiser takes them. */
  quartiles: [number, number, number];
}

export interface CategoricalSummary {
  kind: "categorical";
  count: number;
  missing: number;
  /** Categories by count, most frequent first (ties by value), as strings. */
  categories: { value: string; count: number }[];
}

export type ColumnSummary = NumericSummary | CategoricalSummary;

/** Numeric value of a cell, NaN when missing or not a finite number. */
export function numberOf(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : NaN;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

/** Linear-interpolated quantile of sorted values (numpy's default `method="linear"`). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function summarizeNumeric(values: ArrayLike<unknown>): NumericSummary {
  const finite: number[] = [];
  let missing = 0;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const n = numberOf(values[i]);
    if (Number.isNaN(n)) missing++;
    else {
      finite.push(n);
      if (!Number.isInteger(n)) integral = false;
    }
  }
  const sorted = Float64Array.from(finite).sort();
  const count = sorted.length;
  if (count === 0) return { kind: "numeric", count, missing, min: NaN, max: NaN, mean: NaN, std: NaN, integral, discrete: true, edges: [], counts: [0], sums: [0], quartiles: [NaN, NaN, NaN] };
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / count;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) * (v - mean);
  const distinct: number[] = [];
  for (let i = 0; i < count && distinct.length <= DISCRETE_LIMIT; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  const discrete = distinct.length <= DISCRETE_LIMIT;
  const edges = discrete ? distinct : quantileEdges(sorted);
  const { counts, sums } = binCounts(sorted, edges);
  return {
    kind: "numeric",
    count,
    missing,
    min: sorted[0]!,
    max: sorted[count - 1]!,
    mean,
    std: count > 1 ? Math.sqrt(squares / (count - 1)) : 0,
    integral,
    discrete,
    edges,
    counts,
    sums,
    quartiles: [sortedQuantile(sorted, 0.25), sortedQuantile(sorted, 0.5), sortedQuantile(sorted, 0.75)],
  };
}

export function summarizeCategorical(values: ArrayLike<unknown>): CategoricalSummary {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v))) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const categories = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { kind: "categorical", count: values.length - missing, missing, categories };
}

/** Distinct order statistics at i/FINE_BINS, i = 0..FINE_BINS (the minimum first, the maximum last). */
function quantileEdges(sorted: Float64Array): number[] {
  const edges: number[] = [];
  for (let i = 0; i <= FINE_BINS; i++) {
    const v = sorted[Math.round((i * (sorted.length - 1)) / FINE_BINS)]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  return edges;
}

/** SQL's width_bucket(x, edges): how many edges are ≤ x (edges sorted ascending). */
export function bucketOf(x: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts and sums of sorted values per width_bucket bucket of `edges` (edges.length + 1 buckets). */
export function binCounts(sorted: ArrayLike<number>, edges: readonly number[]): { counts: number[]; sums: number[] } {
  const counts = new Array<number>(edges.length + 1).fill(0);
  const sums = new Array<number>(edges.length + 1).fill(0);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    while (k < edges.length && edges[k]! <= v) k++;
    counts[k]!++;
    sums[k]! += v;
  }
  return { counts, sums };
}
