/**
 * The first Wasserstein distance W₁ = ∫ |F_ref(x) − F_cur(x)| dx between two empirical distributions
 * (scipy.stats.wasserstein_distance), and the population standard deviation Evidently divides it by. From raw values
 * (sorted once, O(n log n)) or from counts on shared support points, which is exact for data with that support.
 * Between consecutive distinct pooled values the CDF difference is constant, so the integral is a sum of
 * rectangles; a compensated sum keeps it accurate over millions of them.
 */
import { CompensatedSum, type NumericArray } from "../input";
import { checkCountsOnSupport, type CountsOnSupport } from "./ks";
import { DriftInput, sortedCopy } from "./samples";

/** W₁ over two samples sorted ascending. */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  const area = new CompensatedSum();
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! === v) i++;
    while (j < n2 && b[j]! === v) j++;
    if (i === n1 && j === n2) break;
    const next = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    area.add(Math.abs(i / n1 - j / n2) * (next - v));
  }
  return area.value;
}

/** scipy.stats.wasserstein_distance(u, v) (unweighted): every value finite, neither sample empty. */
export function wassersteinDistance(u: NumericArray, v: NumericArray): number {
  const input = new DriftInput("Wasserstein input");
  input.finiteSample("reference", u);
  input.finiteSample("current", v);
  input.check();
  return wassersteinSorted(sortedCopy(u), sortedCopy(v));
}

/** W₁ of data given as counts on shared support points: the same value as on the expanded data. */
export function wassersteinFromCounts(input: CountsOnSupport): number {
  const { n1, n2 } = checkCountsOnSupport("Wasserstein counts", input);
  const area = new CompensatedSum();
  let c1 = 0;
  let c2 = 0;
  for (let k = 0; k + 1 < input.support.length; k++) {
    c1 += input.referenceCounts[k]!;
    c2 += input.currentCounts[k]!;
    area.add(Math.abs(c1 / n1 - c2 / n2) * (input.support[k + 1]! - input.support[k]!));
  }
  return area.value;
}

/** numpy.std (population, ddof = 0) of values, optionally weighted by counts; two passes for accuracy. */
export function populationStd(values: NumericArray, weights?: NumericArray): number {
  const sum = new CompensatedSum();
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    sum.add(w * values[i]!);
    n += w;
  }
  const mean = sum.value / n;
  const squares = new CompensatedSum();
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    squares.add((weights ? weights[i]! : 1) * d * d);
  }
  return Math.sqrt(squares.value / n);
}
