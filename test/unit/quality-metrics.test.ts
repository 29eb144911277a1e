import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  BINARY_METRIC_IDS,
  LOG_LOSS_EPSILON,
  MULTICLASS_METRIC_IDS,
  REGRESSION_METRIC_IDS,
  binaryClassificationMetrics,
  confusionMatrix,
  multiclassMetrics,
  regressionMetrics,
} from "../../src/metrics";
import { ValidationError } from "../../src/errors";

/** Written by test/reference/quality_metrics.py with scikit-learn (version recorded in the file). */
interface Reference {
  sklearn_version: string;
  log_loss_eps: number;
  binary: {
    name: string;
    labels: number[];
    scores: number[];
    predictions: number[];
    expected: Record<string, number | null>;
    expected_counts: Record<string, number>;
    expected_confusion_matrix: { values: number[][]; recall_per_label: number[]; precision_per_label: number[] };
  }[];
  multiclass: {
    name: string;
    class_count: number;
    actual: number[];
    predicted: number[];
    probabilities: number[];
    expected: Record<string, number>;
    expected_confusion_matrix: { values: number[][]; recall_per_label: number[]; precision_per_label: number[] };
  }[];
  regression: { name: string; actual: number[]; predicted: number[]; expected: Record<string, number> }[];
}

const reference = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "reference", "quality-metrics.json"), "utf8")) as Reference;

/** Relative 1e-12: our sums differ from numpy's pairwise sums only in the last bits. An expected 0 must be exactly 0. */
function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) return assert.equal(actual, expected, `${what}: ${actual} vs ${expected}`);
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), `${what}: ${actual} vs scikit-learn ${expected}`);
}

function closeAll(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => close(v, expected[i]!, `${what}[${i}]`));
}

function validationPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.issues.map((i) => i.path);
  }
  assert.fail("expected a ValidationError");
}

describe("quality metrics against scikit-learn", () => {
  test("the reference uses float64 machine epsilon for log loss, as we do", () => {
    assert.equal(reference.log_loss_eps, LOG_LOSS_EPSILON);
    assert.ok(reference.binary.length >= 6 && reference.multiclass.length >= 3 && reference.regression.length >= 3);
  });

  for (const c of reference.binary) {
    test(`binary: ${c.name}`, () => {
      const result = binaryClassificationMetrics({
        labels: Uint8Array.from(c.labels),
        scores: Float64Array.from(c.scores),
        predictions: Uint8Array.from(c.predictions),
      });
      assert.deepEqual(Object.keys(result.metrics).sort(), [...BINARY_METRIC_IDS].sort());
      for (const id of BINARY_METRIC_IDS) close(result.metrics[id], c.expected[id]!, id);
      assert.deepEqual(result.counts, c.expected_counts);
      assert.deepEqual(result.confusion_matrix.values, c.expected_confusion_matrix.values);
      closeAll(result.confusion_matrix.recall_per_label, c.expected_confusion_matrix.recall_per_label, "recall_per_label");
      closeAll(result.confusion_matrix.precision_per_label, c.expected_confusion_matrix.precision_per_label, "precision_per_label");
      for (const id of BINARY_METRIC_IDS) if (result.metrics[id] === null) assert.ok(result.notes[id], `${id} is null and says why`);
      // Plain arrays give the same figures as typed arrays.
      assert.deepEqual(binaryClassificationMetrics({ labels: c.labels, scores: c.scores, predictions: c.predictions }).metrics, result.metrics);
    });
  }

  for (const c of reference.multiclass) {
    test(`multiclass: ${c.name}`, () => {
      const result = multiclassMetrics({
        actual: Int32Array.from(c.actual),
        predicted: Int32Array.from(c.predicted),
        probabilities: Float64Array.from(c.probabilities),
        classCount: c.class_count,
      });
      for (const id of MULTICLASS_METRIC_IDS) close(result.metrics[id], c.expected[id]!, id);
      const cm = confusionMatrix(Int32Array.from(c.actual), Int32Array.from(c.predicted), c.class_count);
      assert.deepEqual(cm, result.confusion_matrix);
      assert.deepEqual(cm.values, c.expected_confusion_matrix.values);
      closeAll(cm.recall_per_label, c.expected_confusion_matrix.recall_per_label, "recall_per_label");
      closeAll(cm.precision_per_label, c.expected_confusion_matrix.precision_per_label, "precision_per_label");
    });
  }

  for (const c of reference.regression) {
    test(`regression: ${c.name}`, () => {
      const result = regressionMetrics({ actual: Float64Array.from(c.actual), predicted: Float64Array.from(c.predicted) });
      for (const id of REGRESSION_METRIC_IDS) close(result.metrics[id], c.expected[id]!, id);
    });
  }
});

describe("quality metrics by hand", () => {
  test("AUC-ROC: a tied positive/negative pair counts one half; AUC-PR is average precision, not a trapezoid", () => {
    const tied = binaryClassificationMetrics({ labels: [1, 0, 1, 0], scores: [0.5, 0.5, 0.9, 0.1], predictions: [1, 1, 1, 0] });
    assert.equal(tied.metrics.area_under_roc, (2 + 1 + 0.5) / 4);
    const ranked = binaryClassificationMetrics({ labels: [1, 0, 1, 0], scores: [0.9, 0.8, 0.7, 0.6], predictions: [1, 1, 0, 0] });
    assert.equal(ranked.metrics.area_under_roc, 3 / 4);
    close(ranked.metrics.area_under_pr, 0.5 * 1 + 0.5 * (2 / 3), "AP"); // the trapezoid over (0,1),(.5,1),(.5,.5),(1,2/3) is 0.7917
  });

  test("log loss: probabilities 0 and 1 are clipped to machine epsilon, not infinite", () => {
    const wrong = binaryClassificationMetrics({ labels: [1, 0], scores: [0, 1], predictions: [0, 1] });
    close(wrong.metrics.log_loss, -Math.log(LOG_LOSS_EPSILON), "confidently wrong");
    const right = binaryClassificationMetrics({ labels: [1, 0], scores: [1, 0], predictions: [1, 0] });
    assert.ok(right.metrics.log_loss! > 0 && right.metrics.log_loss! < 1e-15);
  });

  test("one class only: AUC is null with a reason; zero denominators are 0 with a reason", () => {
    const result = binaryClassificationMetrics({ labels: [0, 0, 0], scores: [0.1, 0.6, 0.3], predictions: [0, 0, 0] });
    assert.equal(result.metrics.area_under_roc, null);
    assert.equal(result.metrics.area_under_pr, null);
    assert.match(result.notes.area_under_roc!, /only negative labels/);
    assert.equal(result.metrics.precision, 0);
    assert.match(result.notes.precision!, /no positive predictions/);
    assert.equal(result.metrics.accuracy, 1);
  });

  test("multiclass notes: a class never predicted, one class in actual, no probabilities", () => {
    const result = multiclassMetrics({ actual: [1, 1, 1], predicted: [1, 0, 1], classCount: 3, classLabels: ["a", "b", "c"] });
    assert.equal(result.metrics.log_loss, null);
    assert.match(result.notes.log_loss!, /no probabilities/);
    assert.match(result.notes.weighted_false_positive_rate!, /only class b/);
    assert.deepEqual(result.confusion_matrix.labels, ["a", "b", "c"]);
    assert.deepEqual(result.confusion_matrix.values, [[0, 0, 0], [1, 2, 0], [0, 0, 0]]);
  });

  test("bad input fails naming the field, and every problem at once", () => {
    assert.deepEqual(validationPaths(() => binaryClassificationMetrics({ labels: [], scores: [], predictions: [] })), ["labels"]);
    assert.deepEqual(validationPaths(() => binaryClassificationMetrics({ labels: [1, 2, 0, 3], scores: [0.1, NaN, 0.2], predictions: [1, 0, 0, 1] })), ["labels[1]", "scores"]);
    assert.deepEqual(validationPaths(() => binaryClassificationMetrics({ labels: [1, 0], scores: [1.5, 0.2], predictions: [1, 0.5] })), ["scores[0]", "predictions[1]"]);
    assert.deepEqual(
      validationPaths(() => multiclassMetrics({ actual: [0, 3], predicted: [0, 1], probabilities: [0.5, 0.5], classCount: 3 })),
      ["actual[1]", "probabilities"],
    );
    assert.deepEqual(validationPaths(() => confusionMatrix([0, 1], [0, 1], 1)), ["classCount"]);
    assert.deepEqual(validationPaths(() => regressionMetrics({ actual: [1, Infinity], predicted: [1] })), ["actual[1]", "predicted"]);
    assert.throws(() => binaryClassificationMetrics({ labels: [1, 2, 0, 3], scores: [0.1, 0.2, 0.2, 0.3], predictions: [1, 0, 0, 1] }), /labels\[1\]: is 2 \(and 1 other value\): must be 0 or 1/);
  });
});
