import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { describe, test } from "node:test";
import { generateCreditRisk, rowsOf, ValidationError } from "../../src/index";
import { confidenceOf, driftMagnitude, predictCorrectness, trainDriftModel } from "../../src/metrics/drift-model";
import { modelZoo } from "../../src/local-engines/models/model-zoo";
import { readDriftModelArchive, writeDriftModelArchive } from "../../src/service/monitors/drift-model-archive";

const model = modelZoo().creditRisk;
function scored(rows: Record<string, unknown>[]) {
  const answers = model.predict(rows);
  return { predictions: answers.map((a) => a.prediction), probabilities: answers.map((a) => a.probability) };
}
const data = generateCreditRisk({ rows: 4000, seed: 42 });
const training = rowsOf(data);
const columnsOf = (rows: Record<string, unknown>[]) => data.feature_columns.map((name) => ({ name, kind: data.categorical_columns.includes(name) ? ("categorical" as const) : ("numeric" as const), values: rows.map((r) => r[name]) }));
const byName = (rows: Record<string, unknown>[]) => Object.fromEntries(data.feature_columns.map((f) => [f, rows.map((r) => r[f])]));
const trained = trainDriftModel({ columns: columnsOf(training), ...scored(training), labels: training.map((r) => r.Risk) });

describe("the drift detection model", () => {
  test("its model accuracy is the monitored model's on the training rows; deterministic", () => {
    const s = scored(training);
    const accuracy = s.predictions.filter((p, i) => p === training[i]!.Risk).length / training.length;
    assert.equal(trained.model_accuracy, accuracy);
    assert.ok(trained.drift_model_holdout_accuracy > 0.6, `holdout ${trained.drift_model_holdout_accuracy}`);
    const again = trainDriftModel({ columns: columnsOf(training), ...s, labels: training.map((r) => r.Risk) });
    assert.deepEqual(again, trained);
  });

  test("predicted accuracy tracks real accuracy on new unshifted rows and drops on a shifted population", () => {
    for (const [drift, seed] of [[false, 7], [true, 8]] as const) {
      const rows = rowsOf(generateCreditRisk({ rows: 3000, seed, drift }));
      const s = scored(rows);
      const predicted = predictCorrectness(trained, byName(rows), s.probabilities).reduce((a, b) => a + b, 0) / rows.length;
      const real = s.predictions.filter((p, i) => p === rows[i]!.Risk).length / rows.length;
      if (!drift) assert.ok(Math.abs(predicted - real) < 0.03, `unshifted: predicted ${predicted}, real ${real}`);
      else assert.ok(predicted < trained.model_accuracy - 0.02 && driftMagnitude(trained, predicted) > 0.02, `shifted: predicted ${predicted} vs ${trained.model_accuracy}`);
    }
  });

  test("missing values, unseen categories, a constant feature: finite predictions", () => {
    const odd = training.slice(0, 50).map((r, i) => ({ ...r, Age: i % 2 ? null : r.Age, Sex: i % 3 ? "unknown" : r.Sex }));
    const constant = trainDriftModel({ columns: columnsOf(training.map((r) => ({ ...r, InstallmentPercent: 3, ForeignWorker: "yes" }))), ...scored(training), labels: training.map((r) => r.Risk) });
    for (const p of predictCorrectness(constant, byName(odd), scored(training.slice(0, 50)).probabilities)) assert.ok(Number.isFinite(p) && p > 0 && p < 1);
    assert.deepEqual(confidenceOf([0.2, 0.7, 0.1]), { max: 0.7, margin: 0.7 - 0.2 });
    assert.throws(() => trainDriftModel({ columns: [], probabilities: [], predictions: [], labels: [] }), ValidationError);
  });

  test("the archive round-trips; a corrupt, foreign or truncated one says what is wrong", () => {
    assert.deepEqual(readDriftModelArchive(writeDriftModelArchive(trained)), trained);
    const reason = (bytes: Buffer) => {
      try {
        readDriftModelArchive(bytes);
      } catch (e) {
        assert.ok(e instanceof ValidationError);
        return e.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      }
      return "read";
    };
    assert.match(reason(Buffer.from("not an archive")), /not a gzip file/);
    assert.match(reason(gzipSync(Buffer.from("{\"json\": true}".padEnd(1024, " ")))), /not a tar archive|holds no drift_model.json/);
    const archive = writeDriftModelArchive(trained);
    assert.match(reason(archive.subarray(0, archive.length - 30)), /not a gzip file|truncated/);
    const wrong = writeDriftModelArchive({ ...trained, model_accuracy: 3 });
    assert.match(reason(wrong), /drift_model\.json\.model_accuracy: expected an accuracy/);
  });
});
