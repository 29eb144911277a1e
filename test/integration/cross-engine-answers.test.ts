/**
 * The same model and applicants, scored on all five engines, must leave the same prediction, class probabilities and
 * prediction_probability in the payload table: what quality and fairness later read cannot depend on the engine.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  AzureMachineLearningServiceAsset,
  AzureMachineLearningServiceInstance,
  AzureMachineLearningStudioAsset,
  AzureMachineLearningStudioInstance,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  PayloadRecord,
  ProblemType,
  rowsOf,
  SageMakerMachineLearningAsset,
  SageMakerMachineLearningInstance,
  startLocalEngines,
  WatsonMachineLearningAsset,
  WatsonMachineLearningInstance,
  type LocalEngines,
  type Subscription,
} from "../../src/index";
import { RecordingOutput } from "../support/recording-output";
import { closeTestClients, testClient } from "../support/test-client";

const credit = generateCreditRisk({ rows: 40, seed: 7 });
const features = credit.feature_columns;
const categorical = credit.categorical_columns;
const rows = rowsOf(credit).map(({ Risk: _, ...r }) => r);
const common = { problem_type: ProblemType.BINARY_CLASSIFICATION, label_column: "Risk", feature_columns: features, categorical_columns: categorical };

let engines: LocalEngines;
let client: APIClient;
const subscriptions = new Map<string, { subscription: Subscription; prediction: string; probability: string }>();

before(async () => {
  engines = await startLocalEngines();
  client = await testClient(new RecordingOutput());
  await client.data_mart.setup();
  const wml = await client.data_mart.bindings.add("wml", new WatsonMachineLearningInstance(engines.wml));
  const wmlModel = (await client.data_mart.bindings.get_asset_details({ binding_uid: wml })).find((a) => /credit/i.test(a.name))!.source_uid;
  const cases = [
    { name: "custom", instance: new CustomMachineLearningInstance(engines.custom), prediction: "prediction", probability: "probability",
      asset: (b: string) => new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: b, prediction_column: "prediction", probability_column: "probability", ...common }) },
    { name: "wml", binding: wml, prediction: "prediction", probability: "probability",
      asset: (b: string) => new WatsonMachineLearningAsset(wmlModel, { binding_uid: b, prediction_column: "prediction", probability_column: "probability", ...common }) },
    { name: "azure studio", instance: new AzureMachineLearningStudioInstance(engines.azure_studio), prediction: "Scored Labels", probability: "Scored Probabilities",
      asset: (b: string) => new AzureMachineLearningStudioAsset({ source_uid: "credit-risk-web-service", binding_uid: b, prediction_column: "Scored Labels", probability_column: "Scored Probabilities", ...common }) },
    { name: "azure service", instance: new AzureMachineLearningServiceInstance(engines.azure_service), prediction: "Scored Labels", probability: "Scored Probabilities",
      asset: (b: string) => new AzureMachineLearningServiceAsset({ source_uid: "credit-risk-sklearn", binding_uid: b, prediction_column: "Scored Labels", probability_column: "Scored Probabilities", ...common }) },
    { name: "sagemaker", instance: new SageMakerMachineLearningInstance(engines.sagemaker), prediction: "predicted_label", probability: "score",
      asset: (b: string) => new SageMakerMachineLearningAsset({ source_uid: "credit-risk-linear-learner", binding_uid: b, prediction_column: "predicted_label", probability_column: "score", class_labels: ["No Risk", "Risk"], ...common }) },
  ];
  for (const c of cases) {
    const binding = c.binding ?? (await client.data_mart.bindings.add(c.name, c.instance!));
    const subscription = await client.data_mart.subscriptions.add(c.asset(binding));
    subscriptions.set(c.name, { subscription, prediction: c.prediction, probability: c.probability });
  }
});
after(async () => {
  await client.close();
  await engines.stop();
  await closeTestClients();
});

interface Stored {
  prediction: unknown;
  probability: unknown;
  prediction_probability: unknown;
}

async function stored(name: string): Promise<Stored[]> {
  const { subscription, prediction, probability } = subscriptions.get(name)!;
  const content = await subscription.payload_logging.get_table_content({ limit: 100 });
  return content
    .sort((a, b) => Number(String(a.scoring_id).split("-").pop()) - Number(String(b.scoring_id).split("-").pop()))
    .map((r) => ({ prediction: r[prediction], probability: r[probability], prediction_probability: r.prediction_probability }));
}

describe("the same applicants on every engine", () => {
  test("score() stores identical prediction, probability vector and prediction_probability on all five engines", async () => {
    const returned = new Map<string, unknown[][]>();
    for (const [name, { subscription, prediction, probability }] of subscriptions) {
      const answer = await subscription.score(rows);
      const p = answer.fields.indexOf(prediction);
      const q = answer.fields.indexOf(probability);
      returned.set(name, answer.values.map((v) => [v[p], v[q]]));
    }
    const reference = await stored("wml");
    assert.equal(reference.length, rows.length);
    for (const r of reference) {
      assert.ok(r.prediction === "Risk" || r.prediction === "No Risk");
      const vector = r.probability as number[];
      assert.equal(vector.length, 2);
      assert.equal(r.prediction_probability, Math.max(...vector), "prediction_probability is the predicted class's probability");
      assert.ok((r.prediction_probability as number) >= 0.5);
      assert.equal(r.prediction, vector[0]! >= vector[1]! ? "No Risk" : "Risk");
    }
    assert.ok(new Set(reference.map((r) => r.prediction)).size === 2, "both classes occur, so the mapping is really exercised");
    for (const name of subscriptions.keys()) {
      assert.deepEqual(await stored(name), reference, `${name} stores what Watson ML stores`);
      assert.deepEqual(returned.get(name), reference.map((r) => [r.prediction, r.probability]), `${name}: score() returns what was stored`);
    }
  });

  test("a native SageMaker answer logged by hand maps predicted_label to the class labels, and its score to [1 - score, score]", async () => {
    const { subscription } = subscriptions.get("sagemaker")!;
    const request = { fields: features, values: rows.slice(0, 2).map((r) => features.map((f) => r[f])) };
    const response = { predictions: [{ score: 0.085511, predicted_label: 0 }, { score: 0.75, predicted_label: 1 }] };
    await subscription.payload_logging.store([new PayloadRecord({ request, response, scoring_id: "native-sagemaker" })]);
    const content = await subscription.payload_logging.get_table_content({ limit: 1000 });
    const logged = content.filter((r) => String(r.scoring_id).startsWith("native-sagemaker-")).sort((a, b) => String(a.scoring_id).localeCompare(String(b.scoring_id)));
    assert.deepEqual(logged.map((r) => [r.predicted_label, r.score, r.prediction_probability]), [
      ["No Risk", [0.914489, 0.085511], 0.914489],
      ["Risk", [0.25, 0.75], 0.75],
    ]);
  });

  test("an Azure ML Studio classic answer (numbers as text) reads the same", async () => {
    const { subscription } = subscriptions.get("azure studio")!;
    const request = { fields: features, values: rows.slice(0, 1).map((r) => features.map((f) => r[f])) };
    const response = { Results: { output1: { type: "table", value: { ColumnNames: ["Scored Labels", "Scored Probabilities"], ColumnTypes: ["String", "String"], Values: [["No Risk", "0.085511"]] } } } };
    await subscription.payload_logging.store([new PayloadRecord({ request, response, scoring_id: "classic" })]);
    const [row] = (await subscription.payload_logging.get_table_content({ limit: 1000 })).filter((r) => r.scoring_id === "classic-1");
    assert.deepEqual([row!["Scored Labels"], row!["Scored Probabilities"], row!.prediction_probability], ["No Risk", [0.914489, 0.085511], 0.914489]);
  });

  test("the same feedback through all five engines gives the same stored quality measurement", async () => {
    const feedback = generateCreditRisk({ rows: 1500, seed: 17 });
    const fields = [...features, "Risk"];
    const values = rowsOf(feedback).map((r) => fields.map((f) => r[f]));
    const measured = new Map<string, unknown>();
    for (const [name, { subscription }] of subscriptions) {
      await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 100 });
      await subscription.feedback_logging.store(values, { fields });
      const run = await subscription.quality_monitoring.run({ background_mode: false });
      assert.equal(run.status, "completed", `${name}: ${run.error?.message}`);
      assert.equal(run.statistics?.engine_calls, 2, `${name}: 1,500 rows in two engine calls`);
      const [sample] = await subscription.quality_monitoring.get_metrics();
      measured.set(name, sample!.metrics.map((m) => [m.id, Number(m.value!.toPrecision(12)), m.lower_limit ?? null]));
    }
    const reference = measured.get("wml");
    assert.equal((reference as unknown[]).length, 9);
    for (const [name, metrics] of measured) assert.deepEqual(metrics, reference, `${name} measures what Watson ML measures`);
  });
});
