import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CREDIT_RISK_FEATURES, generateCreditRisk, generateIris, rowsOf } from "../../src/datasets/index";
import { trainModel } from "../../src/local-engines/models/trained-model";
import { modelZoo } from "../../src/local-engines/models/model-zoo";

describe("credit risk data set", () => {
  const data = generateCreditRisk({ rows: 4000, seed: 7 });
  const rows = rowsOf(data);

  test("has the tutorials' 20 features in order, then Risk", () => {
    assert.deepEqual(data.fields, [...CREDIT_RISK_FEATURES, "Risk"]);
    assert.equal(data.feature_columns.length, 20);
    assert.deepEqual(data.labels, ["No Risk", "Risk"]);
    for (const row of rows.slice(0, 50)) {
      assert.equal(typeof row.LoanDuration, "number");
      assert.equal(typeof row.Age, "number");
      assert.ok((row.Age as number) >= 19 && (row.Age as number) <= 75);
      assert.ok(["female", "male"].includes(row.Sex as string));
      for (const c of data.categorical_columns) assert.equal(typeof row[c], "string", c);
    }
  });

  test("is the same for the same seed and differs for another", () => {
    assert.deepEqual(generateCreditRisk({ rows: 100, seed: 7 }).values, generateCreditRisk({ rows: 100, seed: 7 }).values);
    assert.notDeepEqual(generateCreditRisk({ rows: 100, seed: 7 }).values, generateCreditRisk({ rows: 100, seed: 8 }).values);
  });

  test("about one row in three is Risk", () => {
    const share = rows.filter((r) => r.Risk === "Risk").length / rows.length;
    assert.ok(share > 0.28 && share < 0.39, `Risk share ${share}`);
  });

  test("is biased against women and the young: disparate impact below 0.9 on the favourable class", () => {
    const favourable = (pick: (r: Record<string, string | number>) => boolean) => {
      const group = rows.filter(pick);
      return group.filter((r) => r.Risk === "No Risk").length / group.length;
    };
    const sex = favourable((r) => r.Sex === "female") / favourable((r) => r.Sex === "male");
    const age = favourable((r) => (r.Age as number) <= 25) / favourable((r) => (r.Age as number) > 25);
    assert.ok(sex > 0.6 && sex < 0.9, `Sex disparate impact ${sex}`);
    assert.ok(age > 0.6 && age < 0.9, `Age disparate impact ${age}`);
  });
});

describe("models", () => {
  test("the credit model learns the data (and its bias), deterministically", () => {
    const model = trainModel("credit", generateCreditRisk({ rows: 3000, seed: 3 }));
    assert.equal(model.problem_type, "binary");
    assert.ok(model.holdout_accuracy > 0.68, `holdout accuracy ${model.holdout_accuracy}`);
    const sample = rowsOf(generateCreditRisk({ rows: 200, seed: 99 }));
    const again = trainModel("credit", generateCreditRisk({ rows: 3000, seed: 3 }));
    assert.deepEqual(model.predict(sample), again.predict(sample));
    for (const p of model.predict(sample)) {
      assert.ok(Math.abs(p.probability[0]! + p.probability[1]! - 1) < 1e-5);
      assert.equal(p.prediction, p.probability[0]! >= p.probability[1]! ? "No Risk" : "Risk");
    }
    const female = model.predict(sample.map((r) => ({ ...r, Sex: "female" })));
    const male = model.predict(sample.map((r) => ({ ...r, Sex: "male" })));
    const meanRisk = (ps: { probability: number[] }[]) => ps.reduce((s, p) => s + p.probability[1]!, 0) / ps.length;
    assert.ok(meanRisk(female) > meanRisk(male), "flipping Sex to female raises the predicted risk");
  });

  test("the multiclass model separates the three species", () => {
    const model = trainModel("iris", generateIris({ seed: 5 }));
    assert.equal(model.problem_type, "multiclass");
    assert.deepEqual(model.labels, ["setosa", "versicolor", "virginica"]);
    assert.ok(model.holdout_accuracy > 0.9, `holdout accuracy ${model.holdout_accuracy}`);
    const [p] = model.predict([{ sepal_length: 5.0, sepal_width: 3.4, petal_length: 1.4, petal_width: 0.2 }]);
    assert.equal(p!.prediction, "setosa");
    assert.equal(p!.probability.length, 3);
  });

  test("an unseen category does not break scoring", () => {
    const { creditRisk } = modelZoo(42);
    const [row] = rowsOf(generateCreditRisk({ rows: 1 }));
    const [p] = creditRisk.predict([{ ...row, LoanPurpose: "spaceship" }]);
    assert.ok(["Risk", "No Risk"].includes(p!.prediction));
  });
});
