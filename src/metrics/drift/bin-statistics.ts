/**
 * The drift statistics that need only counts over shared bins — so the service can compute them from histograms
 * built in SQL as well as from raw rows: Pearson's χ² as Evidently applies it, the two-proportion z-test, the
 * Jensen–Shannon distance and PSI. Bins empty in both samples are skipped: they are not categories of either sample
 * (Evidently never creates them), and χ² would divide 0 by 0 on them.
 */
import { CompensatedSum, type NumericArray } from "../input";
import { chiSquaredSurvival, normalSurvival } from "./special-functions";

export interface BinTestValue {
  statistic: number;
  pvalue: number | null;
  notes: string[];
}

function total(counts: NumericArray): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  return n;
}

/** Indices of the bins with a value in either sample. */
function usedBins(ref: NumericArray, cur: NumericArray): number[] {
  const used: number[] = [];
  for (let i = 0; i < ref.length; i++) if (ref[i]! > 0 || cur[i]! > 0) used.push(i);
  return used;
}

/**
 * Evidently's χ² test (`chisquare_stattest.py`): scipy.stats.chisquare(f_obs = current counts, f_exp = reference
 * counts × n_cur/n_ref), df = bins − 1. One bin only: χ² is undefined (SciPy gives NaN); reported as 0 with p = 1,
 * since both samples have the same single category. A category the reference never had makes f_exp 0: χ² = ∞, p = 0.
 */
export function chiSquareFromCounts(ref: NumericArray, cur: NumericArray): BinTestValue {
  const used = usedBins(ref, cur);
  if (used.length < 2) return { statistic: 0, pvalue: 1, notes: ["one category in both samples: nothing can have drifted (χ² undefined; statistic 0, p-value 1)"] };
  const kNorm = total(cur) / total(ref);
  const stat = new CompensatedSum();
  let unseen = 0;
  for (const i of used) {
    const expected = ref[i]! * kNorm;
    const diff = cur[i]! - expected;
    if (expected === 0) unseen++;
    stat.add((diff * diff) / expected);
  }
  const statistic = unseen ? Infinity : stat.value;
  const notes = unseen ? [`${unseen} current categor${unseen === 1 ? "y" : "ies"} never seen in the reference: expected count 0, χ² = ∞, p-value 0`] : [];
  return { statistic, pvalue: unseen ? 0 : chiSquaredSurvival(statistic, used.length - 1), notes };
}

/**
 * Evidently's two-proportion z-test (`z_stattest.py`, proportions_diff_z_stat_ind): the share of values that are not
 * the first category (sorted order; for counts, the first non-empty bin), pooled standard error, two-sided p-value.
 * Evidently writes the p-value as 2·(1 − Φ(|z|)), which rounds to 0 beyond |z| ≈ 8.3; here it is 2·Φ̄(|z|) from the
 * upper tail directly — equal where Evidently's is not 0, and never 0 where it is only tiny.
 * One category in both samples: p = 1 (Evidently's special case), statistic 0.
 */
export function zTestFromCounts(ref: NumericArray, cur: NumericArray): BinTestValue {
  const used = usedBins(ref, cur);
  if (used.length < 2) return { statistic: 0, pvalue: 1, notes: ["one category in both samples: nothing can have drifted (z-test p-value 1, as Evidently)"] };
  const n1 = total(ref);
  const n2 = total(cur);
  const first = used[0]!;
  const notes = used.length > 2 ? [`${used.length} categories: the z-test compares the first category against all the others`] : [];
  const p1 = (n1 - ref[first]!) / n1;
  const p2 = (n2 - cur[first]!) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pvalue: Math.min(1, 2 * normalSurvival(Math.abs(z))), notes };
}

/** Σ x·log(x/y) over x > 0 (scipy.special.rel_entr summed), natural log. */
function relativeEntropy(p: Float64Array, m: Float64Array): number {
  const s = new CompensatedSum();
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) s.add(p[i]! * Math.log(p[i]! / m[i]!));
  return s.value;
}

/**
 * scipy.spatial.distance.jensenshannon(p, q, base): both normalized to sum 1, JS distance = √(½KL(p‖m) + ½KL(q‖m))
 * with m = (p+q)/2. Base 2 (the default here) puts it in [0, 1]; Evidently calls it with the natural log (base e,
 * range [0, √ln 2 ≈ 0.833]), so the same data give a value 1/√ln 2 ≈ 1.20 times Evidently's, and its 0.1 threshold
 * is slightly stricter here.
 */
export function jensenShannonDistance(ref: NumericArray, cur: NumericArray, base = 2): number {
  const n1 = total(ref);
  const n2 = total(cur);
  const p = Float64Array.from(ref, (v) => v / n1);
  const q = Float64Array.from(cur, (v) => v / n2);
  const m = Float64Array.from(p, (v, i) => (v + q[i]!) / 2);
  let js = relativeEntropy(p, m) + relativeEntropy(q, m);
  js /= Math.log(base);
  return Math.sqrt(Math.max(0, js / 2));
}

/** How zero proportions are replaced before PSI takes their log. */
export type PsiEpsilon = number | "evidently";

/** The default replacement for a zero proportion: 1e-4, i.e. 0.01 %. */
export const PSI_EPSILON = 1e-4;

function fillZeros(shares: Float64Array, epsilon: PsiEpsilon): void {
  let fill = typeof epsilon === "number" ? epsilon : 0;
  if (epsilon === "evidently") {
    // Evidently's get_binned_data(feel_zeroes=True): min non-zero share / 10⁶ if that share is ≤ 1e-4, else 1e-4.
    let min = Infinity;
    for (const s of shares) if (s !== 0 && s < min) min = s;
    fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  }
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
}

/**
 * PSI = Σ (ref_i − cur_i)·ln(ref_i / cur_i) over bin shares (count / sample size), every zero share replaced by
 * `epsilon` first (default 1e-4; "evidently" applies Evidently's rule). The replaced shares no longer sum to exactly
 * 1; that is the convention (Evidently's too).
 */
export function psiFromCounts(ref: NumericArray, cur: NumericArray, epsilon: PsiEpsilon = PSI_EPSILON): number {
  const used = usedBins(ref, cur);
  const n1 = total(ref);
  const n2 = total(cur);
  const r = Float64Array.from(used, (i) => ref[i]! / n1);
  const c = Float64Array.from(used, (i) => cur[i]! / n2);
  fillZeros(r, epsilon);
  fillZeros(c, epsilon);
  const s = new CompensatedSum();
  for (let i = 0; i < r.length; i++) s.add((r[i]! - c[i]!) * Math.log(r[i]! / c[i]!));
  return s.value;
}
