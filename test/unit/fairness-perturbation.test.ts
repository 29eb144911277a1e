import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { debiasTwins, featureGroups, groupCode, perturbedCopies } from "../../src/service/monitors/fairness-perturbation";
import type { FairnessFeature } from "../../src/service/monitors/fairness-groups";

const features: FairnessFeature[] = [
  { type: "categorical", feature: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 },
  { type: "numeric", feature: "Age", majority: [[26, 75]], minority: [[18, 25]], threshold: 0.95 },
];
const fields = ["Sex", "Age", "LoanAmount"];
const rows = [
  ["male", 40, 1000], // reference on both: no twin
  ["female", 40, 2000], // monitored on Sex only: its twin is its Sex copy
  ["male", 20, 3000], // monitored on Age only: its copy happens to be drawn at the twin's age
  ["female", 19, 4000], // monitored on both: a twin of its own
  ["other", 50, 5000], // in no group of Sex
  ["male", 22, 6000], // monitored on Age only, its copy drawn at another age than the twin's
];

describe("perturbed copies and debiasing twins", () => {
  const groups = featureGroups(features, fields, undefined, rows);
  const codes = groups.map((g) => Int32Array.from(rows, (r) => groupCode(g, r[g.column])));
  const copies = perturbedCopies(groups, codes);

  test("each grouped row is moved once into the other group of each feature", () => {
    assert.deepEqual(
      copies.map((c) => [c.source, fields[groups[c.feature]!.column], c.target]),
      [[0, "Sex", 1], [1, "Sex", 0], [2, "Sex", 1], [3, "Sex", 0], [5, "Sex", 1], [0, "Age", 1], [1, "Age", 1], [2, "Age", 0], [3, "Age", 0], [4, "Age", 1], [5, "Age", 0]],
    );
    for (const c of copies.filter((x) => groups[x.feature]!.feature.feature === "Age")) {
      const [lo, hi] = c.target === 0 ? [26, 75] : [18, 25];
      assert.ok(typeof c.value === "number" && c.value >= lo && c.value <= hi && Number.isInteger(c.value), `age ${String(c.value)} in [${lo}, ${hi}]`);
    }
  });

  test("a twin that equals a perturbed copy is that copy; the others carry their own values", () => {
    const twins = debiasTwins(groups, rows, copies);
    assert.deepEqual(twins.map((t) => t.source), [1, 2, 3, 5]);
    const rowOf = (t: (typeof twins)[number]) => {
      if ("values" in t) return t.values;
      const c = copies[t.copy]!;
      const values = [...rows[c.source]!];
      values[groups[c.feature]!.column] = c.value;
      return values;
    };
    assert.deepEqual(twins.map(rowOf), [["male", 40, 2000], ["male", 51, 3000], ["male", 51, 4000], ["male", 51, 6000]], "every twin at the reference value (the middle of [26, 75], rounded, without training data)");
    assert.deepEqual(twins[0], { source: 1, copy: 1 }, "monitored on Sex only: the Sex copy");
    assert.equal("copy" in twins[1]! && copies[twins[1].copy]!.value, 51, "the Age copy drawn at the twin's age serves too");
    assert.ok("values" in twins[2]!, "monitored on both features: a row of its own");
    assert.ok("values" in twins[3]! && copies[10]!.value !== 51, "an Age copy at another age is not the twin");
  });
});
