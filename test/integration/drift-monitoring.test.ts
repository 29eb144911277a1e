/**
 * The drift monitor on both stores: training statistics kept at enable, data drift counted in SQL equal to the same
 * constraints checked row by row in JavaScript, feature drift from SQL histograms equal to the tests on raw values
 * for discrete features, a shifted population drifting while an unshifted one stays clean, and the refusals.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import {
  CustomMachineLearningInstance,
  generateCreditRisk,
  rowsOf,
  StateError,
  ValidationError,
  type FeatureDriftSample,
  type Subscription,
} from "../../src/index";
import { constraintViolations, learnConstraints } from "../../src/metrics/data-constraints";
import { driftTest } from "../../src/metrics/drift/index";
import { predictCorrectness, type DriftModel } from "../../src/metrics/drift-model";
import { creditAsset } from "../support/credit-asset";
import { startProxiedMart, type ProxiedMart } from "../support/proxied-mart";
import { twoMarts } from "../support/two-marts";

const training = generateCreditRisk({ rows: 3000, seed: 42 });
const clean = generateCreditRisk({ rows: 600, seed: 3 });
const shifted = generateCreditRisk({ rows: 600, seed: 4, drift: true });
const requests = (d: typeof clean) => rowsOf(d).map(({ Risk: _, ...r }) => r);
const column = (d: typeof clean, f: string) => d.values.map((r) => r[d.fields.indexOf(f)]);

const { each } = twoMarts("drift", async (client, engines) => {
  const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(creditAsset(binding));
  return { subscription };
});

async function latestFeatureDrift(subscription: Subscription): Promise<FeatureDriftSample["value"]> {
  const [sample] = await subscription.drift_monitoring.get_feature_drift({ limit: 1 });
  return sample!.value;
}

describe("drift monitoring on both stores", () => {
  each("clean payload stays clean, a shifted population drifts; SQL counts equal the JavaScript reference", async ({ subscription, out }) => {
    await subscription.score(requests(clean));
    const configuration = await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 500, training_data: rowsOf(training) });
    assert.equal(configuration.parameters.drift_threshold, 0.05);
    assert.equal(configuration.parameters.min_samples, 500);
    assert.match((configuration.parameters.config_status as { state: string }).state, /^(in_progress|finished)$/, "the drift model trains in the background");

    const first = await subscription.drift_monitoring.run({ background_mode: false });
    assert.equal(first.status, "COMPLETED", first.error?.message);
    assert.match(out.lines.at(-1)!, /Waiting for end of drift monitoring run [\s\S]*COMPLETED[\s\S]*Successfully finished run/);
    assert.equal(first.statistics!.payload_rows, 600);
    const details = await subscription.drift_monitoring.get_details();
    assert.equal((details.parameters.config_status as { state: string }).state, "finished");
    const model = details.parameters.drift_model as DriftModel;
    // The window's predicted accuracy, computed in SQL, equals the model applied row by row here.
    const window = await subscription.payload_logging.get_table_content({ limit: 600 });
    const columns = Object.fromEntries(training.feature_columns.map((f) => [f, window.map((r) => r[f])]));
    const expected = predictCorrectness(model, columns, window.map((r) => r.probability as number[])).reduce((a, b) => a + b, 0) / 600;
    const [firstSample] = await subscription.drift_monitoring.get_metrics();
    const metric = (id: string) => firstSample!.metrics.find((m) => m.id === id)!;
    assert.ok(Math.abs(metric("predicted_accuracy").value! - expected) < 1e-9, `${metric("predicted_accuracy").value} vs ${expected}`);
    assert.equal(metric("drift_magnitude").upper_limit, 0.05);
    assert.ok(metric("drift_magnitude").value! < 0.02, "unshifted payload: no drop in accuracy");
    const constraints = learnConstraints(training.feature_columns.map((f) => ({ name: f, kind: training.categorical_columns.includes(f) ? "categorical" : "numeric", values: column(training, f) })));
    const columnsOf = (d: typeof clean) => Object.fromEntries(d.feature_columns.map((f) => [f, column(d, f)]));
    assert.equal(first.statistics!.broken_rows, constraintViolations(constraints, columnsOf(clean), 600).rows, "the SQL count equals the row-by-row check");
    const cleanDrift = await latestFeatureDrift(subscription);
    assert.equal(cleanDrift.features.length, 20);
    assert.deepEqual(cleanDrift.features.map((f) => f.feature), training.feature_columns, "the subscription's order");
    assert.ok(cleanDrift.drifted_features_share <= 0.1, `clean payload: ${cleanDrift.features.filter((f) => f.drifted).map((f) => f.feature).join(", ")} drifted`);
    // A discrete numeric feature's histogram holds every value: the test from SQL counts equals the test on raw values.
    for (const name of ["InstallmentPercent", "Dependents", "ExistingCreditsCount"]) {
      const fromSql = cleanDrift.features.find((f) => f.feature === name)!;
      const raw = driftTest({ kind: "numeric", reference: column(training, name) as number[], current: column(clean, name) as number[] });
      assert.equal(fromSql.method, raw.method, name);
      assert.ok(Math.abs(fromSql.statistic - raw.statistic) <= 1e-9 * Math.max(1, raw.statistic), `${name}: ${fromSql.statistic} vs ${raw.statistic}`);
    }

    await subscription.score(requests(shifted));
    const second = await subscription.drift_monitoring.run({ background_mode: false });
    assert.equal(second.status, "COMPLETED", second.error?.message);
    assert.equal(second.statistics!.payload_rows, 600, "the rows scored since the previous run");
    assert.equal(second.statistics!.broken_rows, constraintViolations(constraints, columnsOf(shifted), 600).rows);
    const shiftedDrift = await latestFeatureDrift(subscription);
    const drifted = shiftedDrift.features.filter((f) => f.drifted).map((f) => f.feature);
    for (const f of ["Age", "LoanAmount", "LoanDuration"]) assert.ok(drifted.includes(f), `${f} drifted (drifted: ${drifted.join(", ")})`);
    const [latest, earlier] = await subscription.drift_monitoring.get_metrics();
    const value = (s: typeof latest, id: string) => s!.metrics.find((m) => m.id === id)!.value!;
    assert.ok(value(latest, "data_drift_magnitude") > 0.1 && value(earlier, "data_drift_magnitude") < 0.03, `${value(earlier, "data_drift_magnitude")} → ${value(latest, "data_drift_magnitude")}`);
    assert.ok(value(latest, "predicted_accuracy") < value(earlier, "predicted_accuracy") - 0.02, "the shifted population is predicted to be answered worse");

    await subscription.drift_monitoring.show_table();
    assert.match(out.tables.at(-1)!.title, /DriftMetrics/);
    await subscription.drift_monitoring.show_feature_drift();
    const chart = out.charts.at(-1)!;
    assert.ok("kind" in chart && chart.kind === "histogram_table");
    assert.equal(chart.rows.length, 21, "20 features and the output");
    assert.match(chart.note!, /3 of 20|[3-9] of 20/);
  });
});

describe("drift monitoring: bad input and faults", () => {
  let mart: ProxiedMart;
  test("refusals name the field; too little payload stores nothing; statistics are reused", async () => {
    mart = await startProxiedMart(creditAsset);
    try {
      const { subscription } = mart;
      await assert.rejects(subscription.drift_monitoring.run({ background_mode: false }), (e: unknown) => e instanceof StateError && /not enabled/.test((e as Error).message));
      const invalid = (field: string) => (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path.startsWith(field));
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 100 }), invalid("training_data"));
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 1.5, min_records: 100, training_data: rowsOf(training) }), invalid("drift_threshold"));
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 0, training_data: rowsOf(training) }), invalid("min_samples"));
      const withoutAge = rowsOf(training).map(({ Age: _, ...r }) => r);
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 100, training_data: withoutAge }), (e: unknown) => e instanceof ValidationError && /Age/.test(e.message));
      const withoutLabel = rowsOf(training).map(({ Risk: _, ...r }) => r);
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 100, training_data: withoutLabel }), (e: unknown) => e instanceof ValidationError && /Risk/.test(e.message));
      const wrongType = rowsOf(training).map((r, i) => (i === 7 ? { ...r, LoanAmount: "a lot" } : r));
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 100, training_data: wrongType }), invalid("training_data[7].LoanAmount"));
      assert.equal((await subscription.drift_monitoring.get_details()).enabled, false, "nothing was stored");

      // A constant feature, a one-category feature and training rows missing a value: defined answers, no NaN.
      const odd = rowsOf(training).map((r, i) => ({ ...r, InstallmentPercent: 3, ForeignWorker: "yes", Age: i % 10 === 0 ? null : r.Age }));
      await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 300, training_data: odd });
      await subscription.score(requests(clean).slice(0, 200));
      const few = await subscription.drift_monitoring.run({ background_mode: false });
      assert.equal(few.status, "ERROR");
      assert.match(few.error!.message, /not enough payload: 200 of 300 rows/);
      assert.equal((await subscription.drift_monitoring.get_metrics()).length, 0, "nothing stored");
      await subscription.score(requests(clean).slice(200, 400));
      // Enabled again without rows: the statistics kept at the first enable serve.
      await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 300 });
      const run = await subscription.drift_monitoring.run({ background_mode: false });
      assert.equal(run.status, "COMPLETED", run.error?.message);
      const value = await latestFeatureDrift(subscription);
      for (const f of value.features) assert.ok(Number.isFinite(f.statistic), `${f.feature}: ${f.statistic}`);
      assert.ok(value.features.find((f) => f.feature === "InstallmentPercent")!.drifted, "payload spread around a constant training value drifts");
    } finally {
      await mart.close();
    }
  });

  test("the drift model: engine failing while it trains, model_path missing or corrupt, a model downloaded and uploaded", async () => {
    const mart = await startProxiedMart(creditAsset);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-drift-model-"));
    try {
      const { subscription, proxy } = mart;
      await subscription.score(requests(clean).slice(0, 300));
      proxy.failOn = proxy.calls + 2;
      proxy.mode = "error";
      await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, training_data: rowsOf(training) });
      const failed = await subscription.drift_monitoring.run({ background_mode: false });
      proxy.failOn = undefined;
      const status = (await subscription.drift_monitoring.get_details()).parameters.config_status as { state: string; message: string };
      assert.equal(status.state, "error");
      assert.match(status.message, /drift model could not be trained: .*(HTTP 500|model crashed)/);
      assert.equal(failed.status, "COMPLETED", "data and feature drift still run");
      const [sample] = await subscription.drift_monitoring.get_metrics();
      assert.deepEqual(sample!.metrics.map((m) => m.id), ["data_drift_magnitude"], "no model: no predicted accuracy");

      const missing = path.join(dir, "none.tar.gz");
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, model_path: missing }), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === "model_path" && /ENOENT/.test(i.message)));
      const corrupt = path.join(dir, "corrupt.tar.gz");
      fs.writeFileSync(corrupt, "not a model");
      await assert.rejects(subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, model_path: corrupt }), (e: unknown) => e instanceof ValidationError && /not a gzip file/.test(e.message));

      // A model trained, downloaded, and uploaded again (the Azure tutorial's model_path): no training then.
      await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, training_data: rowsOf(training) });
      await subscription.drift_monitoring.run({ background_mode: false });
      const file = path.join(dir, "drift_model.tar.gz");
      await subscription.drift_monitoring.download_model(file);
      const trained = (await subscription.drift_monitoring.get_details()).parameters.drift_model;
      await subscription.drift_monitoring.disable();
      const calls = proxy.calls;
      const uploaded = await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 200, model_path: file });
      assert.equal((uploaded.parameters.config_status as { state: string; model_name: string }).model_name, "uploaded drift detection model");
      assert.deepEqual(uploaded.parameters.drift_model, trained);
      const run = await subscription.drift_monitoring.run({ background_mode: false });
      assert.equal(proxy.calls, calls, "nothing trained, nothing scored");
      assert.equal(run.status, "COMPLETED");
      assert.ok((await subscription.drift_monitoring.get_metrics())[0]!.metrics.some((m) => m.id === "predicted_accuracy"));
    } finally {
      await mart.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
