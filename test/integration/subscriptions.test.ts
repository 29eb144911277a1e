import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
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
  InputDataType,
  NotFoundError,
  PayloadRecord,
  ProblemType,
  rowsOf,
  SageMakerMachineLearningAsset,
  SageMakerMachineLearningInstance,
  startLocalEngines,
  StateError,
  ValidationError,
  WatsonMachineLearningAsset,
  WatsonMachineLearningInstance,
  type LocalEngines,
  type Subscription,
} from "../../src/index";
import { RecordingOutput } from "../support/recording-output";
import { closeTestClients, testClient } from "../support/test-client";

const credit = generateCreditRisk({ rows: 60, seed: 7 });
const features = credit.feature_columns;
const categorical = credit.categorical_columns;
const rows = rowsOf(credit).map(({ Risk: _, ...r }) => r);
const request = (from: number, to: number) => ({ fields: features, values: rows.slice(from, to).map((r) => features.map((f) => r[f])) });

let engines: LocalEngines;
let client: APIClient;
let out: RecordingOutput;
let binding_uid: string;
let subscription: Subscription;

before(async () => {
  engines = await startLocalEngines();
  out = new RecordingOutput();
  client = await testClient(out);
  await client.data_mart.setup();
  binding_uid = await client.data_mart.bindings.add("My custom engine", new CustomMachineLearningInstance(engines.custom));
  subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({
      source_uid: "credit",
      binding_uid,
      problem_type: ProblemType.BINARY_CLASSIFICATION,
      input_data_type: InputDataType.STRUCTURED,
      label_column: "Risk",
      prediction_column: "prediction",
      probability_column: "probability",
      feature_columns: features,
      categorical_columns: categorical,
    }),
  );
});
after(async () => {
  await client.close();
  await engines.stop();
  await closeTestClients();
});

async function count(s: Subscription = subscription): Promise<number> {
  return s.payload_logging.get_records_count();
}

describe("subscriptions", () => {
  test("add subscribes the one deployment, turns on payload logging and performance monitoring, and lists it", async () => {
    const details = await subscription.get_details();
    assert.equal(details.entity.asset.asset_id, "credit");
    assert.equal(details.entity.service_binding_id, binding_uid);
    assert.deepEqual(details.entity.configurations.filter((c) => c.enabled).map((c) => c.type), ["payload_logging", "performance_monitoring"]);
    const [deployment] = details.entity.deployments;
    assert.equal(deployment!.scoring_endpoint.url, `${engines.custom.url}/v1/deployments/credit/online`);
    assert.deepEqual(deployment!.scoring_endpoint.request_headers, { "Content-Type": "application/json" });
    assert.deepEqual(details.entity.asset_properties.feature_fields, features);
    assert.equal(details.entity.asset_properties.prediction_field, "prediction");
    assert.deepEqual(await subscription.get_deployment_uids(), ["credit"]);
    await subscription.list_deployments();
    assert.equal(out.lastTable().title, `Deployments for subscription with uid='${subscription.uid}'`);
    assert.deepEqual(out.lastTable().rows.map((r) => r.slice(0, 2)), [["credit", "German credit risk compliant deployment"]]);
    const ofBinding = (await client.data_mart.subscriptions.get_details({ binding_uid })) as { subscriptions: unknown[] };
    assert.equal(ofBinding.subscriptions.length, 1);

    await client.data_mart.subscriptions.list();
    const table = out.lastTable();
    assert.equal(table.title, "Subscriptions");
    assert.deepEqual(table.columns, ["uid", "name", "type", "binding_uid", "created"]);
    assert.deepEqual(table.rows.map((r) => r[0]), [subscription.uid]);
    assert.deepEqual(await client.data_mart.subscriptions.get_uids(), [subscription.uid]);
    assert.equal((await client.data_mart.subscriptions.get({ name: "credit" })).uid, subscription.uid);
    const assets = await client.data_mart.bindings.get_asset_details();
    assert.deepEqual(assets.map((a) => [a.source_uid, a.is_subscribed]), [["credit", true], ["iris", false]]);
  });

  test("subscribing again returns the same subscription with a warning", async () => {
    const again = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, feature_columns: features, categorical_columns: categorical }));
    assert.equal(again.uid, subscription.uid);
    assert.match(out.warnings.at(-1)!, /Warning during subscription of asset/);
  });

  test("an asset of another engine type, on this binding, is refused, naming the binding's type", async () => {
    const err = await client.data_mart.subscriptions.add(new SageMakerMachineLearningAsset({ source_uid: "credit", binding_uid })).catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.equal(err.issues[0]!.path, "binding_uid");
    assert.match(err.message, /is a custom_machine_learning engine, but a SageMakerMachineLearningAsset needs a sagemaker_machine_learning binding/);
    assert.deepEqual(await client.data_mart.subscriptions.get_uids(), [subscription.uid], "nothing was written");
  });

  test("an unknown source_uid is refused, listing the assets that exist", async () => {
    const err = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit-v2" })).catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.equal(err.issues[0]!.path, "source_uid");
    assert.match(err.message, /source_uid 'credit-v2' cannot be found.*Assets there: 'credit', 'iris'/);
  });

  test("feature columns the engine's model does not take are refused", async () => {
    const err = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid, feature_columns: ["sepal_length", "Income"] })).catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.equal(err.issues[0]!.path, "feature_columns");
    assert.match(err.message, /'Income' is not an input of the deployed model; its inputs: /);
  });

  test("asset options are checked when the asset is built", () => {
    assert.throws(() => new CustomMachineLearningAsset({ source_uid: "x", problem_type: "binaryy" as never }), /problem_type: expected one of 'binary', 'multiclass', 'regression'/);
    assert.throws(() => new CustomMachineLearningAsset({ source_uid: "x", feature_columns: ["a"], categorical_columns: ["b"] }), /categorical_columns: 'b' is not in feature_columns/);
    assert.throws(() => new CustomMachineLearningAsset({ source_uid: "x", feature_colums: ["a"] } as never), /unknown field 'feature_colums'/);
    assert.equal(new WatsonMachineLearningAsset("model-uid", { label_column: "Risk" }).source_uid, "model-uid");
  });

  test("several deployments of one asset need deployment_uids, and the error lists them", async () => {
    const server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const resource = (guid: string) => ({
        metadata: { guid, created_at: "2026-01-15T09:30:00Z" },
        entity: { name: `credit ${guid}`, scoring_url: `${base}/v1/deployments/${guid}/online`, asset: { guid: "credit", name: "credit" } },
      });
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ resources: [resource("blue"), resource("green")] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const two = await client.data_mart.bindings.add("Two deployments", new CustomMachineLearningInstance({ url }));
      const err = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: two })).catch((e) => e);
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /one deployment only\. 2 deployments are available for this asset: 'blue' \(credit blue\), 'green' \(credit green\)/);
      const unknown = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: two }), { deployment_uids: ["red"] }).catch((e) => e);
      assert.match(unknown.message, /'red' is not a deployment of asset 'credit'/);
      const green = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: two }), { deployment_uids: ["green"] });
      assert.deepEqual(await green.get_deployment_uids(), ["green"]);
      await client.data_mart.bindings.delete(two, { background_mode: true });
      assert.deepEqual(await client.data_mart.subscriptions.get_uids(), [subscription.uid], "deleting the binding deletes its subscriptions");
    } finally {
      server.close();
    }
  });
});

describe("payload logging", () => {
  test("score() scores through the engine, logs request and answer, and returns {fields, values}", async () => {
    const scored = await subscription.score(rows.slice(0, 5));
    assert.deepEqual(scored.fields, ["prediction", "probability"]);
    assert.equal(scored.values.length, 5);
    assert.ok(["Risk", "No Risk"].includes(scored.values[0]![0] as string));
    assert.ok(scored.response_time >= 0);
    const logged = await subscription.payload_logging.get_table_content({ format: "python" });
    assert.deepEqual(logged.values.map((v) => v[0]).sort(), [1, 2, 3, 4, 5].map((i) => `${scored.scoring_id}-${i}`));
    const first = await subscription.payload_logging.get_table_content({ limit: 5 });
    const row = first.find((r) => r.scoring_id === `${scored.scoring_id}-1`)!;
    assert.equal(row.Age, rows[0]!.Age);
    assert.equal(row.Sex, rows[0]!.Sex);
    assert.equal(row.prediction, scored.values[0]![0]);
    assert.deepEqual(row.probability, scored.values[0]![1]);
    assert.equal(row.prediction_probability, Math.max(...(scored.values[0]![1] as number[])));
  });

  test("store() keeps a scoring_id once, however often it is sent", async () => {
    const before = await count();
    const record = () => new PayloadRecord({ request: request(5, 8), response: { fields: ["prediction", "probability"], values: [["Risk", [0.2, 0.8]], ["No Risk", [0.9, 0.1]], ["Risk", [0.4, 0.6]]] }, scoring_id: "same-request", response_time: 4321 });
    assert.deepEqual(await subscription.payload_logging.store([record()]), { records: 1, stored_rows: 3, duplicate_rows: 0, duplicate_records: 0 });
    assert.deepEqual(await subscription.payload_logging.store([record(), record()]), { records: 2, stored_rows: 0, duplicate_rows: 6, duplicate_records: 2 });
    assert.equal(await count(), before + 3);
    const samples = (await subscription.performance_monitoring.get_table_content()).filter((s) => s.scoring_time === 4321);
    assert.equal(samples.length, 1, "one performance sample per request, also kept once");
    assert.equal(samples[0]!.scoring_records, 3);
  });

  test("records that do not fit are refused with record and field named, and nothing of the batch is stored", async () => {
    const before = await count();
    const good = new PayloadRecord({ request: request(10, 11), response: { fields: ["prediction", "probability"], values: [["Risk", [0.3, 0.7]]] } });
    const wrongType = new PayloadRecord({ request: { fields: features, values: [features.map((f) => (f === "Age" ? "forty" : rows[0]![f]))] }, response: { fields: ["prediction", "probability"], values: [["Risk", [0.3, 0.7]]] } });
    const missing = new PayloadRecord({ request: { fields: features.filter((f) => f !== "LoanAmount"), values: [features.filter((f) => f !== "LoanAmount").map((f) => rows[0]![f])] }, response: { fields: ["prediction"], values: [["Risk"]] } });
    const rowsMismatch = new PayloadRecord({ request: request(0, 2), response: { fields: ["prediction"], values: [["Risk"]] } });
    const err = await subscription.payload_logging.store([good, wrongType, missing, rowsMismatch]).catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.match(err.message, /nothing was stored \(3 problems\)/);
    assert.deepEqual(err.issues.map((i) => i.path), [
      "records[1].request.values[0] field 'Age'",
      "records[2].request.fields",
      "records[3].response.values",
    ]);
    assert.match(err.issues[0]!.message, /expected a number, got 'forty'/);
    assert.match(err.issues[1]!.message, /lacks the feature column\(s\) 'LoanAmount'/);
    assert.equal(await count(), before, "the valid record was not stored either");
    assert.throws(() => new PayloadRecord({ request: request(0, 1), response: "{not json" }), /response: is text that is not JSON/);
    assert.throws(() => new PayloadRecord({ request: request(0, 1), response: {}, response_time: -3 }), /response_time: expected milliseconds, 0 or more/);
  });

  test("a large batch is streamed: records are read and written chunk by chunk", async () => {
    const before = await count();
    let produced = 0;
    async function* many() {
      for (let i = 0; i < 12_000; i++) {
        produced++;
        yield new PayloadRecord({ request: request(i % 50, (i % 50) + 1), response: { fields: ["prediction", "probability"], values: [["No Risk", [0.9, 0.1]]] }, scoring_id: `bulk-${i}` });
      }
    }
    const heapBefore = process.memoryUsage().heapUsed;
    const outcome = await subscription.payload_logging.store(many());
    assert.equal(produced, 12_000);
    assert.deepEqual(outcome, { records: 12_000, stored_rows: 12_000, duplicate_rows: 0, duplicate_records: 0 });
    assert.equal(await count(), before + 12_000);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024);
  });

  test("describe_table, show_table and print_table_schema show the typed table", async () => {
    await subscription.payload_logging.show_table({ limit: 3 });
    let table = out.lastTable();
    assert.equal(table.title, `Payload_${subscription.uid} (binding_id=${binding_uid}, subscription_id=${subscription.uid})`);
    assert.equal(table.rows.length, 3);
    assert.equal(table.note, "Note: First 3 records were displayed.");
    assert.deepEqual(table.columns.slice(0, 5), ["scoring_id", "scoring_timestamp", "deployment_id", "asset_revision", features[0]]);

    await subscription.payload_logging.describe_table();
    table = out.lastTable();
    assert.deepEqual(table.rows.map((r) => r[0]), ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]);
    const ageColumn = table.columns.indexOf("Age");
    const ages = (await subscription.payload_logging.get_table_content({ format: "python", limit: 100_000 })).values.length;
    assert.equal(table.rows[0]![ageColumn], ages, "count covers every row");
    const minAge = Math.min(...rows.map((r) => r.Age as number));
    assert.equal(table.rows[3]![ageColumn], minAge);

    await subscription.payload_logging.print_table_schema();
    table = out.lastTable();
    assert.equal(table.title, `Schema of Payload_${subscription.uid}`);
    const types = Object.fromEntries(table.rows.map((r) => [r[0], r[1]]));
    assert.equal(types.Age, "double");
    assert.equal(types.Sex, "string");
    assert.equal(types.prediction, "string");
    assert.equal(types.probability, "array<double>");
  });

  test("disabled payload logging refuses records; enable turns it back on", async () => {
    await subscription.payload_logging.disable();
    const err = await subscription.payload_logging.store([new PayloadRecord({ request: request(0, 1), response: { fields: ["prediction"], values: [["Risk"]] } })]).catch((e) => e);
    assert.ok(err instanceof StateError);
    assert.match(err.message, /Payload logging is disabled.*payload_logging\.enable\(\)/);
    await subscription.payload_logging.enable();
    assert.equal((await subscription.payload_logging.get_details()).enabled, true);
  });
});

describe("performance monitoring", () => {
  test("one sample per request, and per-hour aggregates", async () => {
    const fresh = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid }));
    const answer = { fields: ["prediction"], values: [["setosa"], ["virginica"]] };
    const at = (time: string, ms: number, id: string) => new PayloadRecord({ request: { fields: ["sepal_length"], values: [[5.1], [6.3]] }, response: answer, scoring_timestamp: time, response_time: ms, scoring_id: id });
    await fresh.payload_logging.store([at("2026-11-20T10:05:00Z", 10, "a"), at("2026-11-20T10:40:00Z", 30, "b"), at("2026-11-20T11:10:00Z", 50, "c")]);
    await fresh.performance_monitoring.show_table();
    const samples = out.lastTable();
    assert.deepEqual(samples.columns, ["ts", "scoring_time", "scoring_records", "binding_id", "subscription_id", "deployment_id", "process", "asset_revision"]);
    assert.deepEqual(samples.rows.map((r) => [r[0], r[1], r[2]]), [
      ["2026-11-20T11:10:00.000Z", 50, 2],
      ["2026-11-20T10:40:00.000Z", 30, 2],
      ["2026-11-20T10:05:00.000Z", 10, 2],
    ]);
    const hours = await fresh.performance_monitoring.get_table_content({ interval: "hour" });
    assert.deepEqual(hours.map((h) => [h.hour, h.requests, h.records, h.avg_response_time, h.max_response_time]), [
      ["2026-11-20T11:00:00.000Z", 1, 2, 50, 50],
      ["2026-11-20T10:00:00.000Z", 2, 4, 20, 30],
    ]);
    const { deployment_metrics } = await client.data_mart.get_deployment_metrics({ subscription_uid: fresh.uid });
    assert.equal(deployment_metrics[0]!.metrics[0]!.value.total_requests, 3);
    await client.data_mart.subscriptions.delete(fresh.uid);
    await assert.rejects(client.data_mart.subscriptions.get(fresh.uid), NotFoundError);
  });
});

describe("payload analytics", () => {
  test("data_distribution.run groups in SQL; get_run_result and show_chart read the run", async () => {
    const run = await subscription.payload_logging.data_distribution.run({ group: ["prediction", "Sex"], agg: ["count", "Age:avg"] });
    assert.equal(run.status, "completed");
    assert.match(out.lines.at(-1)!, /Waiting for end of data distribution run .*completed.*Successfully finished run/s);
    const result = (await subscription.payload_logging.data_distribution.get_run_result({ run_id: run.id })) as Record<string, unknown>[];
    const all = await subscription.payload_logging.get_table_content({ limit: 100_000 });
    for (const group of result) {
      const members = all.filter((r) => r.prediction === group.prediction && r.Sex === group.Sex);
      assert.equal(group.count, members.length);
      const mean = members.reduce((s, r) => s + (r.Age as number), 0) / members.length;
      assert.ok(Math.abs((group["Age:avg"] as number) - mean) < 1e-9);
    }
    assert.equal(result.reduce((s, g) => s + (g.count as number), 0), all.length);
    const filtered = (await subscription.payload_logging.data_distribution.get_run_result({
      run_id: (await subscription.payload_logging.data_distribution.run({ group: ["Sex"], filter: "Age:gte:40,prediction:in:[Risk]" })).id,
      format: "python",
    })) as { fields: string[]; values: unknown[][] };
    assert.deepEqual(filtered.fields, ["Sex", "count"]);
    const expected = all.filter((r) => (r.Age as number) >= 40 && r.prediction === "Risk");
    assert.equal(filtered.values.reduce((s, v) => s + (v[1] as number), 0), expected.length);

    const binned = (await subscription.payload_logging.data_distribution.get_run_result({
      run_id: (await subscription.payload_logging.data_distribution.run({ group: ["LoanAmount"], max_bins: 4 })).id,
      format: "python",
    })) as { fields: string[]; values: unknown[][] };
    const starts = binned.values.map((v) => Number(/^\[(-?[\d.]+),/.exec(String(v[0]))![1]));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "bins in numeric order");
    assert.ok(binned.values.length <= 5);
    assert.equal(binned.values.reduce((sum, v) => sum + (v[1] as number), 0), all.length);

    const background = await subscription.payload_logging.data_distribution.run({ group: ["Sex"], background_mode: true });
    assert.ok(["running", "completed"].includes(background.status));
    let details = background;
    while (details.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      details = await subscription.payload_logging.data_distribution.get_run_details(background.id);
    }
    assert.equal(details.status, "completed");
    assert.equal(details.distribution!.values.reduce((sum, v) => sum + (v[1] as number), 0), all.length);

    await subscription.payload_logging.data_distribution.show_chart(run.id);
    const chart = out.barCharts.at(-1)!;
    assert.deepEqual(chart.group, ["prediction", "Sex"]);
    assert.equal(chart.rows.length, result.length);
  });

  test("a column that does not exist is refused, naming the columns there are", async () => {
    const err = await subscription.payload_logging.data_distribution.run({ group: ["Gender"], agg: ["Income:avg"] }).catch((e) => e);
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(err.issues.map((i) => i.path), ["group[0]", "agg[0]"]);
    assert.match(err.issues[0]!.message, /'Gender' is not a column of the payload table; its columns: scoring_id, .*Sex/);
    const notNumeric = await subscription.payload_logging.data_distribution.run({ group: ["Sex"], agg: ["Sex:avg"] }).catch((e) => e);
    assert.match(notNumeric.message, /'Sex' holds string values/);
  });
});

describe("configuration files and updates", () => {
  test("export_configuration and import_configuration re-create a subscription; update changes what columns mean", async () => {
    const exported = await client.data_mart.subscriptions.export_configuration(subscription.uid);
    assert.equal(exported.export_info?.api_version, "v1");
    assert.deepEqual(exported.configurations.payload_logging, { enabled: true, parameters: {} });
    const err = await subscription.update({ feature_columns: ["Age"] }).catch((e) => e);
    assert.match(err.message, /feature_fields is fixed: payloads are logged/);
    const updated = await subscription.update({ label_column: "Outcome" });
    assert.equal(updated.entity.asset_properties.label_column, "Outcome");

    const separate = await testClient(new RecordingOutput());
    try {
      await separate.data_mart.setup();
      await separate.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
      const imported = await separate.data_mart.subscriptions.import_configuration(exported);
      const details = await imported.get_details();
      assert.deepEqual(details.entity.asset_properties.feature_fields, features);
      assert.equal(details.entity.configurations.find((c) => c.type === "payload_logging")!.enabled, true);
      assert.equal((await imported.score(rows.slice(0, 2))).values.length, 2);
    } finally {
      await separate.close();
    }
  });
});

describe("every engine's deployment can be subscribed, scored and logged", () => {
  test("Watson ML, SageMaker, Azure ML Studio and Azure ML online endpoints", async () => {
    const cases = [
      { name: "wml", instance: new WatsonMachineLearningInstance(engines.wml), asset: (b: string, uid: string) => new WatsonMachineLearningAsset(uid, { binding_uid: b, prediction_column: "prediction", probability_column: "probability", feature_columns: features, categorical_columns: categorical }) },
      { name: "sagemaker", instance: new SageMakerMachineLearningInstance(engines.sagemaker), asset: (b: string) => new SageMakerMachineLearningAsset({ source_uid: "credit-risk-linear-learner", binding_uid: b, prediction_column: "predicted_label", probability_column: "score", feature_columns: features, categorical_columns: categorical }) },
      { name: "azure studio", instance: new AzureMachineLearningStudioInstance(engines.azure_studio), asset: (b: string) => new AzureMachineLearningStudioAsset({ source_uid: "credit-risk-web-service", binding_uid: b, prediction_column: "Scored Labels", probability_column: "Scored Probabilities", feature_columns: features, categorical_columns: categorical }) },
      { name: "azure service", instance: new AzureMachineLearningServiceInstance(engines.azure_service), asset: (b: string) => new AzureMachineLearningServiceAsset({ source_uid: "credit-risk-sklearn", binding_uid: b, feature_columns: features, categorical_columns: categorical }) },
    ];
    for (const c of cases) {
      const b = await client.data_mart.bindings.add(c.name, c.instance);
      const assets = await client.data_mart.bindings.get_asset_details({ binding_uid: b });
      const creditAsset = assets.find((a) => /credit/i.test(a.name))!;
      const s = await client.data_mart.subscriptions.add(c.asset(b, creditAsset.source_uid));
      const scored = await s.score(rows.slice(0, 4));
      assert.equal(scored.values.length, 4, c.name);
      const logged = await s.payload_logging.get_table_content();
      assert.equal(logged.length, 4, c.name);
      assert.equal(logged[0]!.Age !== undefined, true, c.name);
      const time = await s.performance_monitoring.get_table_content();
      assert.equal(time[0]!.scoring_records, 4, c.name);
    }
  });
});
