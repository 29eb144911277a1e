import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalAnswer } from "../../src/service/class-answers";

const roles = { problem_type: "binary", prediction_field: "predicted_label", probability_fields: ["score"] };

describe("canonicalAnswer", () => {
  test("one score is P(positive): [1 - score, score], whatever the predicted class", () => {
    const out = canonicalAnswer({ fields: ["predicted_label", "score"], values: [["No Risk", 0.085511], ["Risk", 0.9]] }, roles);
    assert.deepEqual(out.values, [["No Risk", [0.914489, 0.085511]], ["Risk", [0.1, 0.9]]]);
  });

  test("class indices become the subscription's labels, or the labels the engine sent", () => {
    const withLabels = { ...roles, class_labels: ["No Risk", "Risk"] };
    assert.deepEqual(canonicalAnswer({ fields: ["predicted_label", "score"], values: [[0, 0.2], [1, 0.8], ["1", 0.7]] }, withLabels).values, [
      ["No Risk", [0.8, 0.2]],
      ["Risk", [0.2, 0.8]],
      ["Risk", [0.3, 0.7]],
    ]);
    const multiclass = { problem_type: "multiclass", prediction_field: "predicted_label", probability_fields: ["score"] };
    assert.deepEqual(canonicalAnswer({ fields: ["predicted_label", "score"], labels: ["setosa", "versicolor", "virginica"], values: [[2, [0.1, 0.2, 0.7]]] }, multiclass).values, [
      ["virginica", [0.1, 0.2, 0.7]],
    ]);
  });

  test("left alone: vectors, labels already, indices out of range, scores outside 0..1, regression", () => {
    const answer = { fields: ["predicted_label", "score"], values: [["No Risk", [0.9, 0.1]], [7, 1.5]] };
    const out = canonicalAnswer(answer, { ...roles, class_labels: ["No Risk", "Risk"] });
    assert.deepEqual(out.values, [["No Risk", [0.9, 0.1]], [7, 1.5]]);
    const regression = { fields: ["predicted_label", "score"], values: [[1, 0.3]] };
    assert.equal(canonicalAnswer(regression, { ...roles, problem_type: "regression", class_labels: ["a", "b"] }), regression);
    const untouched = { fields: ["x"], values: [[1]] };
    assert.equal(canonicalAnswer(untouched, roles), untouched, "nothing to change: the same object");
  });
});
