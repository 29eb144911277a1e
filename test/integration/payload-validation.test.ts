/**
 * Payload values and field names the database cannot hold are refused before anything is written, as
 * ValidationErrors naming record and field: NUL characters, lone UTF-16 surrogates, column names that are empty,
 * too long or repeated. score() keeps the engine's answer when its payload cannot be logged. data_distribution.run
 * requests are checked whole (types, filter values) before anything runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  PayloadRecord,
  rowsOf,
  startLocalEngines,
  ValidationError,
  type LocalEngines,
  type Subscription,
} from "../../src/index";
import { RecordingOutput } from "../support/recording-output";
import { closeTestClients, testClient } from "../support/test-client";

const credit = generateCreditRisk({ rows: 20, seed: 3 });
const features = credit.feature_columns;
const rows = rowsOf(credit).map(({ Risk: _, ...r }) => r);
const answer = (n: number) => ({ fields: ["prediction", "probability"], values: Array.from({ length: n }, () => ["Risk", [0.3, 0.7]]) });
/** A credit request of rows from..to, with `change` applied to each row object first. */
const request = (from: number, to: number, change: (row: Record<string, unknown>) => void = () => undefined) => ({
  fields: features,
  values: rows.slice(from, to).map((r) => {
    const row = { ...r };
    change(row);
    return features.map((f) => row[f]);
  }),
});

let engines: LocalEngines;
let client: APIClient;
let out: RecordingOutput;
let binding_uid: string;
let credit_subscription: Subscription;

before(async () => {
  engines = await startLocalEngines();
  out = new RecordingOutput();
  client = await testClient(out);
  await client.data_mart.setup();
  binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  credit_subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, prediction_column: "prediction", probability_column: "probability", feature_columns: features, categorical_columns: credit.categorical_columns }),
  );
  await credit_subscription.payload_logging.store([new PayloadRecord({ request: request(0, 1), response: answer(1), scoring_id: "first" })]);
});
after(async () => {
  await client.close();
  await engines.stop();
  await closeTestClients();
});

async function refused(subscription: Subscription, records: PayloadRecord[]): Promise<ValidationError> {
  const before = await subscription.payload_logging.get_records_count().catch(() => 0);
  const err = await subscription.payload_logging.store(records).then(
    () => assert.fail("the batch was stored"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.match(err.message, /nothing was stored/);
  assert.equal(await subscription.payload_logging.get_records_count().catch(() => 0), before, "nothing of the batch was stored");
  return err;
}

describe("text the database cannot store", () => {
  test("a NUL character in a text value names record, row and field", async () => {
    const err = await refused(credit_subscription, [
      new PayloadRecord({ request: request(1, 2), response: answer(1) }),
      new PayloadRecord({ request: request(2, 4, (r) => (r.Sex = "fe\u0000male")), response: answer(2) }),
    ]);
    assert.deepEqual(err.issues.map((i) => i.path), ["records[1].request.values[0] field 'Sex'", "records[1].request.values[1] field 'Sex'"]);
    assert.match(err.issues[0]!.message, /contains a NUL character \(\\u0000\) at position 2.*remove it/);
  });

  test("a NUL in a text answer, in a JSON answer, and in a scoring_id", async () => {
    const err = await refused(credit_subscription, [
      new PayloadRecord({ request: request(1, 2), response: { fields: ["prediction", "probability"], values: [["Ri\u0000sk", [0.3, 0.7]]] } }),
      new PayloadRecord({ request: request(1, 2), response: answer(1), scoring_id: "id\u0000" }),
    ]);
    assert.deepEqual(err.issues.map((i) => i.path), ["records[0].response.values[0] field 'prediction'", "records[1].scoring_id"]);
    assert.ok(err.issues.every((i) => /NUL character/.test(i.message)));

    const iris = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid }));
    const json = await refused(iris, [new PayloadRecord({ request: { fields: ["sepal_length"], values: [[5.1]] }, response: { fields: ["prediction", "explanation"], values: [["setosa", { note: "a\u0000b" }]] } })]);
    assert.equal(json.issues[0]!.path, "records[0].response.values[0] field 'explanation'");
    assert.match(json.issues[0]!.message, /NUL character/);
    await client.data_mart.subscriptions.delete(iris.uid);
  });

  test("a lone surrogate is refused (not stored as U+FFFD); a surrogate pair is stored as sent", async () => {
    const err = await refused(credit_subscription, [
      new PayloadRecord({ request: request(1, 2, (r) => (r.Sex = "male\uD800")), response: answer(1) }),
      new PayloadRecord({ request: request(1, 2, (r) => (r.Sex = "\uDC00male")), response: answer(1) }),
    ]);
    assert.deepEqual(err.issues.map((i) => i.path), ["records[0].request.values[0] field 'Sex'", "records[1].request.values[0] field 'Sex'"]);
    assert.match(err.issues[0]!.message, /lone UTF-16 surrogate \(\\uD800\) at position 4, which is not valid Unicode/);
    assert.match(err.issues[1]!.message, /lone UTF-16 surrogate \(\\uDC00\) at position 0/);

    await credit_subscription.payload_logging.store([new PayloadRecord({ request: request(1, 2, (r) => (r.Sex = "male \u{1F600}")), response: answer(1), scoring_id: "emoji" })]);
    const stored = (await credit_subscription.payload_logging.get_table_content({ limit: 100 })).find((r) => r.scoring_id === "emoji-1");
    assert.equal(stored?.Sex, "male \u{1F600}");
  });
});

describe("field names that cannot name a column", () => {
  test("empty, over 63 bytes, repeated or holding a NUL: each named, nothing created", async () => {
    const iris = await client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid }));
    const long = "é".repeat(32); // 32 characters, 64 bytes of UTF-8
    const err = await refused(iris, [
      new PayloadRecord({ request: { fields: ["sepal_length", ""], values: [[5.1, 1]] }, response: { fields: ["prediction"], values: [["setosa"]] } }),
      new PayloadRecord({ request: { fields: ["sepal_length", "a", "a"], values: [[5.1, 1, 2]] }, response: { fields: ["prediction"], values: [["setosa"]] } }),
      new PayloadRecord({ request: { fields: ["sepal_length"], values: [[5.1]] }, response: { fields: ["prediction", long, "x\u0000"], values: [["setosa", 1, 2]] } }),
    ]);
    assert.deepEqual(err.issues.map((i) => i.path), ["records[0].request.fields[1]", "records[1].request.fields[2]", "records[2].response.fields[1]", "records[2].response.fields[2]"]);
    assert.match(err.issues[0]!.message, /^"" is an empty column name: give every field a name/);
    assert.match(err.issues[1]!.message, /^"a" is also fields\[1\]: .*give each field its own name/);
    assert.match(err.issues[2]!.message, /is 64 bytes long \(UTF-8\): a column name holds at most 63; shorten the field's name/);
    assert.match(err.issues[3]!.message, /^"x\\u0000" contains a NUL character/);
    const schema = await iris.payload_logging.get_details();
    assert.equal((schema.parameters.output_data_schema as { fields: unknown[] }).fields.some((f) => (f as { name: string }).name === "prediction"), false, "no payload table was made");
    // A 63-byte name is a column name.
    const fits = "é".repeat(31) + "x";
    await iris.payload_logging.store([new PayloadRecord({ request: { fields: ["sepal_length"], values: [[5.1]] }, response: { fields: ["prediction", fits], values: [["setosa", 1]] } })]);
    assert.equal((await iris.payload_logging.get_table_content())[0]![fits], 1);
    await client.data_mart.subscriptions.delete(iris.uid);
  });
});

describe("score() when the payload cannot be logged", () => {
  test("returns the predictions with payload_logging_error beside them, and warns", async () => {
    const before = await credit_subscription.payload_logging.get_records_count();
    const warnings = out.warnings.length;
    const scored = await credit_subscription.score([{ ...rows[5]!, Sex: "ma\u0000le" }, rows[6]!]);
    assert.equal(scored.values.length, 2, "the engine's answer is returned");
    assert.deepEqual(scored.fields, ["prediction", "probability"]);
    assert.ok(scored.payload_logging_error instanceof ValidationError);
    assert.equal((scored.payload_logging_error as ValidationError).issues[0]!.path, "records[0].request.values[0] field 'Sex'");
    assert.equal(out.warnings.length, warnings + 1);
    assert.match(out.warnings.at(-1)!, new RegExp(`predictions \\(scoring_id '${scored.scoring_id}'\\) were returned but not logged: .*NUL character`, "s"));
    assert.equal(await credit_subscription.payload_logging.get_records_count(), before);

    const fine = await credit_subscription.score([rows[6]!]);
    assert.equal("payload_logging_error" in fine, false, "the success path keeps its shape");
    assert.equal(await credit_subscription.payload_logging.get_records_count(), before + 1);
  });
});

describe("data_distribution.run requests are checked whole", () => {
  const run = (options: unknown) => credit_subscription.payload_logging.data_distribution.run(options as never).then(
    () => assert.fail(`ran ${JSON.stringify(options)}`),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
      return e;
    },
  );

  test("mistyped options name the field and the fix", async () => {
    let err = await run({ group: ["Sex"], agg: "count" });
    assert.deepEqual(err.issues.map((i) => i.path), ["agg"]);
    assert.match(err.issues[0]!.message, /expected a list of aggregations, e.g\. agg: \['count', 'Age:avg'\] \(a single one is still a list: \['count'\]\)/);
    err = await run({ group: "Sex", agg: [3], limit: 0, max_bins: 2.5, start_date: "yesterday", background_mode: "yes", filter: 7 });
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ["agg[0]", "background_mode", "filter", "group", "limit", "max_bins", "start_date"]);
    assert.match(err.message, /group: expected a list of one or two column names/);
    assert.match(err.message, /start_date: is not a time: use ISO 8601/);
    err = await run({ agg: ["count"] });
    assert.match(err.message, /group: is required: expected a list of one or two column names/);
    err = await run({ groups: ["Sex"], group: ["Sex"] });
    assert.match(err.message, /unknown field 'groups'/);
    err = await run({ group: ["Sex", "Age", "Housing"] });
    assert.match(err.message, /group: holds more than two columns/);
  });

  test("a filter without a value, or with an empty list, is refused (not read as 0)", async () => {
    const err = await run({ group: ["Sex"], filter: "Age:eq:,Age:in:[],Age:in:[30,,40],Sex:neq:,Age:gt:old" });
    assert.deepEqual(err.issues.map((i) => i.path), ["filter[0]", "filter[1]", "filter[2]", "filter[3]", "filter[4]"]);
    assert.match(err.issues[0]!.message, /'Age:eq:' has no value after 'eq:': give one, e.g\. 'Age:eq:30'/);
    assert.match(err.issues[1]!.message, /'Age:in:\[\]' lists no values: give at least one/);
    assert.match(err.issues[2]!.message, /has an empty value in its list/);
    assert.match(err.issues[3]!.message, /'Sex:neq:' has no value after 'neq:'/);
    assert.match(err.issues[4]!.message, /'old' is not a number, and 'Age' is numeric/);
    const fine = await credit_subscription.payload_logging.data_distribution.run({ group: ["Sex"], filter: "Age:in:[ 0 , 200 ]", start_date: "2000-01-01T00:00:00Z" });
    assert.equal(fine.status, "completed");
  });
});
