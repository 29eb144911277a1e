/**
 * The two-sample Kolmogorov–Smirnov test, scipy.stats.ks_2samp(reference, current) with alternative='two-sided'
 * and method='auto': D = sup |F_ref − F_cur| over the empirical CDFs, evaluated after every run of tied values
 * (SciPy's searchsorted(side='right')), and its p-value from ks-pvalue.ts. Both samples are sorted once
 * (O(n log n), typed arrays) and walked together in one linear merge.
 *
 * `ksFromCounts` takes a quantized sample instead: shared sorted support points with a count per sample. It is exact
 * for data that take only those values (integers, rounded readings, histograms the service computed in SQL on the
 * distinct values); on coarser bins it is the KS statistic of the binned data, a lower bound on the raw one.
 */
import type { NumericArray } from "../input";
import { ksPValue, type KsMethod } from "./ks-pvalue";
import { DriftInput, sortedCopy } from "./samples";

export interface KsResult {
  /** D, the largest distance between the two empirical CDFs (snapped to h/lcm(n₁, n₂) in exact mode, as SciPy). */
  statistic: number;
  /** Two-sided p-value. */
  pvalue: number;
  /** How the p-value was computed. */
  method: KsMethod;
}

export interface KsOptions {
  /** 'auto' (default): exact when the larger sample has ≤ 10 000 values, asymptotic otherwise, as SciPy. */
  method?: "auto" | KsMethod;
}

/** D over two samples sorted ascending. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! === v) i++;
    while (j < n2 && b[j]! === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (-diff > minS) minS = -diff;
  }
  return minS > maxS ? minS : maxS;
}

/** scipy.stats.ks_2samp(reference, current): every value must be finite; neither sample may be empty. */
export function ksTwoSample(reference: NumericArray, current: NumericArray, options: KsOptions = {}): KsResult {
  const input = new DriftInput("KS input");
  input.finiteSample("reference", reference);
  input.finiteSample("current", current);
  input.check();
  const d = ksStatisticSorted(sortedCopy(reference), sortedCopy(current));
  return ksPValue(d, reference.length, current.length, options.method);
}

/** Quantized samples: `support` strictly increasing, one count per support point and sample. */
export interface CountsOnSupport {
  support: NumericArray;
  referenceCounts: NumericArray;
  currentCounts: NumericArray;
}

/** Checks a CountsOnSupport and returns the two totals. */
export function checkCountsOnSupport(subject: string, input: CountsOnSupport): { n1: number; n2: number } {
  const check = new DriftInput(subject);
  const ok = check.support("support", input?.support);
  const length = ok ? input.support.length : null;
  check.counts("referenceCounts", input?.referenceCounts, length);
  check.counts("currentCounts", input?.currentCounts, length);
  check.check();
  let n1 = 0;
  let n2 = 0;
  for (let k = 0; k < input.support.length; k++) (n1 += input.referenceCounts[k]!), (n2 += input.currentCounts[k]!);
  return { n1, n2 };
}

/** ks_2samp on data given as counts on shared support points: the same D and p-value as on the expanded data. */
export function ksFromCounts(input: CountsOnSupport, options: KsOptions = {}): KsResult {
  const { n1, n2 } = checkCountsOnSupport("KS counts", input);
  let c1 = 0;
  let c2 = 0;
  let maxS = 0;
  let minS = 0;
  for (let k = 0; k < input.support.length; k++) {
    c1 += input.referenceCounts[k]!;
    c2 += input.currentCounts[k]!;
    const diff = c1 / n1 - c2 / n2;
    if (diff > maxS) maxS = diff;
    if (-diff > minS) minS = -diff;
  }
  return ksPValue(minS > maxS ? minS : maxS, n1, n2, options.method);
}
