/**
 * The data mart server given bad requests: malformed JSON, a body over the limit, payload and feedback records with
 * missing fields or wrong types, ids that name nothing. Every answer is a 4xx in v1's shape (never a 500) that names
 * what is wrong, and nothing of a refused request is stored. On PostgreSQL (OPENSCALE_TEST_POSTGRES_URL) or PGlite
 * over the wire.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance } from "../../src/index";
import { EngineAuthenticationError } from "../../src/engines/errors";
import { assertV1Error, startServedMart, type ServedMart } from "../support/served-mart";
import { RecordingOutput } from "../support/recording-output";

let mart: ServedMart;
before(async () => {
  mart = await startServedMart("badin");
});
after(async () => {
  await mart?.stop();
});

const dmPath = (rest = "") => `/v1/data_marts/${mart.dm}${rest}`;
const subPath = (rest = "") => dmPath(`/subscriptions/${mart.subscription_uid}${rest}`);
const counts = async () => ({
  payload: await mart.payloadRows(),
  feedback: await mart.feedbackRows(),
  bindings: (await mart.call("GET", dmPath("/service_bindings"), { key: mart.keys.admin })).body.service_bindings.length,
  definitions: (await mart.call("GET", dmPath("/monitor_definitions"), { key: mart.keys.admin })).body.monitor_definitions.length,
});

describe("the server given bad input", () => {
  test("malformed JSON on several routes: 400 in v1's shape, nothing stored", async () => {
    const before = await counts();
    const record = JSON.stringify([mart.record("malformed-1")]);
    const bodies: [string, string, string][] = [
      ["POST", dmPath("/scoring_payloads"), record.slice(0, record.length / 2)],
      ["POST", dmPath("/scoring_payloads"), `${record} trailing`],
      ["POST", dmPath("/scoring_payloads"), `${record}]`],
      ["POST", dmPath("/scoring_payloads"), ""],
      ["POST", dmPath("/service_bindings"), `{"name": "x", "service_type": "custom_machine_learning",`],
      ["POST", dmPath("/service_bindings"), "{'name': 'single quotes'}"],
      ["POST", dmPath("/monitor_definitions"), `{"name": "m", "metrics": [}`],
      ["POST", dmPath("/measurements"), "[{]"],
      ["POST", subPath("/feedback_payloads"), `{"format": "wml", "fields": ["Age"], "values": [[1]`],
      ["PUT", subPath("/configurations/payload_logging"), "{enabled: true}"],
      ["PATCH", subPath(), "[{\"op\": \"replace\""],
    ];
    for (const [method, path, raw] of bodies) {
      const message = assertV1Error(await mart.call(method, path, { key: mart.keys.admin, raw }), 400, `${method} ${path} ${raw.slice(-30)}`);
      assert.match(message, /JSON/i, `names JSON: ${message}`);
    }
    assert.deepEqual(await counts(), before);
  });

  test("a JSON body with the wrong content type, or an object where an array is required: a clear 4xx, nothing stored", async () => {
    const before = await counts();
    const record = mart.record("wrong-type-1");
    const plain = await mart.call("POST", dmPath("/scoring_payloads"), { key: mart.keys.ingest, raw: JSON.stringify([record]), contentType: "text/plain" });
    assert.match(assertV1Error(plain, 415, "text/plain"), /application\/json/, "says which content type to send");
    const form = await mart.call("POST", dmPath("/service_bindings"), { key: mart.keys.admin, raw: "name=x", contentType: "application/x-www-form-urlencoded" });
    assert.ok(form.status === 400 || form.status === 415, `a form to a JSON route: ${form.status}`);
    assertV1Error(form, form.status, "a form body");
    const object = await mart.call("POST", dmPath("/scoring_payloads"), { key: mart.keys.ingest, body: record });
    assert.match(assertV1Error(object, 400, "one record, not an array"), /array/);
    const measurements = await mart.call("POST", dmPath("/measurements"), { key: mart.keys.admin, body: { monitor_definition_id: "x", metrics: [] } });
    assert.match(assertV1Error(measurements, 400, "a measurement, not an array"), /array|list/i);
    for (const raw of ["null", "42", "\"text\"", "true"]) {
      assertV1Error(await mart.call("POST", dmPath("/scoring_payloads"), { key: mart.keys.ingest, raw }), 400, `payloads ${raw}`);
      assertV1Error(await mart.call("POST", dmPath("/service_bindings"), { key: mart.keys.admin, raw }), 400, `binding ${raw}`);
      assertV1Error(await mart.call("POST", subPath("/feedback_payloads"), { key: mart.keys.admin, raw }), 400, `feedback ${raw}`);
    }
    assertV1Error(await mart.call("POST", dmPath("/service_bindings"), { key: mart.keys.admin }), 400, "no body at all");
    assert.deepEqual(await counts(), before);
  });

  test("a body over the limit: 413 with the fix, nothing stored, the server still answering", async () => {
    const before = await mart.payloadRows();
    const ingest = await mart.token(mart.keys.ingest);
    const one = JSON.stringify(mart.record("big-0", 20));
    const body = `[${Array.from({ length: Math.ceil((33 * 1024 * 1024) / one.length) }, (_, i) => one.replace("big-0", `big-${i}`)).join(",")}]`;
    const r = await fetch(`${mart.url}${dmPath("/scoring_payloads")}`, { method: "POST", headers: { authorization: `Bearer ${ingest}`, "content-type": "application/json" }, body });
    const message = assertV1Error({ status: r.status, body: await r.json() }, 413, "33 MiB");
    assert.match(message, /32 MiB/);
    assert.match(message, /fewer records/);
    assert.equal(await mart.payloadRows(), before, "nothing stored");
    const small = await mart.call("POST", dmPath("/scoring_payloads"), { key: mart.keys.ingest, body: [mart.record("after-big")] });
    assert.equal(small.status, 202, JSON.stringify(small.body));
    assert.equal(await mart.payloadRows(), before + 3);
  });

  test("payload records with missing fields or wrong types: 400 naming the record and field, nothing of the batch stored", async () => {
    const before = await mart.payloadRows();
    const age = mart.features.indexOf("Age");
    const purpose = mart.features.indexOf("LoanPurpose");
    const good = (i: number) => mart.record(`bad-batch-${i}`);
    const cases: [string, (r: Record<string, any>) => void, RegExp][] = [
      ["a string in a numeric feature", (r) => (r.request.values[1][age] = "forty"), /records\[3\]\.request\.values\[1\] field 'Age'.*expected a number/],
      ["an object in a categorical feature", (r) => (r.request.values[2][purpose] = { car: true }), /records\[3\]\.request\.values\[2\] field 'LoanPurpose'.*expected text/],
      ["no request", (r) => delete r.request, /records\[3\]\.request.*missing/],
      ["no response", (r) => (r.response = null), /records\[3\]\.response.*missing/],
      ["fewer response rows than request rows", (r) => r.response.values.pop(), /records\[3\]\.response\.values.*2 rows for 3 request rows/],
      ["values that are not a list", (r) => (r.request.values = "1,2,3"), /records\[3\]\.request/],
      ["fields that are not a list", (r) => (r.request.fields = "Age"), /records\[3\]\.request/],
      ["a row that is not a list", (r) => (r.request.values[0] = 5), /records\[3\]\.request/],
      ["a missing feature column", (r) => (r.request.fields[age] = "Agee"), /records\[3\]\.request\.fields.*'Age'/],
      ["no subscription_id", (r) => delete r.subscription_id, /records\[3\]\.subscription_id/],
      ["an unknown subscription", (r) => (r.subscription_id = "no-such-subscription"), /records\[3\]\.subscription_id.*no-such-subscription/],
      ["a negative response_time", (r) => (r.response_time = -1), /records\[3\]\.response_time/],
      ["a scoring_timestamp that is no time", (r) => (r.scoring_timestamp = "yesterday"), /records\[3\]\.scoring_timestamp.*ISO 8601/],
      ["a numeric scoring_id", (r) => (r.scoring_id = 12), /records\[3\]\.scoring_id/],
      ["a record that is a number", (r) => Object.keys(r).forEach((k) => delete r[k]), /records\[3\]/],
    ];
    for (const [what, spoil, expected] of cases) {
      const batch: unknown[] = [good(0), good(1), good(2), good(3), good(4)];
      spoil(batch[3] as Record<string, any>);
      if (what === "a record that is a number") batch[3] = 42;
      const r = await mart.call("POST", dmPath("/scoring_payloads"), { key: mart.keys.ingest, body: batch });
      const message = assertV1Error(r, 400, what);
      assert.match(message.replace(/\n/g, " "), expected, `${what}: ${message}`);
      assert.match(message, /nothing was stored|records\[3\]/, what);
      assert.ok(r.body.errors.every((e: { target?: { name: string } }) => e.target?.name.startsWith("records[3]") || e.target?.name === "body"), `${what}: only record 3 is named: ${message}`);
    }
    assert.equal(await mart.payloadRows(), before, "not one row of the good records stored");
  });

  test("feedback records with missing fields or wrong types: 400 naming the row and field, nothing stored", async () => {
    const before = await mart.feedbackRows();
    const fields = [...mart.features, "Risk"];
    const row = (age: unknown) => fields.map((f) => (f === "Age" ? age : f === "Risk" ? "No Risk" : mart.features.indexOf(f) >= 0 && /Duration|Amount|Percent|Count|Dependents/.test(f) ? 3 : "A"));
    const wml = (values: unknown[][], f = fields) => mart.call("POST", subPath("/feedback_payloads"), { key: mart.keys.ingest, body: { format: "wml", fields: f, values } });
    const ok = await wml([row(30)]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const stored = before + 1;
    // Thunks, sent one after another: PGlite over the wire has one session, which concurrent transactions would share.
    const cases: [string, () => Promise<{ status: number; body: any }>, RegExp][] = [
      ["a string for Age", () => wml([row(30), row(31), row("old")]), /values\[2\]\.Age|\[2\].*Age/],
      ["a missing label", () => wml([row(30), row(30).slice(0, -1).concat([null])]), /\[1\].*Risk.*label/],
      ["a short row", () => wml([row(30), row(30).slice(2)]), /\[1\].*values? for \d+ fields/],
      ["an unknown field", () => wml([[...row(30), 1]], [...fields, "Nope"]), /Nope/],
      ["values that are not a list", () => mart.call("POST", subPath("/feedback_payloads"), { key: mart.keys.ingest, body: { format: "wml", fields, values: "x" } }), /values/],
      ["no format", () => mart.call("POST", subPath("/feedback_payloads"), { key: mart.keys.ingest, body: { fields, values: [row(30)] } }), /format/],
      ["a dict row with a wrong key", () => mart.call("POST", subPath("/feedback_payloads"), { key: mart.keys.ingest, body: { format: "dict", records: [Object.fromEntries(fields.map((f, i) => [f, row(30)[i]])), { Agee: 3 }] } }), /\[1\].*Agee/],
    ];
    for (const [what, answer, expected] of cases) {
      const message = assertV1Error(await answer(), 400, what);
      assert.match(message.replace(/\n/g, " "), expected, `${what}: ${message}`);
    }
    assert.equal(await mart.feedbackRows(), stored, "only the good request's row");
  });

  test("ids that name nothing: 404 in v1's shape, never 500; another data mart's resources look the same as none", async () => {
    const missing = "no-such-id";
    const paths = [
      dmPath(`/service_bindings/${missing}`),
      dmPath(`/ml_instances/${missing}/deployments`),
      dmPath(`/subscriptions/${missing}`),
      dmPath(`/service_bindings/${mart.binding_uid}/subscriptions/${missing}`),
      dmPath(`/subscriptions/${missing}/configurations/payload_logging`),
      dmPath(`/subscriptions/${missing}/payload_table_schema`),
      dmPath(`/subscriptions/${missing}/feedback_payloads`),
      subPath(`/data_distributions/${missing}`),
      subPath(`/evaluations/${missing}`),
      subPath(`/drift_tasks/${missing}`),
      dmPath(`/fairness_monitoring/${mart.subscription_uid}/runs/${missing}`),
      dmPath(`/monitor_definitions/${missing}`),
      dmPath(`/measurements/${missing}`),
      dmPath(`/explanation_tasks/${missing}`),
      dmPath(`/scoring_transactions?subscription_id=${missing}`),
      dmPath(`/service_bindings/${mart.other_binding_uid}`),
    ];
    for (const path of paths) {
      const r = await mart.call("GET", path, { key: mart.keys.admin });
      assertV1Error(r, 404, `GET ${path}`);
      assert.equal(r.body.errors[0].code, "not_found");
    }
    for (const [method, path] of [["DELETE", dmPath(`/service_bindings/${missing}`)], ["DELETE", subPath("/../no-such-id")], ["DELETE", dmPath(`/monitor_definitions/${missing}`)], ["POST", dmPath(`/subscriptions/${missing}/evaluations`)], ["POST", dmPath(`/fairness_monitoring/${missing}/runs`)], ["POST", dmPath(`/subscriptions/${missing}/drift_tasks`)]] as const) {
      assertV1Error(await mart.call(method, path, { key: mart.keys.admin }), 404, `${method} ${path}`);
    }
    const noSubscription = await mart.call("POST", dmPath(`/service_bindings/${missing}/subscriptions`), { key: mart.keys.admin, body: { asset: { asset_id: "credit" } } });
    assert.ok(noSubscription.status === 404 || noSubscription.status === 400, `a subscription under no binding: ${noSubscription.status}`);
    assertV1Error(noSubscription, noSubscription.status, "a subscription under no binding");

    // Data mart A's key at data mart B (which exists) and at one that does not: the same answer.
    const existing = await mart.call("GET", `/v1/data_marts/${mart.otherDm}/service_bindings/${mart.other_binding_uid}`, { key: mart.keys.admin });
    const none = await mart.call("GET", `/v1/data_marts/nosuchmart/service_bindings/${mart.other_binding_uid}`, { key: mart.keys.admin });
    assertV1Error(existing, 404, "another data mart");
    assertV1Error(none, 404, "no data mart");
    assert.deepEqual(existing.body.errors.map((e: { message: string }) => e.message.replace(mart.otherDm, "X")), none.body.errors.map((e: { message: string }) => e.message.replace("nosuchmart", "X")), "existence is not leaked");

    // A data mart never set up, asked by its own key: 409 with the fix, as the embedded client's StateError.
    for (const path of ["", "/service_bindings", `/service_bindings/${missing}`, `/subscriptions/${missing}`]) {
      const unset = await mart.call("GET", `/v1/data_marts/${mart.dm}unset${path}`, { key: mart.keys.unset });
      assert.match(assertV1Error(unset, 409, `a data mart never set up: ${path}`), /not set up yet/);
    }
  });

  test("an engine that refuses the binding's credentials: 502 naming the engine and the fix, nothing stored; the remote client raises EngineAuthenticationError", async () => {
    const before = await counts();
    const wrong = { ...mart.engines.custom, password: "not-the-password" };
    const r = await mart.call("POST", dmPath("/service_bindings"), { key: mart.keys.admin, body: { name: "wrong password", service_type: "custom_machine_learning", instance_id: "i1", credentials: wrong } });
    const message = assertV1Error(r, 502, "credentials refused");
    assert.match(message, /custom_machine_learning engine at http:\/\/127\.0\.0\.1:\d+.*rejected the credentials.*Check them/);
    assert.ok(!message.includes("not-the-password"), "no password in the message");
    const client = new APIClient({ url: mart.url, apikey: mart.keys.admin, instance_guid: mart.dm }, new RecordingOutput());
    await assert.rejects(client.data_mart.bindings.add("wrong password", new CustomMachineLearningInstance(wrong)), (e: unknown) => e instanceof EngineAuthenticationError && /rejected the credentials/.test(e.message));
    await client.close();
    assert.deepEqual(await counts(), before);
  });
});
