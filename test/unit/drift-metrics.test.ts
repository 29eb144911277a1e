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

describe("degenerate data get a defined answer", () => {
  test("a constant numeric feature: KS, normed Wasserstein (std floor 0.001) and PSI are finite, with notes", () => {
    const ref = new Float64Array(50).fill(3);
    const same = driftTest({ kind: "numeric", reference: ref, current: new Float64Array(40).fill(3), method: "ks" });
    assert.deepEqual([same.statistic, same.pvalue, same.drifted], [0, 1, false]);
    const cur = Float64Array.from({ length: 40 }, (_, i) => 3 + (i % 2) * 0.01);
    const w = driftTest({ kind: "numeric", reference: ref, current: cur, method: "wasserstein" });
    close(w.statistic, 0.005 / 0.001, "W1 / 0.001", 1e-12);
    assert.equal(w.drifted, true);
    assert.match(w.notes.join(" "), /0\.001/);
    const psi = driftTest({ kind: "numeric", reference: ref, current: cur, method: "psi" });
    assert.ok(Number.isFinite(psi.statistic) && psi.statistic > 0.1);
    assert.match(psi.notes.join(" "), /constant/);
    const auto = driftTest({ kind: "numeric", reference: ref, current: new Float64Array(40).fill(3) });
    assert.equal(auto.method, "z"); // one distinct value: Evidently's rule picks z, whose answer is p = 1
    assert.deepEqual([auto.statistic, auto.pvalue, auto.drifted], [0, 1, false]);
  });

  test("a feature with one category: chisquare 0 / p 1, z p 1, JS and PSI 0, never NaN", () => {
    const ref = Array(30).fill("a");
    const cur = Array(20).fill("a");
    for (const method of ["chisquare", "z", "jensenshannon", "psi"] as const) {
      const r = driftTest({ kind: "categorical", reference: ref, current: cur, method });
      assert.equal(r.statistic, 0, method);
      assert.equal(r.drifted, false, method);
      if (r.pvalue !== null) assert.equal(r.pvalue, 1, method);
    }
    assert.match(driftTest({ kind: "categorical", reference: ref, current: cur, method: "chisquare" }).notes.join(" "), /one category/);
    const counts = driftTestFromCounts({ kind: "categorical", referenceCounts: [30], currentCounts: [20] });
    assert.deepEqual([counts.method, counts.pvalue, counts.drifted], ["z", 1, false]);
  });

  test("missing values are dropped and counted, as Evidently does", () => {
    const r = driftTest({ kind: "numeric", reference: [1, 2, NaN, 3, null, 4, 5, 6, Infinity], current: [1, 2, 3, undefined, 4, 5, 6, 7], method: "ks" });
    assert.deepEqual(r.rows, { reference: 6, current: 7 });
    assert.deepEqual(r.dropped, { reference: 3, current: 1 });
    const plain = ksTwoSample([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(r.pvalue, plain.pvalue);
    const c = driftTest({ kind: "categorical", reference: ["a", null, "b", NaN, "a"], current: ["a", "b", undefined] });
    assert.deepEqual([c.rows, c.dropped, c.distinctValues], [{ reference: 3, current: 2 }, { reference: 2, current: 1 }, 2]);
  });
});

describe("bad input is refused with a ValidationError naming the field", () => {
  const refused = (fn: () => unknown, field: string) =>
    assert.throws(fn, (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === field), `expected an issue on ${field}`);
  test("empty samples", () => {
    refused(() => ksTwoSample([], [1]), "reference");
    refused(() => wassersteinDistance([1], []), "current");
    refused(() => driftTest({ kind: "numeric", reference: [], current: [1] }), "reference");
    refused(() => driftTest({ kind: "numeric", reference: [1, 2], current: [NaN, null] }), "current");
    refused(() => driftTest({ kind: "categorical", reference: [null, undefined], current: ["a"] }), "reference");
  });
  test("NaN in the low-level math (which refuses rather than drops)", () => {
    refused(() => ksTwoSample([1, NaN, 3], [1, 2]), "reference[1]");
    refused(() => wassersteinDistance([1, 2], [1, Infinity]), "current[1]");
  });
  test("wrong options and kinds", () => {
    refused(() => driftTest({ kind: "categorical", reference: ["a"], current: ["b"], method: "ks" }), "method");
    refused(() => driftTest({ kind: "numeric", reference: [1], current: [2], method: "t-test" as never }), "method");
    refused(() => driftTest({ kind: "ordinal" as never, reference: [1], current: [2] }), "kind");
    refused(() => driftTest({ kind: "numeric", reference: [1, "x"], current: [2] }), "reference[1]");
    refused(() => driftTest({ kind: "numeric", reference: [1], current: [2], threshold: -1 }), "threshold");
    refused(() => driftTest({ kind: "numeric", reference: [1], current: [2], method: "psi", psiBins: 1 }), "psiBins");
  });
  test("counts", () => {
    refused(() => ksFromCounts({ support: [1, 2], referenceCounts: [1, 2, 3], currentCounts: [1, 1] }), "referenceCounts");
    refused(() => ksFromCounts({ support: [2, 1], referenceCounts: [1, 2], currentCounts: [1, 1] }), "support[1]");
    refused(() => wassersteinFromCounts({ support: [1, 2], referenceCounts: [0, 0], currentCounts: [1, 1] }), "referenceCounts");
    refused(() => driftTestFromCounts({ kind: "numeric", referenceCounts: [1, 2], currentCounts: [1, 0.5] }), "currentCounts[1]");
    refused(() => driftTestFromCounts({ kind: "numeric", referenceCounts: [1, 2], currentCounts: [1, 1] }), "support");
    refused(() => driftTestFromCounts({ kind: "numeric", referenceCounts: [1, 2], currentCounts: [1, 1], method: "wasserstein" }), "support");
  });
});

describe("speed", () => {
  test("KS on 10⁶ values is O(n log n) and the exact p-value for 10 000 × 9 999 stays fast", () => {
    const big = (n: number, shift: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1 + shift);
    let t = performance.now();
    const r = ksTwoSample(big(1_000_000, 0), big(1_000_000, 0.001));
    const ms = performance.now() - t;
    assert.equal(r.method, "asymp");
    assert.ok(ms < 2000, `KS on 2 × 10⁶ values took ${ms.toFixed(0)} ms`);
    t = performance.now();
    const e = ksTwoSample(big(10000, 0), big(9999, 0.3));
    const exactMs = performance.now() - t;
    assert.equal(e.method, "exact");
    assert.ok(exactMs < 1000, `exact KS 10 000 × 9 999 took ${exactMs.toFixed(0)} ms`);
  });
});
