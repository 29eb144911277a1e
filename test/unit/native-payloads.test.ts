import assert from "node:assert/strict";
import { test } from "node:test";
import { normaliseRequest, normaliseResponse } from "../../src/engines/native-payloads";
import { ColumnMismatch, completeSchema, inferType, predictionProbability, toColumnValue } from "../../src/service/payload-schema";
import { planDistribution } from "../../src/service/data-distribution";
import { ValidationError } from "../../src/errors";

const ok = <T>(r: { ok: T } | { error: string }): T => {
  if ("error" in r) throw new Error(r.error);
  return r.ok;
};

test("requests in every engine's own form read as {fields, values}", () => {
  const expected = { fields: ["Age", "Sex"], values: [[33, "male"], [41, "female"]] };
  assert.deepEqual(ok(normaliseRequest(expected)), expected);
  assert.deepEqual(ok(normaliseRequest({ input_data: [expected] })), expected, "Watson ML v4");
  assert.deepEqual(ok(normaliseRequest({ input_data: { columns: ["Age", "Sex"], index: [0, 1], data: expected.values } })), expected, "Azure ML online endpoint");
  assert.deepEqual(ok(normaliseRequest({ Inputs: { input1: [{ Age: 33, Sex: "male" }, { Age: 41, Sex: "female" }] }, GlobalParameters: {} })), expected, "Azure ML Studio swagger");
  assert.deepEqual(ok(normaliseRequest({ Inputs: { input1: { ColumnNames: ["Age", "Sex"], Values: expected.values } } })), expected, "Azure ML Studio classic");
  assert.deepEqual(ok(normaliseRequest("33,male\n41,female\n", ["Age", "Sex"])), expected, "SageMaker text/csv");
  assert.deepEqual(ok(normaliseRequest('33,"ma,le"', ["Age", "Sex"])), { fields: ["Age", "Sex"], values: [[33, "ma,le"]] }, "quoted CSV cells");
  assert.deepEqual(ok(normaliseRequest({ instances: [{ features: [33, "male"] }, { features: [41, "female"] }] }, ["Age", "Sex"])), expected, "SageMaker JSON instances");
});

test("CSV without feature columns, and unknown bodies, are refused with the accepted forms named", () => {
  assert.match((normaliseRequest("1,2") as { error: string }).error, /feature_columns/);
  assert.match((normaliseRequest({ foo: 1 }) as { error: string }).error, /Accepted forms: \{fields, values\}/);
  assert.match((normaliseRequest({ fields: ["a", "b"], values: [[1]] }) as { error: string }).error, /values\[0\]: expected a list of 2 values/);
  assert.match((normaliseResponse("not json") as { error: string }).error, /not JSON/);
});

test("answers in every engine's own form read as {fields, values}", () => {
  assert.deepEqual(ok(normaliseResponse({ predictions: [{ fields: ["prediction", "probability"], values: [["Risk", [0.2, 0.8]]] }] })), {
    fields: ["prediction", "probability"],
    values: [["Risk", [0.2, 0.8]]],
  }, "Watson ML v4");
  assert.deepEqual(ok(normaliseResponse({ predictions: [{ predicted_label: 1, score: 0.8 }, { predicted_label: 0, score: 0.1 }] })), {
    fields: ["predicted_label", "score"],
    values: [[1, 0.8], [0, 0.1]],
  }, "SageMaker linear-learner");
  assert.deepEqual(ok(normaliseResponse({ Results: { output1: [{ Age: 33, "Scored Labels": "Risk", "Scored Probabilities": 0.7 }] } })), {
    fields: ["Age", "Scored Labels", "Scored Probabilities"],
    values: [[33, "Risk", 0.7]],
  }, "Azure ML Studio swagger");
  assert.deepEqual(ok(normaliseResponse({ Results: { output1: { type: "table", value: { ColumnNames: ["Scored Labels"], Values: [["Risk"]] } } } })), { fields: ["Scored Labels"], values: [["Risk"]] }, "classic");
  assert.deepEqual(ok(normaliseResponse({ "Scored Labels": ["Risk", "No Risk"], "Scored Probabilities": [0.7, 0.2] })), {
    fields: ["Scored Labels", "Scored Probabilities"],
    values: [["Risk", 0.7], ["No Risk", 0.2]],
  }, "Azure ML columns");
  assert.deepEqual(ok(normaliseResponse('{"fields":["p"],"values":[[1]]}')), { fields: ["p"], values: [[1]] }, "JSON text");
});

test("the payload schema: declared features typed by categorical_columns, answer columns typed by their values", () => {
  const schema = completeSchema(
    { feature_fields: ["Age", "Sex"], categorical_fields: ["Sex"], prediction_field: "prediction", probability_fields: ["probability"] },
    { fields: ["Age", "Sex"], values: [[33, "male"]] },
    { fields: ["Age", "prediction", "probability"], values: [[33, "Risk", [0.3, 0.7]]] },
  );
  assert.deepEqual(
    schema.map((f) => [f.name, f.type, f.metadata.modeling_role]),
    [
      ["scoring_id", "string", "record-id"],
      ["scoring_timestamp", "timestamp", "record-timestamp"],
      ["deployment_id", "string", "deployment-id"],
      ["asset_revision", "string", "asset-revision"],
      ["Age", "double", "feature"],
      ["Sex", "string", "feature"],
      ["prediction", "string", "prediction"],
      ["probability", "array<double>", "probability"],
      ["prediction_probability", "double", "prediction-probability"],
      ["response_time", "integer", "response-time"],
    ],
  );
  assert.equal(inferType([null, 1, 2.5]), "double");
  assert.equal(inferType([{ a: 1 }, "x"]), "json");
  assert.equal(predictionProbability([0.3, 0.7]), 0.7);
  assert.equal(predictionProbability("0.25"), 0.25);
});

test("values are checked against their column, and numbers sent as text are read as numbers", () => {
  const age = { name: "Age", type: "double" as const, nullable: true, metadata: { modeling_role: "feature" } };
  assert.equal(toColumnValue(age, "41"), 41);
  assert.match((toColumnValue(age, "forty") as ColumnMismatch).message, /expected a number, got 'forty' \(text\).*categorical_columns/);
  assert.equal(toColumnValue(age, null), null);
  const id = { name: "scoring_id", type: "string" as const, nullable: false, metadata: { modeling_role: "record-id" } };
  assert.match((toColumnValue(id, undefined) as ColumnMismatch).message, /required/);
  const probability = { name: "p", type: "array<double>" as const, nullable: true, metadata: { modeling_role: "probability" } };
  assert.equal(toColumnValue(probability, [0.1, 0.9]), "{0.1,0.9}");
  assert.match((toColumnValue(probability, ["a"]) as ColumnMismatch).message, /list of numbers/);
});

test("text a column cannot hold: NUL and lone surrogates are mismatches; pairs and escaped backslashes are not", () => {
  const text = { name: "Sex", type: "string", nullable: true, metadata: { modeling_role: "feature" } } as const;
  const json = { name: "explanation", type: "json", nullable: true, metadata: { modeling_role: "meta-field" } } as const;
  assert.ok(toColumnValue(text, "a\u0000") instanceof ColumnMismatch);
  assert.ok(toColumnValue(text, "\uD83D") instanceof ColumnMismatch, "high surrogate alone");
  assert.ok(toColumnValue(text, "\uDE00x") instanceof ColumnMismatch, "low surrogate alone");
  assert.equal(toColumnValue(text, "\u{1F600}"), "\u{1F600}");
  assert.ok(toColumnValue(json, { note: "a\u0000" }) instanceof ColumnMismatch);
  assert.ok(toColumnValue(json, ["\uD800"]) instanceof ColumnMismatch);
  assert.equal(toColumnValue(json, { note: "\\u0000 is how JSON writes NUL" }), JSON.stringify({ note: "\\u0000 is how JSON writes NUL" }));
  assert.equal(toColumnValue(json, { note: "\\\u0000" }) instanceof ColumnMismatch, true, "an escaped backslash, then a real NUL");
});

test("planDistribution checks the request's types with zod before the columns", () => {
  const schema = completeSchema({ feature_fields: ["Age"] }, { fields: ["Age"], values: [[30]] }, { fields: ["prediction"], values: [["Risk"]] });
  const base = { dataset: "payload", start: "2026-11-01T00:00:00Z", end: "2026-11-02T00:00:00Z", group: ["prediction"] };
  assert.throws(() => planDistribution(schema, { ...base, agg: "count" } as never), (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === "agg" && /expected a list of aggregations/.test(e.message));
  assert.throws(() => planDistribution(schema, { ...base, end: "soon" } as never), /end: is not a time/);
  assert.throws(() => planDistribution(schema, { ...base, filter: "Age:in:[]" } as never), /filter\[0\]: 'Age:in:\[\]' lists no values/);
  assert.equal(planDistribution(schema, { ...base, filter: "Age:in:[30,40]" } as never).filters[0]!.values.length, 2);
});
