import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { featureFairness, type FeatureFairness } from "../../src/metrics";
import { ValidationError } from "../../src/errors";

/** Written by test/reference/fairness_metrics.py (numpy masks over the same rows). */
interface Reference {
  numpy_version: string;
  cases: { name: string; groups: number[]; outcomes: number[]; majority_values: number; minority_values: number; threshold: number; expected: FeatureFairness }[];
}

const reference = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../reference/fairness-metrics.json"), "utf8")) as Reference;

/** Deep equality with numbers compared to 1e-12 (relative). */
function close(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${where}: ${actual} ≠ ${expected}`);
    return;
  }
  if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${where}: expected an object, got ${String(actual)}`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [k, v] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    return;
  }
  assert.equal(actual, expected, where);
}

describe("featureFairness against the numpy reference", () => {
  for (const c of reference.cases) {
    test(c.name, () => {
      const result = featureFairness({
        groups: Int32Array.from(c.groups),
        outcomes: Int8Array.from(c.outcomes),
        majorityValues: c.majority_values,
        minorityValues: c.minority_values,
        threshold: c.threshold,
      });
      close(result, c.expected, c.name);
    });
  }

  test("IBM's example: 72 % against 76 % is 0.947, biased below 0.98", () => {
    const c = reference.cases[0]!;
    const r = featureFairness({ groups: c.groups, outcomes: c.outcomes, majorityValues: 1, minorityValues: 1, threshold: 0.98 });
    assert.equal(r.minority.values[0]!.fav_class_percent, 72);
    assert.equal(r.majority.total.fav_class_percent, 76);
    assert.equal(r.minority.values[0]!.fairness_value!.toFixed(3), "0.947");
    assert.equal(r.minority.values[0]!.is_biased, true);
  });

  test("a monitored value without rows is reported with nulls, not a division by zero", () => {
    const r = featureFairness({ groups: [0, 0, 1], outcomes: [1, 0, 1], majorityValues: 1, minorityValues: 2, threshold: 0.8 });
    assert.deepEqual(r.minority.values[1], { records: 0, favourable: 0, unfavourable: 0, fav_class_percent: null, rows_percent: 0, fairness_value: null, is_biased: null });
    assert.equal(r.minority.values[0]!.fairness_value, 2);
  });
});

describe("featureFairness refuses bad input, naming the field", () => {
  const ok = { groups: [0, 1], outcomes: [1, 0], majorityValues: 1, minorityValues: 1, threshold: 0.8 };
  for (const [name, change, field] of [
    ["lengths differ", { outcomes: [1] }, "outcomes"],
    ["threshold 0", { threshold: 0 }, "threshold"],
    ["threshold above 1", { threshold: 1.2 }, "threshold"],
    ["no reference values", { majorityValues: 0 }, "majorityValues"],
    ["a group code out of range", { groups: [0, 5] }, "groups[1]"],
    ["an outcome code that is not one", { outcomes: [1, 2] }, "outcomes[1]"],
  ] as const) {
    test(name, () => {
      assert.throws(() => featureFairness({ ...ok, ...change }), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === field));
    });
  }
});
