import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  chiSquaredSurvival,
  driftTest,
  driftTestFromCounts,
  kolmogornSurvival,
  kolmogorov,
  ksFromCounts,
  ksTwoSample,
  normalSurvival,
  populationStd,
  quantileBins,
  wassersteinDistance,
  wassersteinFromCounts,
  type DriftTestInput,
  type DriftTestResult,
} from "../../src/metrics";
import { ValidationError } from "../../src/errors";

/** Written by test/reference/drift_metrics.py (SciPy's ks_2samp, chisquare, jensenshannon, wasserstein_distance…). */
interface NumericExpected {
  ks_auto: { statistic: number; pvalue: number };
  ks_auto_method: "exact" | "asymp";
  ks_asymp: { statistic: number; pvalue: number };
  wasserstein: number;
  std_reference: number;
  wasserstein_norm: number;
  jensenshannon_base2: number;
  jensenshannon_base_e: number;
  psi_quantile: number;
  psi_quantile_edges: number[];
  psi_evidently: number;
  distinct: number;
  auto: string;
  chisquare?: { statistic: number | "inf"; pvalue: number } | null;
  z?: { statistic: number; pvalue: number; pvalue_evidently: number };
}
interface CategoricalExpected {
  chisquare: { statistic: number | "inf"; pvalue: number } | null;
  z: { statistic: number; pvalue: number; pvalue_evidently: number };
  jensenshannon_base2: number;
  jensenshannon_base_e: number;
  psi_epsilon: number;
  psi_evidently: number;
  distinct: number;
  auto: string;
}
type Formula = [n: number, scale: number, shift: number, square: boolean];
interface Case {
  name: string;
  kind: "numeric" | "categorical";
  data: {
    reference?: (number | string)[];
    current?: (number | string)[];
    support?: number[];
    categories?: string[];
    reference_counts?: number[];
    current_counts?: number[];
    reference_formula?: Formula;
    current_formula?: Formula;
  };
  expected: NumericExpected & CategoricalExpected;
}
interface Reference {
  numpy_version: string;
  scipy_version: string;
  special: { kolmogorov: number[][]; kstwo_sf: number[][]; chi2_sf: number[][]; norm_sf: number[][] };
  cases: Case[];
}

const reference = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../reference/drift-metrics.json"), "utf8")) as Reference;

/** Within 1e-9 relative (SciPy's p-values and distances; the TypeScript reaches ≈ 1e-12), or 1e-300 absolute. */
function close(actual: number, expected: number, where: string, rel = 1e-9): void {
  const ok = actual === expected || Math.abs(actual - expected) <= Math.max(rel * Math.abs(expected), 1e-300);
  assert.ok(ok, `${where}: ${actual} ≠ ${expected} (relative error ${Math.abs(actual - expected) / Math.abs(expected)})`);
}

function expand<T>(values: T[], counts: number[]): T[] {
  const out: T[] = [];
  values.forEach((v, i) => {
    for (let k = 0; k < counts[i]!; k++) out.push(v);
  });
  return out;
}

/** The script's formula, with the same IEEE operations: scale · (i/n)[²] + shift. */
function formula([n, scale, shift, square]: Formula): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    let x = i / n;
    if (square) x = x * x;
    return scale * x + shift;
  });
}

function samples(c: Case): { ref: ArrayLike<number | string>; cur: ArrayLike<number | string> } {
  const d = c.data;
  if (d.reference_formula) return { ref: formula(d.reference_formula), cur: formula(d.current_formula!) };
  if (d.reference) return { ref: d.reference, cur: d.current! };
  const keys = (d.support ?? d.categories)!;
  return { ref: expand<number | string>(keys, d.reference_counts!), cur: expand<number | string>(keys, d.current_counts!) };
}

function checkChiSquare(chi: DriftTestResult, e: { statistic: number | "inf"; pvalue: number }): void {
  if (e.statistic === "inf") {
    assert.equal(chi.statistic, Infinity);
    assert.equal(chi.pvalue, 0);
    assert.equal(chi.drifted, true);
    assert.match(chi.notes.join(" "), /never seen in the reference/);
    return;
  }
  close(chi.statistic, e.statistic, "chisquare statistic", 1e-12);
  close(chi.pvalue!, e.pvalue, "chisquare p-value", 1e-10);
  assert.equal(chi.drifted, e.pvalue < 0.05);
}

describe("special functions against SciPy", () => {
  test("scipy.special.kolmogorov", () => {
    for (const [x, p] of reference.special.kolmogorov) close(kolmogorov(x!), p!, `kolmogorov(${x})`, 1e-12);
  });
  test("scipy.stats.kstwo.sf", () => {
    for (const [n, x, p] of reference.special.kstwo_sf) close(kolmogornSurvival(n!, x!), p!, `kstwo.sf(${x}, ${n})`, 1e-10);
  });
  test("scipy.stats.chi2.sf", () => {
    for (const [x, df, p] of reference.special.chi2_sf) close(chiSquaredSurvival(x!, df!), p!, `chi2.sf(${x}, ${df})`, 1e-11);
  });
  test("scipy.stats.norm.sf", () => {
    for (const [z, p] of reference.special.norm_sf) close(normalSurvival(z!), p!, `norm.sf(${z})`, 1e-12);
  });
});

describe("numeric drift against SciPy", () => {
  for (const c of reference.cases.filter((c) => c.kind === "numeric")) {
    test(c.name, () => {
      const e = c.expected;
      const { ref, cur } = samples(c) as { ref: ArrayLike<number>; cur: ArrayLike<number> };
      const run = (method: DriftTestInput["method"], extra: Partial<DriftTestInput> = {}) => driftTest({ kind: "numeric", reference: ref, current: cur, method, ...extra });

      const ks = run("ks");
      close(ks.statistic, e.ks_auto.statistic, "ks statistic");
      close(ks.pvalue!, e.ks_auto.pvalue, "ks p-value");
      assert.equal(ks.ksMethod, e.ks_auto_method);
      assert.equal(ks.drifted, e.ks_auto.pvalue <= 0.05);
      const asymp = ksTwoSample(ref, cur, { method: "asymp" });
      close(asymp.statistic, e.ks_asymp.statistic, "ks asymp statistic");
      close(asymp.pvalue, e.ks_asymp.pvalue, "ks asymp p-value");

      close(wassersteinDistance(ref, cur), e.wasserstein, "wasserstein_distance", 1e-12);
      close(populationStd(ref), e.std_reference, "np.std", 1e-12);
      const w = run("wasserstein");
      close(w.statistic, e.wasserstein_norm, "wasserstein norm", 1e-12);
      assert.equal(w.pvalue, null);

      close(run("jensenshannon").statistic, e.jensenshannon_base2, "jensenshannon base 2", 1e-12);
      close(run("jensenshannon", { jensenShannonBase: Math.E }).statistic, e.jensenshannon_base_e, "jensenshannon base e", 1e-12);
      close(run("psi").statistic, e.psi_quantile, "psi (reference deciles)", 1e-12);
      close(run("psi", { psiBinning: "evidently", psiEpsilon: "evidently" }).statistic, e.psi_evidently, "psi (Evidently)", 1e-12);
      const sortedRef = Float64Array.from(ref).sort();
      const edges = quantileBins(sortedRef, Float64Array.from(cur).sort(), 10).edges;
      assert.equal(edges.length, e.psi_quantile_edges.length, "decile edges");
      edges.forEach((v, i) => close(v, e.psi_quantile_edges[i]!, `decile edge ${i}`, 1e-15)); // −0 and 0 are one edge

      if (e.chisquare) checkChiSquare(run("chisquare"), e.chisquare);
      if (e.z) {
        const z = run("z");
        close(z.statistic, e.z.statistic, "z statistic", 1e-12);
        close(z.pvalue!, e.z.pvalue, "z p-value", 1e-11);
      }

      const auto = run("auto");
      assert.equal(auto.method, e.auto, "automatic choice");
      assert.equal(auto.selection, "auto");
      assert.equal(auto.distinctValues, e.distinct);

      if (c.data.support) {
        const counts = { support: c.data.support, referenceCounts: c.data.reference_counts!, currentCounts: c.data.current_counts! };
        const kc = ksFromCounts(counts);
        close(kc.statistic, e.ks_auto.statistic, "ksFromCounts statistic");
        close(kc.pvalue, e.ks_auto.pvalue, "ksFromCounts p-value");
        close(wassersteinFromCounts(counts), e.wasserstein, "wassersteinFromCounts", 1e-12);
        const fromCounts = driftTestFromCounts({ kind: "numeric", ...counts });
        assert.equal(fromCounts.method, e.auto, "automatic choice from counts");
        const same = run("auto");
        close(fromCounts.statistic, same.statistic, "auto test from counts = from values", 1e-12);
      }
    });
  }
});

describe("categorical drift against SciPy", () => {
  for (const c of reference.cases.filter((c) => c.kind === "categorical")) {
    test(c.name, () => {
      const e = c.expected;
      const { ref, cur } = samples(c);
      const run = (method: DriftTestInput["method"], extra: Partial<DriftTestInput> = {}) => driftTest({ kind: "categorical", reference: ref, current: cur, method, ...extra });
      if (e.chisquare) checkChiSquare(run("chisquare"), e.chisquare);
      const z = run("z");
      close(z.statistic, e.z.statistic, "z statistic", 1e-12);
      close(z.pvalue!, e.z.pvalue, "z p-value", 1e-11);
      if (e.z.pvalue_evidently > 1e-6) close(z.pvalue!, e.z.pvalue_evidently, "z p-value as Evidently writes it", 1e-9);
      close(run("jensenshannon").statistic, e.jensenshannon_base2, "jensenshannon base 2", 1e-12);
      close(run("jensenshannon", { jensenShannonBase: Math.E }).statistic, e.jensenshannon_base_e, "jensenshannon base e", 1e-12);
      close(run("psi").statistic, e.psi_epsilon, "psi (epsilon 1e-4)", 1e-12);
      close(run("psi", { psiEpsilon: "evidently" }).statistic, e.psi_evidently, "psi (Evidently's zero rule)", 1e-12);
      const auto = run("auto");
      assert.equal(auto.method, e.auto);
      assert.equal(auto.distinctValues, e.distinct);
      if (c.data.categories) {
        const fromCounts = driftTestFromCounts({ kind: "categorical", referenceCounts: c.data.reference_counts!, currentCounts: c.data.current_counts! });
        assert.equal(fromCounts.method, e.auto);
        close(fromCounts.statistic, auto.statistic, "auto test from counts = from values", 1e-12);
      }
    });
  }
});
