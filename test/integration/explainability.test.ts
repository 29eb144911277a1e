/**
 * Explainability end to end on the local custom engine, on both stores: LIME on a payload row, recomputed from the
 * same neighbourhood scored by the engine ourselves; the Explanations table; and the refusals and faults (no payload,
 * no training data, an unknown transaction, the engine failing during an explanation).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CustomMachineLearningInstance, generateCreditRisk, rowsOf, StateError, ValidationError, NotFoundError, type Subscription } from "../../src/index";
import { limeExplain, limeSample } from "../../src/metrics/lime/index";
import { computeTrainingStatistics } from "../../src/service/training-statistics";
import { LIME_SAMPLES, explanationSeed } from "../../src/service/monitors/explanation-task";
import { creditAsset } from "../support/credit-asset";
import { startProxiedMart, type ProxiedMart } from "../support/proxied-mart";
import { twoMarts } from "../support/two-marts";

const training = rowsOf(generateCreditRisk({ rows: 3000, seed: 42 }));
const requests = rowsOf(generateCreditRisk({ rows: 30, seed: 3 })).map(({ Risk: _, ...r }) => r);

const { each } = twoMarts("explain", async (client, engines) => {
  const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(creditAsset(binding));
  return { subscription };
});

async function firstScoringId(subscription: Subscription): Promise<{ id: string; row: Record<string, unknown> }> {
  const [row] = await subscription.payload_logging.get_table_content({ limit: 1 });
  return { id: row!.scoring_id as string, row: row! };
}

describe("explainability on both stores", () => {
  each("LIME weights equal lime's algorithm on the engine's answers to the same neighbourhood; 5 engine calls", async ({ subscription, out, client }) => {
    await subscription.score(requests);
    await subscription.explainability.enable({ training_data: training });
    assert.equal((await subscription.explainability.get_details()).enabled, true);
    const { id, row } = await firstScoringId(subscription);
    const run = await subscription.explainability.run({ transaction_id: id, cem: false });
    assert.equal(run.entity.status.state, "finished", run.entity.status.error?.message);
    assert.match(out.lines.at(-1)!, new RegExp(`Looking for explanation for ${id}[\\s\\S]*finished[\\s\\S]*Successfully finished run`));
    assert.equal(run.entity.engine_calls, 5, "5,000 perturbed rows in batches of 1,000");
    assert.equal(run.entity.perturbed_rows, LIME_SAMPLES);
    const prediction = run.entity.predictions![0]!;
    assert.equal(prediction.value, row.prediction);
    assert.equal(prediction.explanation_features.length, 10);

    // The same neighbourhood (same seed: the explanation is deterministic), scored here, explained by limeExplain.
    const details = await subscription.get_details();
    const statistics = computeTrainingStatistics({ asset_properties: details.entity.asset_properties } as never, training, "test");
    const features = details.entity.asset_properties.feature_fields!;
    const instance = Object.fromEntries(features.map((f) => [f, row[f]]));
    const again = await subscription.explainability.run({ transaction_id: id, cem: false });
    assert.deepEqual(again.entity.predictions![0]!.explanation_features, prediction.explanation_features, "deterministic");
    const sample = limeSample(statistics.lime!, instance, { numSamples: LIME_SAMPLES, seed: explanationSeed(id) });
    const scored = await subscription.score(sample.rows.map((r) => Object.fromEntries(sample.fields.map((f, j) => [f, r[j]]))));
    const probability = scored.fields.indexOf("probability");
    const k = (scored.values[0]![probability] as number[]).indexOf(Math.max(...(scored.values[0]![probability] as number[])));
    const labels = Float64Array.from(scored.values, (v) => (v[probability] as number[])[k]!);
    const expected = limeExplain({ binary: sample.binary, featureCount: sample.featureCount, labels, names: sample.names, numFeatures: 10 });
    assert.deepEqual(prediction.explanation_features.map((f) => f.feature_range), expected.weights.map((w) => w.name));
    prediction.explanation_features.forEach((f, i) => assert.ok(Math.abs(f.weight - expected.weights[i]!.weight) < 1e-12, f.feature_range));
    assert.ok(Math.abs(prediction.lime.intercept - expected.intercept) < 1e-12);

    // Contrastive: the pertinent negative's changes, applied to the row and scored, flip the answer.
    const cem = await subscription.explainability.run({ transaction_id: id });
    assert.equal(cem.entity.status.state, "finished");
    const contrastive = cem.entity.contrastive!;
    assert.ok(contrastive.engine_calls <= 8, `${contrastive.engine_calls} calls`);
    const pn = contrastive.pertinent_negative;
    assert.ok(pn.found, "the credit model's answer can be flipped");
    if (pn.found) {
      const changed = { ...instance, ...Object.fromEntries(pn.changes.map((c) => [c.feature, c.to])) };
      const answer = await subscription.score([changed]);
      assert.equal(answer.values[0]![answer.fields.indexOf("prediction")], pn.target_class);
      assert.notEqual(pn.target_class, prediction.value);
    }
    await subscription.explainability.show(cem);
    assert.match(out.lastTable().title, /Contrastive: the smallest change that makes it/);

    const table = await subscription.explainability.get_table_content();
    assert.equal(table.length, 3);
    assert.deepEqual(Object.keys(table[0]!), ["request_id", "transaction_id", "asset_id", "asset_type", "deployment_id", "subscription_id", "service_binding_id", "explanation", "error", "status", "created_by", "created_at"]);
    await subscription.explainability.list_explanations();
    assert.match(out.lastTable().title, /Explanations/);
    await subscription.explainability.show(run);
    const chart = out.barCharts.at(-1)!;
    assert.equal(chart.rows.length, 10);
    assert.ok(chart.rows.some((r) => (r[2] as number) < 0) || chart.rows.every((r) => (r[2] as number) >= 0));
    void client;
  });
});

describe("explainability: bad input and faults", () => {
  test("no payload, no training data, unknown transaction, engine failing mid-explanation", async () => {
    const mart: ProxiedMart = await startProxiedMart(creditAsset);
    try {
      const { subscription, proxy } = mart;
      await assert.rejects(subscription.explainability.enable({ training_data: training }), (e: unknown) => e instanceof StateError && /no payload yet/.test((e as Error).message));
      await subscription.score(requests);
      await assert.rejects(subscription.explainability.enable(), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === "training_data"));
      await assert.rejects(subscription.explainability.enable({ training_data: training.map(({ LoanAmount: _, ...r }) => r) }), (e: unknown) => e instanceof ValidationError && /LoanAmount/.test(e.message));
      const { id } = await firstScoringId(subscription);
      await assert.rejects(subscription.explainability.run({ transaction_id: id }), (e: unknown) => e instanceof StateError && /not enabled/.test((e as Error).message));
      await subscription.explainability.enable({ training_data: training });
      await assert.rejects(subscription.explainability.run({ transaction_id: "no-such-row" }), (e: unknown) => e instanceof NotFoundError);
      await assert.rejects(subscription.explainability.run({ transaction_id: "" }), (e: unknown) => e instanceof ValidationError);
      proxy.failOn = proxy.calls + 3;
      proxy.mode = "error";
      const failed = await subscription.explainability.run({ transaction_id: id, cem: false });
      proxy.failOn = undefined;
      assert.equal(failed.entity.status.state, "error");
      assert.match(failed.entity.status.error!.message, /HTTP 500|model crashed/);
      assert.equal(failed.entity.predictions, undefined, "no half result");
      assert.match(mart.out.lines.at(-1)!, /Run failed with status: error[\s\S]*Reason:/);
      // LIME done (5 calls), then the engine fails during the contrastive search: v1's partial success.
      proxy.failOn = proxy.calls + 6;
      const partial = await subscription.explainability.run({ transaction_id: id, cem: true });
      proxy.failOn = undefined;
      assert.equal(partial.entity.status.state, "finished");
      assert.match(partial.entity.status.cem_error!, /HTTP 500|model crashed/);
      assert.equal(partial.entity.predictions![0]!.explanation_features.length, 10, "LIME's result is kept");
      assert.match(mart.out.lines.at(-1)!, /Partially successfully finished run, cem_error="/);
    } finally {
      await mart.close();
    }
  });
});
