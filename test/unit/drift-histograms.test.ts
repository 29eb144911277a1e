import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { binCounts, bucketOf, summarizeCategorical, summarizeNumeric, FINE_BINS } from "../../src/metrics/column-summary";
import { breaks, learnConstraints, MIN_EXPECTED } from "../../src/metrics/data-constraints";
import { featureDrift, type CurrentHistogram } from "../../src/metrics/drift-histograms";
import { driftTest, ksTwoSample, wassersteinDistance } from "../../src/metrics/drift/index";
import { SeededRandom } from "../../src/datasets/random";

/** The payload side as the SQL query bins it: width_bucket over the training edges, with per-bucket sums. */
function currentOf(values: number[], edges: readonly number[]): CurrentHistogram {
  const sorted = Float64Array.from(values).sort();
  const { counts, sums } = binCounts(sorted, edges);
  return { kind: "numeric", counts, sums, min: sorted[0]!, max: sorted[sorted.length - 1]!, missing: 0 };
}

const random = new SeededRandom("drift-histograms");
const normal = (n: number, mean: number, sd: number) => Array.from({ length: n }, () => random.normal(mean, sd));

describe("column summaries", () => {
  test("buckets are SQL width_bucket's: how many edges are ≤ x", () => {
    const edges = [1, 2, 4];
    assert.deepEqual([0.5, 1, 1.5, 2, 3.9, 4, 9].map((x) => bucketOf(x, edges)), [0, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(binCounts([0.5, 1, 1.5, 2, 3.9, 4, 9], edges).counts, [1, 2, 2, 2]);
  });

  test("a discrete column keeps every value as an edge; a continuous one at most FINE_BINS + 1 quantiles", () => {
    const discrete = summarizeNumeric([3, 1, 2, 2, 3, 3, null, "x", 4]);
    assert.deepEqual(discrete.edges, [1, 2, 3, 4]);
    assert.deepEqual(discrete.counts, [0, 1, 2, 3, 1]);
    assert.equal(discrete.missing, 2);
    assert.ok(discrete.discrete && discrete.integral);
    const continuous = summarizeNumeric(normal(20_000, 0, 1));
    assert.ok(!continuous.discrete && continuous.edges.length <= FINE_BINS + 1 && continuous.edges.length > 900);
    assert.equal(continuous.counts.reduce((a, b) => a + b, 0), 20_000);
    assert.equal(continuous.counts[0], 0, "nothing below the minimum");
    assert.ok(Math.abs(continuous.quartiles[1]) < 0.05 && Math.abs(continuous.std - 1) < 0.03);
  });

  test("categories by count, missing values apart", () => {
    assert.deepEqual(summarizeCategorical(["b", "a", "b", null, "", "c", "b", "a"]), { kind: "categorical", count: 6, missing: 2, categories: [{ value: "b", count: 3 }, { value: "a", count: 2 }, { value: "c", count: 1 }] });
  });
});

describe("feature drift from histograms", () => {
  test("a discrete feature is tested exactly: the same statistic as the test on raw values", () => {
    const reference = Array.from({ length: 3000 }, () => random.integer(1, 6));
    const current = Array.from({ length: 800 }, () => Math.min(6, random.integer(1, 6) + (random.next() < 0.2 ? 1 : 0)));
    const summary = summarizeNumeric(reference);
    for (const method of ["ks", "wasserstein", "psi", "auto"] as const) {
      const fromCounts = featureDrift(summary, currentOf(current, summary.edges), { method });
      const raw = driftTest({ kind: "numeric", reference, current, method });
      if (method !== "psi") assert.ok(Math.abs(fromCounts.statistic - raw.statistic) < 1e-12, `${method}: ${fromCounts.statistic} vs ${raw.statistic}`);
      assert.equal(fromCounts.method, raw.method);
    }
    const ks = featureDrift(summary, currentOf(current, summary.edges), { method: "ks" });
    const rawKs = ksTwoSample(reference, current);
    assert.ok(Math.abs(ks.p_value! - rawKs.pvalue) < 1e-9 * Math.max(1e-300, rawKs.pvalue) + 1e-15);
  });

  test("a continuous feature is tested to within one fine bucket", () => {
    const reference = normal(50_000, 0, 1);
    const summary = summarizeNumeric(reference);
    for (const shift of [0, 0.05, 0.5]) {
      const current = normal(20_000, shift, 1.1);
      const ks = featureDrift(summary, currentOf(current, summary.edges), { method: "ks" });
      const exact = ksTwoSample(reference, current);
      assert.ok(Math.abs(ks.statistic - exact.statistic) <= 2 / FINE_BINS, `KS shift ${shift}: ${ks.statistic} vs ${exact.statistic}`);
      const w = featureDrift(summary, currentOf(current, summary.edges), { method: "wasserstein" });
      const std = Math.sqrt(reference.reduce((s, x) => s + x * x, 0) / reference.length - (reference.reduce((s, x) => s + x, 0) / reference.length) ** 2);
      const exactW = wassersteinDistance(reference, current) / std;
      assert.ok(Math.abs(w.statistic - exactW) <= 0.01, `W1 shift ${shift}: ${w.statistic} vs ${exactW}`);
    }
  });

  test("categorical drift names unseen categories; the chart's histogram has at most 10 bins summing to 1", () => {
    const summary = summarizeCategorical(Array.from({ length: 2000 }, (_, i) => `c${i % 14}`));
    const current: CurrentHistogram = { kind: "categorical", counts: new Map([["c0", 300], ["c1", 100], ["new", 50]]), missing: 4 };
    const result = featureDrift(summary, current, { method: "auto" });
    assert.equal(result.method, "jensenshannon");
    assert.ok(result.drifted);
    assert.deepEqual(result.unseen_categories, [{ value: "new", count: 50 }]);
    assert.equal(result.missing, 4);
    assert.equal(result.histogram.labels.length, 10);
    for (const side of [result.histogram.reference, result.histogram.current]) assert.ok(Math.abs(side.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });
});

describe("data constraints", () => {
  const n = 2000;
  const kind = Array.from({ length: n }, (_, i) => (i % 2 ? "small" : "large"));
  const amount = kind.map((k) => (k === "small" ? random.integer(100, 1000) : random.integer(1000, 9000)));
  const colour = Array.from({ length: n }, (_, i) => ["red", "green"][i % 4 < 2 ? 0 : 1]!);
  const size = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? "S" : i % 4 === 1 ? "M" : i % 4 === 2 ? "L" : "S"));
  const constraints = learnConstraints([
    { name: "kind", kind: "categorical", values: kind },
    { name: "amount", kind: "numeric", values: amount },
    { name: "colour", kind: "categorical", values: colour },
    { name: "size", kind: "categorical", values: size },
  ]);
  const check = (row: Record<string, unknown>) => constraints.filter((c) => breaks(c, (name) => [row[name]], 0)).map((c) => c.kind);

  test("ranges, categories, a numeric range per category and category pairs never seen together", () => {
    assert.deepEqual(check({ kind: "small", amount: 500, colour: "red", size: "S" }), []);
    assert.deepEqual([...new Set(check({ kind: "small", amount: 20_000, colour: "red", size: "S" }))], ["numeric_range", "catnum_range"]);
    assert.deepEqual(check({ kind: "small", amount: 5000, colour: "red", size: "S" }), ["catnum_range"], "a large amount for a small kind");
    assert.deepEqual(check({ kind: "tiny", amount: 500, colour: "red", size: "S" }), ["categorical_values"]);
    assert.deepEqual(check({ kind: "large", amount: 5000, colour: "red", size: "L" }), ["catcat_unseen"], `red L never appears though ${MIN_EXPECTED}+ were expected`);
    assert.deepEqual(check({ kind: null, amount: null, colour: "red", size: null }), [], "missing values break nothing");
  });
});
