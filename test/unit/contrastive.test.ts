import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ValidationError } from "../../src/errors";
import { candidateValues, contrastiveExplanation, type ContrastiveFeature, type ContrastiveInput, type PertinentNegativeFound } from "../../src/metrics";

/** A logistic credit model over 5 features, written out: z > 0 is "good", else "bad". */
const features: ContrastiveFeature[] = [
  { name: "income", kind: "numeric", base: 50, numeric: { min: 0, max: 100, quantiles: [10, 25, 50, 75, 90] } },
  { name: "debt", kind: "numeric", base: 20, numeric: { min: 0, max: 50, quantiles: [5, 10, 20, 30, 40] } },
  { name: "age", kind: "numeric", base: 40, numeric: { min: 18, max: 80, quantiles: [25, 35, 45, 55, 65], integer: true } },
  { name: "housing", kind: "categorical", base: "own", categorical: { categories: ["own", "rent", "free"] } },
  { name: "job", kind: "categorical", base: "skilled", categorical: { categories: ["skilled", "unskilled", "management"] } },
];
const HOUSING: Record<string, number> = { own: 0.5, rent: -0.8, free: -0.3 };
const JOB: Record<string, number> = { skilled: 0, unskilled: -0.7, management: 1.2 };
const logit = (r: readonly unknown[]) =>
  -0.2 + 0.06 * ((r[0] as number) - 50) - 0.12 * ((r[1] as number) - 20) + 0.02 * ((r[2] as number) - 40) + HOUSING[r[3] as string]! + JOB[r[4] as string]!;
const predict = (r: readonly unknown[]) => (logit(r) > 0 ? "good" : "bad");

/** The model as an engine that counts its calls and rows. */
function engine(model = logit, withProbabilities = true) {
  const calls: number[] = [];
  const sent: unknown[][][] = [];
  const score = async (rows: unknown[][]) => {
    calls.push(rows.length);
    sent.push(rows.map((r) => [...r]));
    const p = rows.map((r) => 1 / (1 + Math.exp(-model(r))));
    return { predictions: p.map((q) => (q > 0.5 ? "good" : "bad")), probabilities: withProbabilities ? p.map((q) => [1 - q, q]) : undefined };
  };
  return { score, calls, sent };
}

function input(instance: unknown[], extra: Partial<ContrastiveInput> = {}): ContrastiveInput {
  return { instance, features, predictedClass: predict(instance), classes: ["bad", "good"], score: engine().score, ...extra };
}

/** Every change on the same grid, every subset of features: the smallest flip (ties: fewer changes, lower indices). */
function bruteForceNegative(instance: unknown[]) {
  const grid = features.map((f, i) => candidateValues(f, instance[i]));
  const before = predict(instance);
  let best: { features: number[]; values: number[]; distance: number } | null = null;
  const walk = (f: number, fs: number[], vs: number[], d: number) => {
    if (f === features.length) {
      if (fs.length === 0) return;
      const row = [...instance];
      fs.forEach((g, i) => (row[g] = grid[g]![vs[i]!]!.value));
      if (predict(row) === before) return;
      const c = { features: [...fs], values: [...vs], distance: d };
      if (best === null || c.distance < best.distance - 1e-12 || (Math.abs(c.distance - best.distance) <= 1e-12 && (c.features.length < best.features.length || (c.features.length === best.features.length && key(c) < key(best))))) best = c;
      return;
    }
    walk(f + 1, fs, vs, d);
    grid[f]!.forEach((cand, j) => walk(f + 1, [...fs, f], [...vs, j], d + cand.distance));
  };
  const key = (c: { features: number[]; values: number[] }) => [...c.features, ...c.values].map((x) => String(x).padStart(3, "0")).join(",");
  walk(0, [], [], 0);
  const b = best as { features: number[]; values: number[]; distance: number } | null;
  return b && { distance: b.distance, changes: b.features.map((f, i) => ({ feature: features[f]!.name, from: instance[f], to: grid[f]![b.values[i]!]!.value })) };
}

/** The smallest number of the instance's features that, the others at base, keep its class. */
function bruteForcePositiveSize(instance: unknown[]): number {
  const n = features.length;
  let bestSize = Infinity;
  for (let mask = 0; mask < 1 << n; mask++) {
    const row = features.map((f, i) => (mask & (1 << i) ? instance[i] : f.base));
    const size = [...Array(n).keys()].filter((i) => mask & (1 << i)).length;
    if (predict(row) === predict(instance) && size < bestSize) bestSize = size;
  }
  return bestSize;
}

/** Deterministic instances spread over the grid's ranges. */
function instances(count: number): unknown[][] {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, () => [Math.round(u() * 100), Math.round(u() * 50), 18 + Math.round(u() * 62), ["own", "rent", "free"][Math.floor(u() * 3)], ["skilled", "unskilled", "management"][Math.floor(u() * 3)]]);
}

describe("contrastive explanation: pertinent negative", () => {
  test("a pair of small moves beats the single flips: income 55→66.25 and debt 15→11.25", async () => {
    const instance = [55, 15, 30, "rent", "unskilled"]; // z = -1; income 75 or debt 5 alone flip it at distance 0.2
    const e = await contrastiveExplanation(input(instance));
    const pn = e.pertinent_negative as PertinentNegativeFound;
    assert.equal(pn.found, true);
    assert.deepEqual(pn.changes, [{ feature: "income", from: 55, to: 66.25 }, { feature: "debt", from: 15, to: 11.25 }]);
    assert.deepEqual(pn.changes, bruteForceNegative(instance)!.changes);
    assert.equal(pn.distance, 0.1125 + 0.075);
    assert.equal(pn.target_class, "good");
    assert.ok(pn.grid_optimal);
    assert.ok(Math.abs(pn.probability_before! - 1 / (1 + Math.exp(logit(instance)))) < 1e-15);
    assert.ok(pn.probability_after! < 0.5 && pn.target_probability! > 0.5);
    assert.ok(Math.abs(pn.probability_after! + pn.target_probability! - 1) < 1e-12);
  });

  test("equals the brute-force optimum over the candidate grid on 25 instances", async () => {
    for (const instance of instances(25)) {
      const e = await contrastiveExplanation(input(instance, { maxEngineCalls: 30 }));
      const expected = bruteForceNegative(instance);
      const pn = e.pertinent_negative;
      assert.equal(pn.found, expected !== null, JSON.stringify(instance));
      if (!pn.found || expected === null) continue;
      assert.ok(pn.grid_optimal, JSON.stringify(instance));
      assert.deepEqual(pn.changes, expected.changes, JSON.stringify(instance));
      assert.ok(Math.abs(pn.distance - expected.distance) < 1e-12);
    }
  });

  test("without probabilities (no classes either) the same optimum is found, and a note says so", async () => {
    const instance = [60, 15, 30, "rent", "unskilled"];
    const e = await contrastiveExplanation({ instance, features, predictedClass: "bad", score: engine(logit, false).score, maxEngineCalls: 30 });
    assert.deepEqual((e.pertinent_negative as PertinentNegativeFound).changes, bruteForceNegative(instance)!.changes);
    assert.equal(e.probability, null);
    assert.match(e.notes.join(" "), /no usable probabilities/);
  });

  test("a constant model cannot flip: found false with the reason", async () => {
    const { score, calls } = engine(() => -3);
    const e = await contrastiveExplanation(input([60, 15, 30, "rent", "unskilled"], { score }));
    assert.equal(e.pertinent_negative.found, false);
    assert.match((e.pertinent_negative as { reason: string }).reason, /^none of the \d+ changes scored in 5 rounds moves the prediction off bad .*raise batchSize/);
    assert.ok(calls.length <= 8);
    const short = await contrastiveExplanation(input([60, 15, 30, "rent", "unskilled"], { score, maxEngineCalls: 2 }));
    assert.match((short.pertinent_negative as { reason: string }).reason, /^none of the \d+ changes scored in 2 rounds moves the prediction off bad within 2 engine calls: raise maxEngineCalls/);
    const small = await contrastiveExplanation({ instance: ["own", "skilled"], features: features.slice(3), predictedClass: "bad", score: engine(() => -3).score });
    assert.deepEqual(small.pertinent_negative, { found: false, reason: "no change on the candidate grid moves the prediction off bad (2 rounds, every combination scored)", grid_exhausted: true, rounds: 2 });
  });
});

describe("contrastive explanation: pertinent positive", () => {
  test("the kept set is as small as the brute-force minimum, and no kept feature can go", async () => {
    for (const instance of instances(25)) {
      const e = await contrastiveExplanation(input(instance, { maxEngineCalls: 30 }));
      const pp = e.pertinent_positive;
      assert.ok(pp.found, JSON.stringify(instance));
      assert.equal(pp.kept.length, bruteForcePositiveSize(instance), JSON.stringify(instance));
      assert.ok(pp.minimal);
      const row = features.map((f, i) => (pp.kept.some((k) => k.feature === f.name) ? instance[i] : f.base));
      assert.equal(predict(row), predict(instance));
      for (const k of pp.kept) assert.notEqual(predict(row.map((v, i) => (features[i]!.name === k.feature ? features[i]!.base : v))), predict(instance));
    }
  });

  test("three features needed: the look-ahead finds them in the second call, the third confirms", async () => {
    const instance = [60, 30, 30, "rent", "unskilled"]; // base z = 0.3; debt -1.2, housing -1.3, job -0.7, age -0.2
    const model = (r: readonly unknown[]) => logit(r) + 2.3; // base z = 2.6: debt + housing leave 0.1, job makes it -0.6
    const { score, sent } = engine(model);
    const e = await contrastiveExplanation({ ...input(instance), predictedClass: "bad", score });
    assert.deepEqual(e.pertinent_positive, {
      found: true,
      kept: [{ feature: "debt", value: 30 }, { feature: "housing", value: "rent" }, { feature: "job", value: "unskilled" }],
      probability: 1 - 1 / (1 + Math.exp(-model([50, 30, 40, "rent", "unskilled"]))),
      base_probability: 1 - 1 / (1 + Math.exp(-model(features.map((f) => f.base)))),
      minimal: true,
    });
    // call 1 ranks debt, housing, job, age (one feature put back each); call 2 holds the look-ahead row with the first three
    assert.ok(sent[1]!.some((r) => JSON.stringify(r) === JSON.stringify([50, 30, 40, "rent", "unskilled"])));
    assert.ok(!sent[0]!.some((r) => JSON.stringify(r) === JSON.stringify([50, 30, 40, "rent", "unskilled"])));
  });

  test("an all-base row that already gets the class keeps nothing", async () => {
    const e = await contrastiveExplanation(input([95, 2, 60, "own", "management"]));
    assert.deepEqual(e.pertinent_positive, { found: true, kept: [], probability: e.pertinent_positive.found ? e.pertinent_positive.base_probability : null, base_probability: 1 / (1 + Math.exp(0.2 - 0.5)), minimal: true });
  });
});

describe("contrastive explanation: budget, determinism, errors", () => {
  test("calls and rows stay within maxEngineCalls and batchSize, and are reported", async () => {
    for (const [maxEngineCalls, batchSize] of [[1, 7], [2, 20], [3, 60], [8, 1000]] as const) {
      const { score, calls } = engine();
      const e = await contrastiveExplanation(input([60, 15, 30, "rent", "unskilled"], { score, maxEngineCalls, batchSize }));
      assert.ok(calls.length <= maxEngineCalls && calls.every((r) => r <= batchSize), `${maxEngineCalls}×${batchSize}: ${calls.join(",")}`);
      assert.equal(e.engine_calls, calls.length);
      assert.equal(e.rows_scored, calls.reduce((a, b) => a + b, 0));
    }
  });

  test("same input, same rows sent and same answer", async () => {
    const a = engine(), b = engine();
    const x = await contrastiveExplanation(input([40, 25, 50, "free", "skilled"], { score: a.score }));
    const y = await contrastiveExplanation(input([40, 25, 50, "free", "skilled"], { score: b.score }));
    assert.deepEqual(x, y);
    assert.deepEqual(a.sent, b.sent);
  });

  test("a scorer that throws ends the explanation with its error", async () => {
    const failure = new Error("engine answered 503: model is loading");
    await assert.rejects(contrastiveExplanation(input([60, 15, 30, "rent", "unskilled"], { score: async () => Promise.reject(failure) })), (e: unknown) => e === failure);
    await assert.rejects(contrastiveExplanation(input([60, 15, 30, "rent", "unskilled"], { score: async () => ({ predictions: ["bad"] }) })), /returned 1 predictions for \d+ rows/);
  });

  test("bad input is refused before any call, naming the field", async () => {
    const { score, calls } = engine();
    const refused = async (i: ContrastiveInput, ...patterns: RegExp[]) => {
      await assert.rejects(contrastiveExplanation(i), (e: unknown) => e instanceof ValidationError && patterns.every((p) => p.test(e.message)));
    };
    await refused(input([60, 15, 30, "rent", "unskilled"], { score, features: [...features.slice(0, 4), { ...features[4]!, kind: "ordinal" } as never] }), /features\[4\]\.kind: is "ordinal": expected 'numeric' or 'categorical'/);
    await refused(input([60, Number.NaN, 30, "rent", "unskilled"], { score }), /instance\[1\]: is NaN for numeric feature 'debt': give a finite number/);
    await refused({ instance: [], features: [], predictedClass: "bad", score }, /features: is missing or empty/);
    await refused(input([60, 15, 30, "rent", "unskilled"], { score, batchSize: 5, maxEngineCalls: 0 }), /batchSize: is 5: give an integer ≥ 7/, /maxEngineCalls: is 0/);
    await refused(input([60, 15, 30, "rent", "unskilled"], { score, features: [{ ...features[0]!, numeric: { min: 100, max: 0 } } as ContrastiveFeature, ...features.slice(1)] }), /features\[0\]\.numeric\.max: is 0, below min 100/);
    assert.equal(calls.length, 0);
  });
});
