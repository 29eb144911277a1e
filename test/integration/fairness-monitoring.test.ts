/**
 * The fairness monitor end to end on the local custom engine, on both stores: enable's rules, a run's perturbed rows
 * re-scored in batches, the stored figures equal to those recomputed from the payload table and the engine's own
 * answers, v1's table, debiased fairness and debiased scoring, and runs that fail (too little payload, an engine
 * failing in the middle) ending FINISHED WITH ERRORS with the reason and nothing stored.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  CustomMachineLearningInstance,
  Feature,
  featureFairness,
  generateCreditRisk,
  rowsOf,
  StateError,
  ValidationError,
  type FairnessSample,
  type Subscription,
} from "../../src/index";
import type { EngineProxy } from "../support/engine-proxy";
import { startProxiedMart, type ProxiedMart } from "../support/proxied-mart";
import { creditAsset } from "../support/credit-asset";
import { RecordingOutput } from "../support/recording-output";
import { twoMarts } from "../support/two-marts";

const payload = generateCreditRisk({ rows: 1200, seed: 31 });
const training = rowsOf(generateCreditRisk({ rows: 2000, seed: 42 }));
const requests = rowsOf(payload).map(({ Risk: _, ...r }) => r);
const asset = creditAsset;

const sex = () => new Feature({ name: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 });
const age = () => new Feature({ name: "Age", majority: [[26, 75]], minority: [[18, 25]], threshold: 0.95 });
const classes = { favourable_classes: ["No Risk"], unfavourable_classes: ["Risk"] };

describe("Feature checks its options where it is made", () => {
  for (const [name, options, field] of [
    ["threshold 0", { name: "Sex", majority: ["male"], minority: ["female"], threshold: 0 }, "threshold"],
    ["threshold above 1", { name: "Sex", majority: ["male"], minority: ["female"], threshold: 1.5 }, "threshold"],
    ["categories overlapping", { name: "Sex", majority: ["male", "female"], minority: ["female"], threshold: 0.9 }, "minority"],
    ["ranges overlapping (inclusive ends)", { name: "Age", majority: [[25, 75]], minority: [[18, 25]], threshold: 0.9 }, "minority"],
    ["a range and a category mixed", { name: "Age", majority: [[26, 75], "old"], minority: [[18, 25]], threshold: 0.9 }, "majority"],
    ["ranges against categories", { name: "Age", majority: [[26, 75]], minority: ["young"], threshold: 0.9 }, "minority"],
    ["a range written high to low", { name: "Age", majority: [[75, 26]], minority: [[18, 25]], threshold: 0.9 }, "majority.0"],
    ["no name", { name: "", majority: ["male"], minority: ["female"], threshold: 0.9 }, "name"],
  ] as const) {
    test(name, () => {
      assert.throws(() => new Feature(options as never), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === field || i.path.startsWith(`${field}.`)), name);
    });
  }
  test("to_json is v1's", () => {
    assert.deepEqual(age().to_json(), { feature: "Age", majority: [[26, 75]], minority: [[18, 25]], threshold: 0.95 });
  });
});

const { each } = twoMarts("fairness", async (client, engines) => {
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(asset(binding_uid));
  await subscription.score(requests.slice(0, 1000));
  return { subscription };
});

/** The newest `n` payload rows as objects. */
async function window(subscription: Subscription, n: number): Promise<Record<string, unknown>[]> {
  return subscription.payload_logging.get_table_content({ limit: n });
}

describe("fairness monitoring on both stores", () => {
  each("a run stores v1's structure; payload-only figures equal those recomputed from the payload table", async ({ subscription, out }) => {
    const configuration = await subscription.fairness_monitoring.enable({ features: [sex(), age()], ...classes, min_records: 1000, training_data: training });
    assert.equal(configuration.parameters.deployment_id, "credit");
    assert.equal(configuration.parameters.min_records, 1000);
    const run = await subscription.fairness_monitoring.run({ background_mode: false });
    assert.equal(run.status, "FINISHED", run.last_run_info_code);
    assert.match(out.lines.at(-1)!, /Counting bias for deployment_uid=credit[\s\S]*FINISHED[\s\S]*Successfully finished run/);
    const rows = await window(subscription, 1000);
    const statistics = run.statistics!;
    const inGroups = (f: string, test: (v: unknown) => boolean) => rows.filter((r) => test(r[f])).length;
    const sexRows = inGroups("Sex", (v) => v === "male" || v === "female");
    const ageRows = inGroups("Age", (v) => (v as number) >= 18 && (v as number) <= 75);
    assert.equal(statistics.perturbed_rows, sexRows + ageRows, "each grouped row moved once into the other group (one value per group)");
    assert.ok(statistics.engine_calls <= Math.ceil((statistics.perturbed_rows! + statistics.debias_rows!) / 1000), `${statistics.engine_calls} engine calls`);

    const [sample] = (await subscription.fairness_monitoring.get_metrics()) as FairnessSample[];
    assert.equal(sample!.measurement_id, run.measurement_id);
    assert.equal(sample!.value.rows_analyzed, 1000);
    assert.equal(sample!.value.perturbed_data_size, statistics.perturbed_rows);
    const female = (sample!.value.metrics[0] as unknown as { minority: { values: Record<string, number | boolean>[] } }).minority.values[0]!;
    const expected = featureFairness({
      groups: rows.map((r) => (r.Sex === "male" ? 0 : r.Sex === "female" ? 1 : -1)),
      outcomes: rows.map((r) => (r.prediction === "No Risk" ? 1 : 0)),
      majorityValues: 1,
      minorityValues: 1,
      threshold: 0.95,
    });
    assert.equal(female.payload_fav_class_percent, expected.minority.values[0]!.fav_class_percent);
    assert.equal(female.payload_fairness_value, expected.minority.values[0]!.fairness_value);
    assert.equal(female.records, expected.minority.values[0]!.records);
    // The local credit model is biased on Sex and Age by design: the monitor finds it, perturbation included.
    for (const m of sample!.value.metrics) {
      const v = m.minority.values[0]!;
      assert.equal(v.is_biased, true, `${m.feature}: ${v.fairness_value}`);
      assert.ok(v.fairness_value! < 0.95);
    }
    assert.deepEqual(sample!.metrics.map((m) => [m.id, m.lower_limit]), [["Sex=female", 0.95], ["Age=[18, 25]", 0.95]]);
    assert.deepEqual(sample!.violations, ["Sex=female", "Age=[18, 25]"]);

    await subscription.fairness_monitoring.show_table();
    const table = out.lastTable();
    assert.deepEqual(table.columns, ["ts", "feature", "feature_value", "fairness_biased", "fairness_value", "fairness_fav_class", "binding_id", "subscription_id", "asset_revision", "deployment_id", "process"]);
    assert.deepEqual(table.rows.map((r) => [r[1], r[2], r[3]]), [["Sex", "female", true], ["Age", "[18, 25]", true]]);

    const metrics = (await subscription.get_deployment_metrics()).deployment_metrics[0]!.metrics;
    assert.ok(metrics.some((m) => m.metric_type === "fairness"));
    assert.ok(metrics.some((m) => m.metric_type === "debiased_fairness"));
  });

  each("debiased fairness is stored with each run, and the window's rows get their debiased answers", async ({ subscription }) => {
    const [debiased] = (await subscription.fairness_monitoring.get_metrics({ debiased: true })) as FairnessSample[];
    const [original] = (await subscription.fairness_monitoring.get_metrics()) as FairnessSample[];
    assert.ok(debiased, "a debiased_fairness measurement");
    assert.equal(debiased!.ts, original!.ts);
    const rows = await window(subscription, 1000);
    assert.ok(rows.every((r) => r.debiased_prediction === "No Risk" || r.debiased_prediction === "Risk"), "every row of the window has its debiased prediction");
    const changed = rows.filter((r) => r.debiased_prediction !== r.prediction);
    assert.ok(changed.length > 0, "debiasing changed some outcomes");
    assert.ok(changed.every((r) => r.Sex === "female" || (r.Age as number) <= 25), "only rows of a monitored group change");
    assert.ok(rows.filter((r) => r.Sex === "male" && (r.Age as number) > 25).every((r) => r.debiased_prediction === r.prediction));
    // Debiasing raises the monitored groups' favourable rates.
    for (const [i, m] of debiased!.value.metrics.entries()) {
      assert.ok(m.minority.values[0]!.fairness_value! > original!.value.metrics[i]!.minority.values[0]!.fairness_value!, m.feature);
    }
  });

  each("debias(): the reference group's answer where the monitored attribute alone changed it, logged with the debiased columns", async ({ subscription }) => {
    const before = (await subscription.payload_logging.get_records_count()) as number;
    const result = await subscription.fairness_monitoring.debias(requests.slice(1000, 1100));
    assert.deepEqual(result.fields, ["prediction", "probability", "debiased_prediction", "debiased_probability"]);
    assert.equal(result.values.length, 100);
    const changed = result.values.filter((v) => v[0] !== v[2]);
    assert.equal(changed.length, result.debiased_rows);
    changed.forEach((v) => assert.notDeepEqual(v[1], v[3]));
    result.values.filter((v) => v[0] === v[2]).forEach((v) => assert.deepEqual(v[1], v[3]));
    assert.equal(await subscription.payload_logging.get_records_count(), before + 100);
    const logged = await window(subscription, 100); // one request: its rows in row order
    assert.deepEqual(logged.map((r) => r.debiased_prediction), result.values.map((v) => v[2]));
    assert.equal(logged[0]!.scoring_id, `${result.scoring_id}-1`);
    // Only rows in a monitored group can change.
    requests.slice(1000, 1100).forEach((r, i) => {
      if (r.Sex === "male" && (r.Age as number) > 25) assert.equal(result.values[i]![2], result.values[i]![0]);
    });
  });
});

describe("fairness monitoring: bad input and faults", () => {
  let mart: ProxiedMart;
  let proxy: EngineProxy;
  let client: APIClient;
  let out: RecordingOutput;
  let subscription: Subscription;
  before(async () => {
    mart = await startProxiedMart(asset);
    ({ proxy, client, out, subscription } = mart);
  });
  after(() => mart.close());

  const invalid = (field: string) => (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path.startsWith(field));

  test("run before enable, and enable's refusals, each naming the field", async () => {
    await assert.rejects(subscription.fairness_monitoring.run({ background_mode: false }), (e: unknown) => e instanceof StateError && /not enabled/.test((e as Error).message));
    await assert.rejects(subscription.fairness_monitoring.debias(requests.slice(0, 2)), /Fairness monitoring is not enabled/);
    const base = { features: [sex()], ...classes, training_data: training };
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, features: [new Feature({ name: "Gender", majority: ["m"], minority: ["f"], threshold: 0.9 })] }), invalid("features[0].feature"));
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, features: [new Feature({ name: "Sex", majority: [[0, 1]], minority: [[2, 3]], threshold: 0.9 })] }), /'Sex' holds categories/);
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, features: [new Feature({ name: "Age", majority: ["old"], minority: ["young"], threshold: 0.9 })] }), /'Age' holds numbers: give its groups as \[lo, hi\] ranges/);
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, favourable_classes: ["No Risk"], unfavourable_classes: ["Risk", "No Risk"] }), invalid("unfavourable_classes"));
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, favourable_classes: ["No Rissk"] }), /'No Rissk' is not a label the model returns \(its labels: No Risk, Risk\)/);
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, min_records: 0 }), invalid("min_records"));
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, deployment_uid: "nope" }), invalid("deployment_uid"));
    await assert.rejects(subscription.fairness_monitoring.enable({ features: [sex()], ...classes }), /training_data: is needed: give training_data .*training_data_reference/);
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, training_data: training.map(({ Risk: _, ...r }) => r) }), /lacks the column\(s\) 'Risk'/);
    await assert.rejects(subscription.fairness_monitoring.enable({ ...base, threshold: 0.9 } as never), invalid("threshold"));
    assert.equal((await subscription.fairness_monitoring.get_details()).enabled, false, "nothing was written");
  });

  test("enable switches payload logging on; the statistics of one enable configure another subscription alike", async () => {
    await subscription.payload_logging.disable();
    const configuration = await subscription.fairness_monitoring.enable({ features: [sex(), age()], ...classes, min_records: 300, training_data: training });
    assert.equal((await subscription.payload_logging.get_details()).enabled, true);
    const distributions = configuration.parameters.training_data_distributions as { features: Record<string, { groups: { records: number }[] }> };
    assert.equal(distributions.features.Sex!.groups.reduce((n, g) => n + g.records, 0), 2000);
    const again = await subscription.fairness_monitoring.enable({
      features: [sex(), age()],
      ...classes,
      min_records: 300,
      training_data_statistics: { fairness_configuration: { distributions: configuration.parameters.training_data_distributions } },
    });
    assert.deepEqual(again.parameters, configuration.parameters);
    await assert.rejects(subscription.fairness_monitoring.enable({ features: [sex()], ...classes, training_data_statistics: { fairness_configuration: { distributions: { rows: 3 } } } }), invalid("training_data_statistics"));
    // Neither rows nor statistics: the subscription's training_data_reference says where they are.
    await subscription.update({ training_data_reference: { type: "db2", location: { tablename: "CREDIT_TRAINING" } } });
    const referenced = await subscription.fairness_monitoring.enable({ features: [sex(), age()], ...classes, min_records: 300 });
    assert.equal(referenced.parameters.training_data_distributions, undefined);
    await subscription.fairness_monitoring.enable({ features: [sex(), age()], ...classes, min_records: 300, training_data: training });
  });

  test("too little payload: FINISHED WITH ERRORS, 'not enough payload: N of M rows', nothing stored", async () => {
    await subscription.score(requests.slice(0, 200));
    const run = await subscription.fairness_monitoring.run({ background_mode: false });
    assert.equal(run.status, "FINISHED WITH ERRORS");
    assert.match(run.last_run_info_code!, /not enough payload: 200 of 300 rows/);
    assert.match(out.lines.at(-1)!, /Run failed with status: FINISHED WITH ERRORS[\s\S]*not enough payload/);
    assert.equal(((await subscription.fairness_monitoring.get_metrics()) as FairnessSample[]).length, 0);
  });

  test("the engine failing in the middle: the run ends with the error, nothing half-stored", async () => {
    await subscription.score(requests.slice(200, 400));
    proxy.failOn = proxy.calls + 1;
    proxy.mode = "error";
    try {
      const run = await subscription.fairness_monitoring.run({ background_mode: false });
      assert.equal(run.status, "FINISHED WITH ERRORS");
      assert.match(run.last_run_info_code!, /fairness run failed \(0 of \d+ perturbed rows scored\)/);
      assert.match(run.last_run_info_code!, /127\.0\.0\.1/, "the engine's URL is named");
    } finally {
      proxy.failOn = undefined;
    }
    assert.equal(((await subscription.fairness_monitoring.get_metrics()) as FairnessSample[]).length, 0);
    const w = await window(subscription, 300);
    assert.ok(w.every((r) => r.debiased_prediction == null), "no debiased answers were written");
  });

  test("a monitored value without rows in the window is reported, not divided by zero", async () => {
    await subscription.fairness_monitoring.enable({
      features: [new Feature({ name: "Age", majority: [[26, 75]], minority: [[18, 25], [80, 99]], threshold: 0.9 })],
      ...classes,
      min_records: 300,
      training_data: training,
    });
    const run = await subscription.fairness_monitoring.run({ background_mode: false });
    assert.equal(run.status, "FINISHED", run.last_run_info_code);
    const [sample] = (await subscription.fairness_monitoring.get_metrics()) as FairnessSample[];
    const old = (sample!.value.metrics[0]!.minority.values[1] as unknown as Record<string, unknown>);
    assert.equal(old.records, 0);
    assert.equal(old.payload_fav_class_percent, null);
    assert.equal(old.payload_fairness_value, null);
    assert.equal(typeof old.fairness_value, "number", "the perturbed rows moved into [80, 99] still measure it");
    await subscription.fairness_monitoring.show_chart();
    assert.equal(out.timeSeriesCharts.at(-1)!.series.length, 2);
    assert.equal(out.barCharts.at(-1)!.rows.length, 3);
  });
});
