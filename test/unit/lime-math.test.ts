import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { LimeRandom, limeExplain, limeSample, limeTrainingSummary, type LimeExplanation, type LimeTrainingSummary } from "../../src/metrics";
import { formatFixed2, kernelWeights, limeBin, percentileOfSorted } from "../../src/metrics/lime";
import { solveSymmetric } from "../../src/metrics/lime/ridge";
import { ValidationError } from "../../src/errors";

/** Written by test/reference/lime_reference.py (lime's own logic, numpy, scikit-learn's Ridge). */
interface Reference {
  percentiles: { values: number[]; percentiles: number[]; edges: number[] }[];
  truncnorm: { a: number; b: number; mean: number; var: number }[];
  formats: { x: number; text: string }[];
  cases: {
    name: string;
    columns: { name: string; categorical: boolean; values: number[] }[];
    instance: number[];
    num_features: number;
    feature_selection: "auto" | "forward_selection" | "highest_weights" | "none";
    kernel_width: number | null;
    alpha: number;
    binary: string[];
    labels: number[];
    expected: Pick<LimeExplanation, "intercept" | "score" | "local_pred" | "used_features" | "weights" | "kernel_width"> & {
      summary: LimeTrainingSummary["features"];
      names: string[];
      distances_head: number[];
      kernel_head: number[];
    };
  }[];
}

const reference = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../reference/lime-reference.json"), "utf8")) as Reference;

function near(actual: number, expected: number, tolerance: number, where: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${where}: ${actual} ≠ ${expected} (±${tolerance})`);
}

function binaryOf(rows: string[]): Uint8Array {
  const d = rows[0]!.length;
  const out = new Uint8Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) out[i * d + j] = r.charCodeAt(j) - 48;
  });
  return out;
}

describe("LIME against lime's own logic (numpy, scikit-learn)", () => {
  for (const c of reference.cases) {
    test(c.name, () => {
      const summary = limeTrainingSummary(c.columns);
      for (const [j, expected] of c.expected.summary.entries()) {
        const actual = summary.features[j]!;
        assert.equal(actual.type, expected.type, `feature ${j} type`);
        assert.equal(actual.name, expected.name);
        for (const [key, values] of Object.entries(expected)) {
          if (!Array.isArray(values)) continue;
          const got = (actual as unknown as Record<string, number[]>)[key]!;
          assert.equal(got.length, values.length, `feature ${j} ${key}`);
          values.forEach((v, k) => near(got[k]!, v as number, key === "edges" || key === "counts" || key === "values" ? 0 : 1e-12, `feature ${j} ${key}[${k}]`));
        }
      }
      // Names come from the sampler; the sample itself is lime's (numpy's stream), given as 0/1 rows.
      const names = limeSample(summary, c.instance, { numSamples: 2, seed: 1 }).names;
      assert.deepEqual(names, c.expected.names);
      const result = limeExplain({
        binary: binaryOf(c.binary),
        featureCount: c.columns.length,
        labels: c.labels,
        names,
        numFeatures: c.num_features,
        featureSelection: c.feature_selection,
        alpha: c.alpha,
        ...(c.kernel_width === null ? {} : { kernelWidth: c.kernel_width }),
      });
      near(result.kernel_width, c.expected.kernel_width, 1e-15, "kernel_width");
      const kernel = kernelWeights(binaryOf(c.binary), c.columns.length, c.binary.length, result.kernel_width);
      c.expected.kernel_head.forEach((k, i) => near(kernel[i]!, k, 1e-15, `kernel weight of row ${i} (distance ${c.expected.distances_head[i]})`));
      assert.deepEqual(result.used_features, c.expected.used_features, "selected features");
      // Same features, same weights; the order by |weight| too, except among weights equal to rounding (identical columns).
      assert.deepEqual(result.weights.map((w) => w.feature).sort(), c.expected.weights.map((w) => w.feature).sort(), "features of the explanation");
      const expected = new Map(c.expected.weights.map((w) => [w.feature, w]));
      for (const w of result.weights) {
        assert.equal(w.name, expected.get(w.feature)!.name);
        near(w.weight, expected.get(w.feature)!.weight, 1e-9, `weight of ${w.name}`);
      }
      result.weights.forEach((w, k) => near(Math.abs(w.weight), Math.abs(c.expected.weights[k]!.weight), 1e-9, `|weight| in place ${k}`));
      near(result.intercept, c.expected.intercept, 1e-9, "intercept");
      near(result.local_pred, c.expected.local_pred, 1e-9, "local_pred");
      near(result.score, c.expected.score, 1e-9, "score");
      assert.equal(result.prediction, c.labels[0]);
    });
  }

  test("quartile edges are np.percentile(x, [25, 50, 75]), deduplicated as np.unique", () => {
    for (const p of reference.percentiles) {
      const sorted = Float64Array.from(p.values).sort();
      assert.deepEqual([25, 50, 75].map((q) => percentileOfSorted(sorted, q)), p.percentiles, `percentiles of ${p.values.length} values`);
      const summary = limeTrainingSummary([{ name: "x", values: p.values }]);
      assert.deepEqual((summary.features[0] as { edges: number[] }).edges, p.edges);
    }
  });

  test("bin names use Python's '%.2f' (ties to even)", () => {
    for (const f of reference.formats) assert.equal(formatFixed2(f.x), f.text, String(f.x));
  });

  test("the truncated normal sampler has scipy.stats.truncnorm's mean and variance", () => {
    const rng = new LimeRandom(42);
    const n = 100_000;
    for (const t of reference.truncnorm) {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) {
        const z = rng.truncatedNormal(t.a, t.b);
        assert.ok(z >= t.a && z <= t.b, `${z} outside [${t.a}, ${t.b}]`);
        s += z;
        s2 += z * z;
      }
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      const se = Math.sqrt(t.var / n);
      assert.ok(Math.abs(mean - t.mean) < 5 * se + 1e-12, `mean on [${t.a}, ${t.b}]: ${mean} vs ${t.mean}`);
      assert.ok(Math.abs(variance - t.var) < 0.03 * t.var + 1e-12, `variance on [${t.a}, ${t.b}]: ${variance} vs ${t.var}`);
    }
  });
});

describe("the ridge solver", () => {
  test("Cholesky on a positive definite system", () => {
    const x = solveSymmetric(Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]), Float64Array.from([1, 2, 3]), 3);
    const a = [4, 2, 0.6, 2, 5, 1, 0.6, 1, 3];
    for (let i = 0; i < 3; i++) near(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!, i + 1, 1e-14, `row ${i}`);
  });
  test("a singular system gets the minimum-norm solution (sklearn's SVD fallback)", () => {
    assert.deepEqual([...solveSymmetric(Float64Array.from([1, 1, 1, 1]), Float64Array.from([2, 2]), 2)].map((v) => Math.round(v * 1e12) / 1e12), [1, 1]);
    // A = u uᵀ + v vᵀ in R³ (rank 2), b = A·(u + 2v): the answer is u + 2v's part in span{u, v}, which is u + 2v itself.
    const u = [1, 2, 0], v = [0, 1, -1];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) a[i * 3 + j] = u[i]! * u[j]! + v[i]! * v[j]!;
    const x0 = [1, 4, -2];
    const b = Float64Array.from([0, 1, 2].map((i) => a[i * 3]! * x0[0]! + a[i * 3 + 1]! * x0[1]! + a[i * 3 + 2]! * x0[2]!));
    solveSymmetric(a, b, 3).forEach((xi, i) => near(xi, x0[i]!, 1e-10, `x[${i}]`));
    assert.deepEqual([...solveSymmetric(new Float64Array(4), Float64Array.from([0, 0]), 2)], [0, 0]);
  });
});

describe("limeSample: lime's neighbourhood, seeded", () => {
  const training = limeTrainingSummary([
    { name: "Age", values: Array.from({ length: 200 }, (_, i) => 18 + (i % 50)) },
    { name: "Sex", values: Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? "male" : "female")) },
    { name: "Amount", values: Array.from({ length: 200 }, (_, i) => Math.round(1000 * Math.exp(Math.sin(i) * 2))) },
  ]);

  test("row 0 is the instance, all ones; every row's 0/1 says whether its bin or category is the instance's", () => {
    const s = limeSample(training, { Age: 40, Sex: "female", Amount: 900 }, { numSamples: 3000, seed: 7 });
    assert.deepEqual(s.rows[0], [40, "female", 900]);
    assert.deepEqual([...s.binary.subarray(0, 3)], [1, 1, 1]);
    assert.deepEqual(s.fields, ["Age", "Sex", "Amount"]);
    const age = training.features[0]! as { edges: number[]; mins: number[]; maxs: number[] };
    const amount = training.features[2]! as { edges: number[] };
    for (let i = 1; i < s.rows.length; i++) {
      const [a, sex, m] = s.rows[i]! as [number, string, number];
      assert.equal(s.binary[i * 3], limeBin(age.edges, a) === limeBin(age.edges, 40) ? 1 : 0, `row ${i} Age ${a}`);
      assert.equal(s.binary[i * 3 + 1], sex === "female" ? 1 : 0);
      assert.equal(s.binary[i * 3 + 2], limeBin(amount.edges, m) === limeBin(amount.edges, 900) ? 1 : 0, `row ${i} Amount ${m}`);
      assert.ok(a >= age.mins[0]! && a <= age.maxs[age.maxs.length - 1]!);
    }
    assert.equal(s.names[1], "Sex=female");
    assert.match(s.names[0]!, /< Age <= /);
  });

  test("the same seed gives the same sample; another seed another; frequencies follow the training data", () => {
    const a = limeSample(training, [30, "male", 900], { numSamples: 5000, seed: 3 });
    const b = limeSample(training, [30, "male", 900], { numSamples: 5000, seed: 3 });
    const c = limeSample(training, [30, "male", 900], { numSamples: 5000, seed: 4 });
    assert.deepEqual(a.rows, b.rows);
    assert.notDeepEqual(a.rows, c.rows);
    const male = a.rows.slice(1).filter((r) => r[1] === "male").length / 4999;
    assert.ok(Math.abs(male - 0.25) < 0.03, `share of 'male' ${male}`);
  });

  test("a constant feature and a one-category feature: one bin, all ones, weight 0", () => {
    const summary = limeTrainingSummary([
      { name: "x", values: [1, 2, 3, 4, 5, 6, 7, 8] },
      { name: "c", values: new Array(8).fill(4.5) },
      { name: "k", values: new Array(8).fill("only") },
    ]);
    assert.deepEqual((summary.features[1] as { edges: number[] }).edges, [4.5]);
    const s = limeSample(summary, { x: 2, c: 4.5, k: "only" }, { numSamples: 400, seed: 1 });
    assert.deepEqual(s.names.slice(1), ["c <= 4.50", "k=only"]);
    for (let i = 0; i < 400; i++) {
      assert.equal(s.rows[i]![1], 4.5);
      assert.equal(s.binary[i * 3 + 1], 1);
      assert.equal(s.binary[i * 3 + 2], 1);
    }
    const labels = Array.from({ length: 400 }, (_, i) => (s.binary[i * 3] ? 0.8 : 0.3) + 0.01 * (i % 3));
    for (const featureSelection of ["forward_selection", "highest_weights", "none"] as const) {
      const e = limeExplain({ ...s, labels, featureSelection, numFeatures: 3 });
      for (const w of e.weights) if (w.feature !== 0) assert.equal(w.weight, 0, `${featureSelection}: ${w.name}`);
      assert.equal(e.used_features[0], 0, featureSelection);
      assert.ok(e.weights[0]!.weight > 0.4);
    }
  });

  test("NaN or a missing value in the instance is refused, naming the field", () => {
    for (const [instance, field] of [
      [{ Age: Number.NaN, Sex: "male", Amount: 3 }, "instance.Age"],
      [{ Age: 30, Amount: 3 }, "instance.Sex"],
      [[30, "male", Infinity], "instance[2] (Amount)"],
    ] as const) {
      assert.throws(() => limeSample(training, instance), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === field), field);
    }
  });

  test("numSamples below 2 is refused, by the sampler and by the explainer", () => {
    for (const numSamples of [1, 0, 2.5]) {
      assert.throws(() => limeSample(training, [30, "male", 3], { numSamples }), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === "numSamples");
    }
    assert.throws(() => limeExplain({ binary: [1, 1], featureCount: 2, labels: [0.5] }), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === "labels");
  });

  test("training columns with a NaN or of unequal length are refused, naming the field", () => {
    assert.throws(() => limeTrainingSummary([{ name: "a", values: [1, Number.NaN] }]), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === "columns[0].values[1]");
    assert.throws(() => limeTrainingSummary([{ name: "a", values: [1, 2] }, { name: "b", values: [1] }]), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === "columns[1].values");
  });

  test("limeExplain refuses bad input, naming the field", () => {
    const ok = { binary: [1, 1, 0, 1, 1, 0], featureCount: 2, labels: [0.9, 0.2, 0.4] };
    for (const [change, field] of [
      [{ binary: [1, 1, 0] }, "binary"],
      [{ binary: [1, 1, Number.NaN, 1, 1, 0] }, "binary[1][0]"],
      [{ labels: [0.9, Number.NaN, 0.4] }, "labels[1]"],
      [{ kernelWidth: 0 }, "kernelWidth"],
      [{ numFeatures: 0 }, "numFeatures"],
      [{ alpha: -1 }, "alpha"],
      [{ featureSelection: "lasso_path" }, "featureSelection"],
      [{ names: ["a"] }, "names"],
    ] as const) {
      assert.throws(() => limeExplain({ ...ok, ...(change as object) }), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === field), field);
    }
  });
});
