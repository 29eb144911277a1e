/**
 * The quality monitor end to end on the local custom engine: v1's enable rules, feedback re-scored in batches (one
 * engine call per 1,000 rows), the stored metrics equal to the metrics of the engine's own answers, the confusion
 * matrix, v1's table, and runs that fail (too little feedback, an unknown label, an engine failing or hanging in the
 * middle) ending `failed` with the reason and no measurement.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  binaryClassificationMetrics,
  BINARY_METRIC_IDS,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  generateIris,
  multiclassMetrics,
  ProblemType,
  rowsOf,
  ValidationError,
  type LocalEngines,
  type MeasurementSample,
  type MonitorRun,
  type Subscription,
} from "../../src/index";
import type { ConfusionMatrixInput } from "../../src/display/index";
import type { EngineProxy } from "../support/engine-proxy";
import { startProxiedMart, type ProxiedMart } from "../support/proxied-mart";
import { testClient } from "../support/test-client";
import { creditAsset } from "../support/credit-asset";
import { RecordingOutput } from "../support/recording-output";

const feedback = generateCreditRisk({ rows: 2500, seed: 21 });
const features = feedback.feature_columns;
const fields = [...features, "Risk"];
const feedbackValues = rowsOf(feedback).map((r) => fields.map((f) => r[f]));
const asset = creditAsset;


let engines: LocalEngines;
let client: APIClient;
let out: RecordingOutput;
let subscription: Subscription;
/** A custom engine in front of the local one: counts scoring calls, and fails or hangs on the call named. */
let proxy: EngineProxy;

let mart: ProxiedMart;
before(async () => {
  mart = await startProxiedMart(asset);
  ({ engines, proxy, client, out, subscription } = mart);
});
after(() => mart.close());

async function failedRun(): Promise<MonitorRun> {
  const run = await subscription.quality_monitoring.run({ background_mode: false });
  assert.equal(run.status, "failed");
  assert.equal(run.measurement_id, undefined);
  return run;
}

describe("quality monitoring", () => {
  test("v1's enable rules: payload first, threshold 0..1, min_records a positive whole number, no asset properties", async () => {
    await assert.rejects(subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 50 }), /Payload should be logged first/);
    await assert.rejects(subscription.quality_monitoring.run({ background_mode: false }), /Quality monitoring is not enabled/);
    await subscription.score(rowsOf(feedback).slice(0, 5).map(({ Risk: _, ...r }) => r));
    await assert.rejects(subscription.quality_monitoring.enable({ threshold: 1.5, min_records: 50 }), /threshold: expected a number from 0 to 1/);
    await assert.rejects(subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 0 }), /min_records: expected a whole number/);
    await assert.rejects(subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 2.5 }), ValidationError);
    await assert.rejects(subscription.quality_monitoring.enable({ threshold: 0.7, label_column: "Risk" } as never), /Asset properties should be specified using subscriptions.add\(\) or subscription.update\(\)/);
    const configuration = await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 2000 });
    assert.deepEqual(configuration.parameters, { evaluation_definition: { method: "binary", threshold: 0.7 }, min_feedback_data_size: 2000 });
    assert.equal(configuration.monitor_definition_id, "quality");
  });

  test("too little feedback: the run fails with 'not enough feedback: N of M rows' and stores nothing", async () => {
    await subscription.feedback_logging.store(feedbackValues.slice(0, 1000), { fields });
    const run = await failedRun();
    assert.match(run.error!.message, /not enough feedback: 1000 of 2000 rows/);
    assert.match(out.lines.at(-1)!, /Run failed with status: failed[\s\S]*not enough feedback/);
    assert.equal(((await subscription.quality_monitoring.get_metrics()) as MeasurementSample[]).length, 0);
  });

  test("a run re-scores the feedback in batches of 1,000 and stores the metrics of the engine's answers", async () => {
    await subscription.feedback_logging.store(feedbackValues.slice(1000), { fields });
    const before = proxy.calls;
    const run = await subscription.quality_monitoring.run({ background_mode: false });
    assert.equal(run.status, "completed", run.error?.message);
    assert.equal(proxy.calls - before, 3, "2,500 rows: three engine calls");
    assert.deepEqual(run.statistics, { feedback_rows: 2500, scored_rows: 2500, engine_calls: 3 });
    assert.match(out.lines.at(-1)!, /Waiting for end of quality monitoring run[\s\S]*completed[\s\S]*Successfully finished run/);

    // The same rows scored here, and their metrics computed directly.
    const scored = await subscription.score({ fields: features, values: feedbackValues.map((r) => r.slice(0, -1)) });
    const labels = Uint8Array.from(feedbackValues, (r) => (r.at(-1) === "Risk" ? 1 : 0));
    const predictions = Uint8Array.from(scored.values, (r) => (r[0] === "Risk" ? 1 : 0));
    const scores = Float64Array.from(scored.values, (r) => (r[1] as number[])[1]!);
    const expected = binaryClassificationMetrics({ labels, predictions, scores, classLabels: ["No Risk", "Risk"] });

    const [sample] = (await subscription.quality_monitoring.get_metrics()) as MeasurementSample[];
    assert.equal(sample!.measurement_id, run.measurement_id);
    assert.deepEqual(sample!.tags, [{ id: "model_type", value: "original" }]);
    assert.deepEqual(sample!.metrics.map((m) => m.id), [...BINARY_METRIC_IDS]);
    for (const m of sample!.metrics) assert.ok(Math.abs(m.value! - expected.metrics[m.id as (typeof BINARY_METRIC_IDS)[number]]!) < 1e-12, `${m.id}: ${m.value}`);
    assert.equal(sample!.metrics.find((m) => m.id === "area_under_roc")!.lower_limit, 0.7);
    assert.equal(sample!.metrics.filter((m) => m.lower_limit !== undefined).length, 1, "the threshold limits area_under_roc only");
    assert.deepEqual(sample!.violations, expected.metrics.area_under_roc! < 0.7 ? ["area_under_roc"] : []);

    await subscription.quality_monitoring.show_table();
    const table = out.lastTable();
    assert.equal(table.title, `QualityMetrics (binding_id=${subscription.binding_uid}, subscription_id=${subscription.uid})`);
    assert.deepEqual(table.columns, ["ts", "id", "measurement_id", "value", "lower limit", "upper limit", "tags", "binding_id", "subscription_id", "deployment_id"]);
    assert.equal(table.rows.length, 9);
    assert.deepEqual(table.rows[0]!.slice(1, 2).concat(table.rows[0]!.slice(4, 7)), ["area_under_roc", 0.7, null, "model_type: original"]);

    await subscription.quality_monitoring.show_confusion_matrix(run.measurement_id!);
    const matrix = out.charts.at(-1) as unknown as ConfusionMatrixInput;
    assert.equal(matrix.kind, "confusion_matrix");
    assert.deepEqual(matrix.labels, ["No Risk", "Risk"]);
    assert.deepEqual(matrix.values, expected.confusion_matrix.values);
    assert.equal(matrix.values.flat().reduce((a, b) => a + b, 0), 2500);
    assert.deepEqual(matrix.recall_per_label, expected.confusion_matrix.recall_per_label);

    const { deployment_metrics } = await client.data_mart.get_deployment_metrics();
    const quality = deployment_metrics[0]!.metrics.find((m) => m.metric_type === "quality")!;
    assert.equal((quality.value as { quality: number }).quality, sample!.metrics[0]!.value);
    assert.equal((quality.value as { threshold: number }).threshold, 0.7);
    const details = (await subscription.quality_monitoring.get_run_details(run.id)) as MonitorRun;
    assert.equal(details.measurement_id, run.measurement_id);
  });

  test("an engine failing or hanging in the middle of a run: failed with the engine's error, no half measurement", async () => {
    const stored = ((await subscription.quality_monitoring.get_metrics()) as MeasurementSample[]).length;
    proxy.failOn = proxy.calls + 2;
    proxy.mode = "error";
    let run = await failedRun();
    assert.match(run.error!.message, /quality evaluation failed after 1000 of 2500 feedback rows: .*custom_machine_learning engine at http:\/\/127\.0\.0\.1:\d+\/v1\/deployments\/credit\/online.*500/s);
    assert.deepEqual(run.statistics, { feedback_rows: 2000, scored_rows: 1000, engine_calls: 2 });
    proxy.failOn = proxy.calls + 2;
    proxy.mode = "hang";
    run = await failedRun();
    assert.match(run.error!.message, /failed after 1000 of 2500 feedback rows: .*1500 ms/s);
    proxy.failOn = undefined;
    assert.equal(((await subscription.quality_monitoring.get_metrics()) as MeasurementSample[]).length, stored);
  });

  test("a feedback label the model never predicts fails the run, naming the label and rows", async () => {
    await subscription.feedback_logging.store([[...feedbackValues[0]!.slice(0, -1), "Maybe"]], { fields });
    const run = await failedRun();
    assert.match(run.error!.message, /label the model never predicts: 'Maybe' \(feedback row 2501\); the model's classes are 'No Risk', 'Risk'/);
  });

  test("runs are listed newest first; unknown run and measurement ids are NotFound", async () => {
    const { evaluations } = (await subscription.quality_monitoring.get_run_details()) as { evaluations: MonitorRun[] };
    assert.deepEqual(evaluations.map((e) => e.status), ["failed", "failed", "failed", "completed", "failed"]);
    await assert.rejects(subscription.quality_monitoring.get_run_details("nope"), /No quality run with uid 'nope'/);
    await assert.rejects(subscription.quality_monitoring.show_confusion_matrix("nope"), /No measurement with uid 'nope'/);
  });
});

describe("quality monitoring of a multiclass model", () => {
  test("iris on the custom engine: accuracy and the weighted metrics of the engine's answers, a 3×3 matrix", async () => {
    const iris = generateIris({ rows: 300, seed: 4 });
    const irisClient = await testClient(new RecordingOutput());
    try {
      await irisClient.data_mart.setup();
      const binding_uid = await irisClient.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
      const irisSubscription = await irisClient.data_mart.subscriptions.add(
        new CustomMachineLearningAsset({ source_uid: "iris", binding_uid, problem_type: ProblemType.MULTICLASS_CLASSIFICATION, label_column: "species", prediction_column: "prediction", probability_column: "probability", feature_columns: iris.feature_columns }),
      );
      const rows = rowsOf(iris);
      const scored = await irisSubscription.score({ fields: iris.feature_columns, values: rows.map((r) => iris.feature_columns.map((f) => r[f])) });
      await irisSubscription.quality_monitoring.enable({ threshold: 0.9, min_records: 100 });
      await irisSubscription.feedback_logging.store(rows, { feedback_format: "dict" });
      const run = await irisSubscription.quality_monitoring.run({ background_mode: false });
      assert.equal(run.status, "completed", run.error?.message);
      const classes = iris.labels;
      const index = (label: unknown) => classes.indexOf(String(label));
      const expected = multiclassMetrics({
        actual: Int32Array.from(rows, (r) => index(r.species)),
        predicted: Int32Array.from(scored.values, (v) => index(v[0])),
        probabilities: Float64Array.from(scored.values.flatMap((v) => v[1] as number[])),
        classCount: 3,
        classLabels: classes,
      });
      const [sample] = await irisSubscription.quality_monitoring.get_metrics();
      assert.deepEqual(sample!.metrics.map((m) => m.id), ["accuracy", "weighted_true_positive_rate", "weighted_false_positive_rate", "weighted_recall", "weighted_precision", "weighted_f_measure", "log_loss"]);
      for (const m of sample!.metrics) assert.ok(Math.abs(m.value! - (expected.metrics as Record<string, number>)[m.id]!) < 1e-12, m.id);
      assert.equal(sample!.metrics[0]!.lower_limit, 0.9, "the threshold limits accuracy");
      const measurement = await irisSubscription.quality_monitoring.get_metrics().then((s) => s[0]!);
      const full = await irisClient.data_mart.get_deployment_metrics();
      assert.ok(full.deployment_metrics[0]!.metrics.some((m) => m.metric_type === "quality"));
      assert.equal(measurement.measurement_id, run.measurement_id);
    } finally {
      await irisClient.close();
    }
  });
});
