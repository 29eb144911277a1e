/**
 * Feature drift from what the drift monitor keeps and computes in SQL: a training column's summary (column-summary.ts)
 * against the payload window's histogram over the same buckets. The test is chosen or forced as in drift/; numeric
 * features are compared on support points, one per bucket and sample at the bucket's mean, so discrete features
 * (every distinct value its own bucket) are tested exactly, and continuous ones to within one bucket's mass (0.1 %
 * of the training rows) for KS and one bucket's width for Wasserstein. Also a coarse paired histogram for charts.
 */
import type { ColumnSummary } from "./column-summary";
import { driftTestFromCounts, type DriftMethod } from "./drift/index";

/** The payload window's histogram of one column, as the service computes it (SQL width_bucket, or a count per value). */
export type CurrentHistogram =
  | { kind: "numeric"; counts: number[]; sums: number[]; min: number | null; max: number | null; missing: number }
  | { kind: "categorical"; counts: Map<string, number>; missing: number };

export interface FeatureDriftResult {
  kind: "numeric" | "categorical";
  method: DriftMethod;
  /** "auto" when Evidently's rule chose the method, "forced" when the configuration named it. */
  selection: "auto" | "forced";
  statistic: number;
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  reference_rows: number;
  current_rows: number;
  /** Payload rows without a value (not tested). */
  missing: number;
  notes: string[];
  /** Categories of the payload never seen in training, most frequent first (at most 10). */
  unseen_categories?: { value: string; count: number }[];
  /** Shares of training and payload rows over at most COARSE_BINS bins, for the chart. */
  histogram: { labels: string[]; reference: number[]; current: number[] };
}

/** Bins of the chart's histogram. */
export const COARSE_BINS = 10;

export function featureDrift(reference: ColumnSummary, current: CurrentHistogram, options: { method: DriftMethod | "auto"; threshold?: number }): FeatureDriftResult {
  const o = { method: options.method, ...(options.threshold !== undefined ? { threshold: options.threshold } : {}) };
  if (reference.kind === "categorical" || current.kind === "categorical") return categoricalDrift(reference, current, o);
  return numericDrift(reference, current, o);
}

function categoricalDrift(reference: ColumnSummary, current: CurrentHistogram, o: { method: DriftMethod | "auto"; threshold?: number }): FeatureDriftResult {
  const ref = reference.kind === "categorical" ? new Map(reference.categories.map((c) => [c.value, c.count])) : new Map<string, number>();
  const cur = current.kind === "categorical" ? current.counts : new Map<string, number>();
  const values = [...new Set([...ref.keys(), ...cur.keys()])].sort((a, b) => (ref.get(b) ?? 0) - (ref.get(a) ?? 0) || (cur.get(b) ?? 0) - (cur.get(a) ?? 0) || (a < b ? -1 : 1));
  const test = driftTestFromCounts({ kind: "categorical", referenceCounts: values.map((v) => ref.get(v) ?? 0), currentCounts: values.map((v) => cur.get(v) ?? 0), ...o });
  const unseen = [...cur].filter(([v]) => !ref.has(v)).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([value, count]) => ({ value, count }));
  const shown = values.length > COARSE_BINS ? values.slice(0, COARSE_BINS - 1) : values;
  const share = (m: Map<string, number>, total: number) => {
    const s = shown.map((v) => (m.get(v) ?? 0) / Math.max(1, total));
    if (values.length > COARSE_BINS) s.push(1 - s.reduce((a, b) => a + b, 0));
    return s;
  };
  return {
    kind: "categorical",
    ...verdict(test),
    reference_rows: test.rows.reference,
    current_rows: test.rows.current,
    missing: current.missing,
    ...(unseen.length ? { unseen_categories: unseen } : {}),
    histogram: { labels: values.length > COARSE_BINS ? [...shown, "other"] : shown, reference: share(ref, test.rows.reference), current: share(cur, test.rows.current) },
  };
}

function numericDrift(reference: Extract<ColumnSummary, { kind: "numeric" }>, current: Extract<CurrentHistogram, { kind: "numeric" }>, o: { method: DriftMethod | "auto"; threshold?: number }): FeatureDriftResult {
  // One support point per bucket and sample, at the bucket's mean; merged in order (buckets do not overlap).
  const points: { x: number; r: number; c: number }[] = [];
  for (let k = 0; k < reference.counts.length; k++) {
    const r = reference.counts[k] ?? 0;
    const c = current.counts[k] ?? 0;
    const rx = r ? reference.sums[k]! / r : NaN;
    const cx = c ? current.sums[k]! / c : NaN;
    const pair = [r ? { x: rx, r, c: 0 } : undefined, c ? { x: cx, r: 0, c } : undefined].filter((p): p is { x: number; r: number; c: number } => p !== undefined);
    pair.sort((a, b) => a.x - b.x);
    for (const p of pair) {
      const last = points[points.length - 1];
      // Buckets do not overlap, so means only tie (or, by rounding, cross) within one: such points are merged.
      if (last && p.x <= last.x) (last.r += p.r), (last.c += p.c);
      else points.push(p);
    }
  }
  const test = driftTestFromCounts({ kind: "numeric", support: points.map((p) => p.x), referenceCounts: points.map((p) => p.r), currentCounts: points.map((p) => p.c), ...o });
  return { kind: "numeric", ...verdict(test), reference_rows: test.rows.reference, current_rows: test.rows.current, missing: current.missing, histogram: coarseHistogram(reference, current) };
}

function verdict(test: ReturnType<typeof driftTestFromCounts>) {
  return { method: test.method, selection: test.selection, statistic: test.statistic, p_value: test.pvalue, threshold: test.threshold, drifted: test.drifted, notes: test.notes };
}

/** Buckets grouped into about COARSE_BINS bins of equal training mass; payload below the minimum or above the maximum lands in the end bins. */
function coarseHistogram(reference: Extract<ColumnSummary, { kind: "numeric" }>, current: Extract<CurrentHistogram, { kind: "numeric" }>): FeatureDriftResult["histogram"] {
  const total = Math.max(1, reference.count);
  const groups: number[][] = [];
  let cumulative = 0;
  let group: number[] = [];
  for (let k = 0; k < reference.counts.length; k++) {
    group.push(k);
    cumulative += reference.counts[k]!;
    if (cumulative / total >= (groups.length + 1) / COARSE_BINS && k < reference.counts.length - 1) {
      groups.push(group);
      group = [];
    }
  }
  if (group.length) groups.push(group);
  const curTotal = Math.max(1, current.counts.reduce((a, b) => a + b, 0));
  const edges = reference.edges;
  const label = (g: number[]) => {
    const lo = g[0]! === 0 ? "−∞" : formatEdge(edges[g[0]! - 1]!);
    const hi = g[g.length - 1]! >= edges.length ? "+∞" : formatEdge(edges[g[g.length - 1]!]!);
    return `[${lo}, ${hi})`;
  };
  return {
    labels: groups.map(label),
    reference: groups.map((g) => g.reduce((s, k) => s + reference.counts[k]!, 0) / total),
    current: groups.map((g) => g.reduce((s, k) => s + (current.counts[k] ?? 0), 0) / curTotal),
  };
}

function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
