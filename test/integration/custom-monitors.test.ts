/**
 * Monitor definitions, custom monitors and the measurement store, on PGlite and PostgreSQL: definitions from names,
 * values and tags checked against the definition (nothing stored on a bad one), limits from thresholds over the
 * defaults, violations, samples and SQL time series, deployment metrics, escaping of tag values.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import {
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  MeasurementRecord,
  Metric,
  NotFoundError,
  renderTableHtml,
  StateError,
  Tag,
  Threshold,
  ValidationError,
  type MeasurementHour,
  type MeasurementSample,
  type MonitorDefinition,
} from "../../src/index";
import { twoMarts } from "../support/two-marts";

const credit = generateCreditRisk({ rows: 20, seed: 3 });
const { each } = twoMarts("custom-monitors", async (client, engines) => {
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: credit.feature_columns }),
  );
  const monitor = await client.data_mart.monitors.add({
    name: "model performance",
    metrics: [new Metric({ name: "sensitivity", lower_limit_default: 0.8 }), new Metric({ name: "specificity", lower_limit_default: 0.75, required: false })],
    tags: [new Tag({ name: "region", description: "where the model serves" })],
  });
  return { subscription, monitor };
});

describe("monitor definitions", () => {
  each("the built-in definitions are listed with v1's metric ids; a custom one gets its guid from its name", async ({ client, out, monitor }) => {
    assert.equal(monitor.metadata.guid, "model_performance");
    assert.deepEqual(monitor.entity.metrics.map((m) => [m.id, m.thresholds]), [["sensitivity", [{ type: "lower_limit", default: 0.8 }]], ["specificity", [{ type: "lower_limit", default: 0.75 }]]]);
    await client.data_mart.monitors.list();
    const table = out.lastTable();
    assert.equal(table.title, "Monitors");
    assert.deepEqual(table.columns, ["uid", "name", "description", "metrics"]);
    const quality = table.rows.find((r) => r[0] === "quality")!;
    assert.equal((quality[3] as string[]).length, 19);
    assert.deepEqual(quality[3], ["area_under_roc", "area_under_pr", "explained_variance", "mean_absolute_error", "mean_squared_error", "r2", "root_mean_squared_error", "accuracy", "weighted_true_positive_rate", "true_positive_rate", "weighted_false_positive_rate", "false_positive_rate", "weighted_recall", "recall", "weighted_precision", "precision", "weighted_f_measure", "f1_measure", "log_loss"]);
    assert.deepEqual(table.rows.map((r) => r[0]), ["quality", "fairness", "debiased_fairness", "performance", "drift", "feature_drift", "model_performance"]);
    assert.deepEqual(await client.data_mart.monitors.get_uids({ name: "model performance" }), ["model_performance"]);
    const again = await client.data_mart.monitors.add({ name: "Model Performance", metrics: [new Metric({ name: "other" })] });
    assert.equal(again.metadata.guid, "model_performance");
    assert.deepEqual(again.entity.metrics.map((m) => m.id), ["sensitivity", "specificity"], "adding an existing name returns it unchanged");
    assert.match(out.warnings.at(-1)!, /exists already/);
  });

  each("bad definitions are refused naming the field; built-ins cannot be deleted; unknown uids are NotFound", async ({ client }) => {
    assert.throws(() => new Metric({ name: "x", lower_limit_default: 0.9, upper_limit_default: 0.1 }), /lower_limit_default: is above upper_limit_default/);
    assert.throws(() => new Metric({ name: "" }), ValidationError);
    assert.throws(() => new Threshold({ metric_uid: "x" }), /give lower_limit, upper_limit or both/);
    await assert.rejects(client.data_mart.monitors.add({ name: "empty", metrics: [] }), /metrics: a monitor needs at least one metric/);
    await assert.rejects(client.data_mart.monitors.add({ name: "dup", metrics: [new Metric({ name: "a b" }), new Metric({ name: "a-b" })] }), /two metrics have the id 'a_b'/);
    await assert.rejects(client.data_mart.monitors.add({ name: "raw", metrics: [{ name: "x" } as Metric] }), /expected a Metric/);
    await assert.rejects(client.data_mart.monitors.delete("quality"), StateError);
    await assert.rejects(client.data_mart.monitors.get_details({ monitor_uid: "nope" }), NotFoundError);
    assert.deepEqual(await client.data_mart.monitors.get_uids({ name: "empty" }), []);
  });
});

describe("custom monitors on a subscription", () => {
  each("storing before enable fails and stores nothing; enable takes thresholds over the defaults", async ({ subscription }) => {
    await assert.rejects(subscription.monitoring.store_metrics({ monitor_uid: "model_performance", metrics: { sensitivity: 0.5, region: "eu" } }), /is not enabled .* Nothing was stored/s);
    await assert.rejects(subscription.monitoring.enable({ monitor_uid: "model_performance", thresholds: [new Threshold({ metric_uid: "recall", lower_limit: 0.9 })] }), /'recall' is not a metric of 'model_performance'/);
    await assert.rejects(subscription.monitoring.enable({ monitor_uid: "model_performance", window: 3 }), /window: is not a parameter/);
    await assert.rejects(subscription.monitoring.enable({ monitor_uid: "quality" }), /built-in monitor/);
    await assert.rejects(subscription.monitoring.enable({ monitor_uid: "nope" }), NotFoundError);
    const configuration = await subscription.monitoring.enable({ monitor_uid: "model_performance", thresholds: [new Threshold({ metric_uid: "sensitivity", lower_limit: 0.9 })] });
    assert.equal(configuration.enabled, true);
    assert.deepEqual(configuration.thresholds, [{ metric_id: "sensitivity", type: "lower_limit", value: 0.9 }]);
    const details = await subscription.monitoring.get_details({ monitor_uid: "model_performance" });
    assert.equal((details.monitor_definition as MonitorDefinition).entity.name, "model performance");
    const listed = (await subscription.get_details()).entity.configurations.find((c) => c.type === "model_performance");
    assert.equal(listed?.enabled, true);
    assert.equal(((await subscription.monitoring.get_metrics({ monitor_uid: "model_performance" })) as MeasurementSample[]).length, 0);
  });

  each("values and tags are checked against the definition: a bad record names its field and nothing is stored", async ({ subscription }) => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ sensitivity: 0.5, region: "eu", recall: 0.3 }, /recall: is neither a metric nor a tag of 'model_performance'/],
      [{ sensitivity: 0.5 }, /region: is missing: tag 'region' is required/],
      [{ specificity: 0.5, region: "eu" }, /sensitivity: is missing: metric 'sensitivity' is required/],
      [{ sensitivity: "high", region: "eu" }, /sensitivity: expected a finite number/],
      [{ sensitivity: Number.NaN, region: "eu" }, /expected a finite number/],
      [{ sensitivity: 0.5, region: 7 }, /region: expected text/],
    ];
    for (const [metrics, message] of bad) await assert.rejects(subscription.monitoring.store_metrics({ monitor_uid: "model_performance", metrics }), message);
    // One bad record of two: neither is stored.
    await assert.rejects(
      subscription.monitoring.store_measurements({ monitor_uid: "model_performance", measurements: [new MeasurementRecord({ metrics: { sensitivity: 0.9, region: "eu" } }), new MeasurementRecord({ metrics: { sensitivity: 0.9 } })] }),
      ValidationError,
    );
    assert.equal(((await subscription.monitoring.get_metrics({ monitor_uid: "model_performance" })) as MeasurementSample[]).length, 0);
  });

  each("stored values carry the limits in force, violations are marked, and show_table has v1's columns with tags escaped in HTML", async ({ subscription, out }) => {
    const [stored] = await subscription.monitoring.store_metrics({ monitor_uid: "model_performance", metrics: { sensitivity: 0.67, specificity: 0.78, region: "us-south", timestamp: "2026-11-30T10:15:00Z" } });
    assert.deepEqual(stored!.metrics, [{ id: "sensitivity", value: 0.67, lower_limit: 0.9 }, { id: "specificity", value: 0.78, lower_limit: 0.75 }]);
    assert.deepEqual(stored!.violations, ["sensitivity"]);
    assert.equal(stored!.ts, "2026-11-30T10:15:00.000Z");
    await subscription.monitoring.store_measurements({
      monitor_uid: "model_performance",
      measurements: [
        new MeasurementRecord({ metrics: { sensitivity: 0.95, region: "<b>eu</b>" }, timestamp: "2026-11-30T10:45:00Z" }),
        new MeasurementRecord({ metrics: { sensitivity: 0.91, specificity: 0.7, region: "us-south" }, timestamp: "2026-11-30T11:05:00Z" }),
      ],
    });
    await subscription.monitoring.show_table({ monitor_uid: "model_performance" });
    const table = out.lastTable();
    assert.equal(table.title, `CustomMetrics (binding_id=${subscription.binding_uid}, subscription_id=${subscription.uid})`);
    assert.deepEqual(table.columns, ["ts", "id", "measurement_id", "value", "lower limit", "upper limit", "tags", "binding_id", "subscription_id", "deployment_id"]);
    assert.deepEqual(table.rows.map((r) => [r[1], r[3], r[4], r[6]]), [
      ["sensitivity", 0.91, 0.9, "region: us-south"],
      ["specificity", 0.7, 0.75, "region: us-south"],
      ["sensitivity", 0.95, 0.9, "region: <b>eu</b>"],
      ["sensitivity", 0.67, 0.9, "region: us-south"],
      ["specificity", 0.78, 0.75, "region: us-south"],
    ]);
    const html = renderTableHtml(table);
    assert.ok(!html.includes("<b>eu</b>") && html.includes("&lt;b&gt;eu&lt;/b&gt;"), "tag values are escaped");
    const content = (await subscription.monitoring.get_table_content({ monitor_uid: "model_performance", format: "python" })) as { fields: string[]; values: unknown[][] };
    assert.equal(content.values.length, 5);
  });

  each("time series aggregate per hour in SQL; deployment metrics report the latest measurement with its limits", async ({ client, subscription }) => {
    const hours = (await subscription.monitoring.get_metrics({ monitor_uid: "model_performance", format: "time_series" })) as MeasurementHour[];
    assert.deepEqual(hours.map((h) => h.ts), ["2026-11-30T11:00:00.000Z", "2026-11-30T10:00:00.000Z"]);
    const ten = hours[1]!;
    assert.equal(ten.measurements, 2);
    const sensitivity = ten.metrics.find((m) => m.id === "sensitivity")!;
    assert.ok(Math.abs(sensitivity.value! - (0.67 + 0.95) / 2) < 1e-12);
    assert.deepEqual([sensitivity.min, sensitivity.max, sensitivity.count, sensitivity.violations, sensitivity.lower_limit], [0.67, 0.95, 2, 1, 0.9]);
    const { deployment_metrics } = await client.data_mart.get_deployment_metrics();
    const custom = deployment_metrics[0]!.metrics.find((m) => m.metric_type === "model_performance")!;
    assert.equal(custom.timestamp, "2026-11-30T11:05:00.000Z");
    assert.deepEqual((custom.value as { metrics: unknown }).metrics, [{ id: "sensitivity", value: 0.91, lower_limit: 0.9 }, { id: "specificity", value: 0.7, lower_limit: 0.75 }]);
    assert.deepEqual((custom.value as { violations: unknown }).violations, ["specificity"]);
    const samples = (await subscription.monitoring.get_metrics({ monitor_uid: "model_performance", start_time: "2026-11-30T10:30:00Z", end_time: "2026-11-30T11:00:00Z" })) as MeasurementSample[];
    assert.deepEqual(samples.map((s) => s.metrics[0]!.value), [0.95]);
    const one = await subscription.monitoring.get_measurements({ monitor_uid: "model_performance", measurement_uid: samples[0]!.measurement_id });
    assert.deepEqual(one.tags, [{ id: "region", value: "<b>eu</b>" }]);
    await assert.rejects(subscription.monitoring.get_measurements({ monitor_uid: "model_performance", measurement_uid: "nope" }), NotFoundError);
  });

  each("disable stops storing; deleting the definition removes its configuration and measurements", async ({ client, subscription }) => {
    await subscription.monitoring.disable({ monitor_uid: "model_performance" });
    await assert.rejects(subscription.monitoring.store_metrics({ monitor_uid: "model_performance", metrics: { sensitivity: 0.9, region: "eu" } }), StateError);
    await client.data_mart.monitors.add({ name: "to delete", metrics: [new Metric({ name: "m" })] });
    await subscription.monitoring.enable({ monitor_uid: "to_delete" });
    await subscription.monitoring.store_metrics({ monitor_uid: "to_delete", metrics: { m: 1 } });
    await client.data_mart.monitors.delete("to_delete");
    await assert.rejects(subscription.monitoring.get_metrics({ monitor_uid: "to_delete" }), NotFoundError);
    assert.ok(!(await subscription.get_details()).entity.configurations.some((c) => c.type === "to_delete"));
  });
});
