/** describeNumbers against pandas `Series.describe()` (reference values from Python: statistics.stdev and statistics.quantiles(method="inclusive"), numpy's linear quantiles). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeNumbers } from "../../src/metrics/index";

const close = (actual: (number | null)[], expected: (number | null)[]) =>
  actual.forEach((v, i) => (expected[i] === null ? assert.equal(v, null) : assert.ok(Math.abs(v! - expected[i]!) < 1e-12, `${i}: ${v} ≠ ${expected[i]}`)));

test("count, mean, std (n − 1), min, linear quartiles, max; nulls and NaN not counted", () => {
  // statistics.stdev / quantiles(method="inclusive") of [1, 2, 3, 4]
  close(describeNumbers([1, 2, 3, 4, null]), [4, 2.5, 1.2909944487358056, 1, 1.75, 2.5, 3.25, 4]);
  // statistics.stdev / quantiles of [0.67, 0.95, 0.91, 0.5, 0.5, float("nan")]).describe()
  close(describeNumbers([0.67, 0.95, 0.91, 0.5, 0.5, Number.NaN]), [5, 0.706, 0.21640240294414478, 0.5, 0.5, 0.67, 0.91, 0.95]);
});

test("one value has no std; no values give count 0 and nulls", () => {
  close(describeNumbers([7]), [1, 7, null, 7, 7, 7, 7, 7]);
  assert.deepEqual(describeNumbers([]), [0, null, null, null, null, null, null, null]);
});
