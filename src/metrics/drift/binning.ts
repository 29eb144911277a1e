/**
 * Turning two raw samples into counts over shared bins, for the tests that compare distributions bin by bin
 * (PSI, Jensen–Shannon, χ², z). Three rules:
 *  - categories: one bin per value seen in either sample (Evidently's `get_unique_not_nan_values_list_from_series`);
 *  - Evidently's numeric rule (`legacy/calculations/stattests/utils.py`, get_binned_data): more than 20 distinct
 *    reference values → numpy's Sturges edges over both samples combined; otherwise one bin per value;
 *  - reference quantiles (this toolkit's PSI default, the credit-risk convention): edges at the reference's
 *    1/B … (B−1)/B quantiles (numpy's 'linear' method), duplicates removed, bins (−∞, e₁], (e₁, e₂], …, (e_k, ∞).
 *    The outer bins are open, so current values beyond the reference's range are counted, not lost.
 */
import type { NumericArray } from "../input";
import { isMissingCategory, type Category } from "./samples";

export interface BinnedCounts {
  /** One label per bin: the category, or a readable interval. */
  labels: string[];
  referenceCounts: Float64Array;
  currentCounts: Float64Array;
}

/** A Map key that keeps 1 and "1" apart. */
function keyOf(v: Category): string {
  return `${typeof v}:${String(v)}`;
}

/** Sort order of categories, as Python's sorted() on one type: numbers numerically, strings by code point. */
export function compareCategories(a: Category, b: Category): number {
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  if (typeof a === "number") return a - (b as number);
  if (typeof a === "boolean") return Number(a) - Number(b);
  return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
}

/** Counts per category over the union of both samples' categories, in sorted category order. */
export function categoryCounts(reference: ArrayLike<unknown>, current: ArrayLike<unknown>): BinnedCounts & { categories: Category[] } {
  const bins = new Map<string, { value: Category; ref: number; cur: number }>();
  const count = (values: ArrayLike<unknown>, which: "ref" | "cur") => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (isMissingCategory(v)) continue;
      const key = keyOf(v as Category);
      let bin = bins.get(key);
      if (!bin) bins.set(key, (bin = { value: v as Category, ref: 0, cur: 0 }));
      bin[which]++;
    }
  };
  count(reference, "ref");
  count(current, "cur");
  const sorted = [...bins.values()].sort((a, b) => compareCategories(a.value, b.value));
  return {
    categories: sorted.map((b) => b.value),
    labels: sorted.map((b) => String(b.value)),
    referenceCounts: Float64Array.from(sorted, (b) => b.ref),
    currentCounts: Float64Array.from(sorted, (b) => b.cur),
  };
}

/** Distinct values of a sorted array. */
export function distinctCount(sorted: Float64Array): number {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) k++;
  return k;
}

/** numpy.histogram_bin_edges(values, bins='sturges'): ⌈ptp / (ptp/(log₂n + 1))⌉ equal bins, numpy.linspace edges. */
export function sturgesEdges(sortedValues: Float64Array): Float64Array {
  let first = sortedValues[0]!;
  let last = sortedValues[sortedValues.length - 1]!;
  if (first === last) (first -= 0.5), (last += 0.5);
  const width = (last - first) / (Math.log2(sortedValues.length) + 1);
  // numpy computes the width first and the bin count from it, which can round to one more bin; keep that.
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** numpy.histogram(sorted, edges) counts: [e_i, e_{i+1}) and the last bin closed; values outside are not counted. */
function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  let i = 0;
  while (i < sorted.length && sorted[i]! < edges[0]!) i++;
  for (let b = 0; b < counts.length; b++) {
    const isLast = b === counts.length - 1;
    const start = i;
    while (i < sorted.length && (sorted[i]! < edges[b + 1]! || (isLast && sorted[i]! === edges[b + 1]!))) i++;
    counts[b] = i - start;
  }
  return counts;
}

function numberCounts(ref: Float64Array, cur: Float64Array): BinnedCounts {
  const c = categoryCounts(ref, cur);
  return { labels: c.labels, referenceCounts: c.referenceCounts, currentCounts: c.currentCounts };
}

/** Evidently's get_binned_data for a numeric feature, from both samples sorted ascending (missing values dropped). */
export function evidentlyNumericBins(refSorted: Float64Array, curSorted: Float64Array): BinnedCounts & { edges: Float64Array | null } {
  if (distinctCount(refSorted) <= 20) return { ...numberCounts(refSorted, curSorted), edges: null };
  const combined = new Float64Array(refSorted.length + curSorted.length);
  combined.set(refSorted);
  combined.set(curSorted, refSorted.length);
  combined.sort();
  const edges = sturgesEdges(combined);
  const labels: string[] = [];
  for (let b = 0; b + 1 < edges.length; b++) labels.push(`[${edges[b]}, ${edges[b + 1]}${b + 2 === edges.length ? "]" : ")"}`);
  return { labels, referenceCounts: histogramSorted(refSorted, edges), currentCounts: histogramSorted(curSorted, edges), edges };
}

/** numpy.quantile(sorted, q) with the default 'linear' method, including numpy's two-sided lerp. */
export function quantileSorted(sorted: NumericArray, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const lo = Math.floor(virtual);
  const gamma = virtual - lo;
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Reference-quantile edges: the 1/B … (B−1)/B quantiles of the reference, ascending, duplicates removed. */
export function referenceQuantileEdges(refSorted: Float64Array, bins: number): Float64Array {
  const edges: number[] = [];
  for (let j = 1; j < bins; j++) {
    const e = quantileSorted(refSorted, j / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return Float64Array.from(edges);
}

/** Counts of a sorted sample in (−∞, e₁], (e₁, e₂], …, (e_k, ∞). */
function rightClosedCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let i = 0;
  for (let b = 0; b < edges.length; b++) {
    const start = i;
    while (i < sorted.length && sorted[i]! <= edges[b]!) i++;
    counts[b] = i - start;
  }
  counts[edges.length] = sorted.length - i;
  return counts;
}

/** Both samples counted in the reference-quantile bins. A constant reference gives two bins: ≤ its value and above. */
export function quantileBins(refSorted: Float64Array, curSorted: Float64Array, bins: number): BinnedCounts & { edges: Float64Array } {
  const edges = referenceQuantileEdges(refSorted, bins);
  const labels: string[] = [];
  for (let b = 0; b <= edges.length; b++) labels.push(`(${b === 0 ? "-∞" : edges[b - 1]}, ${b === edges.length ? "∞)" : `${edges[b]}]`}`);
  return { labels, referenceCounts: rightClosedCounts(refSorted, edges), currentCounts: rightClosedCounts(curSorted, edges), edges };
}
