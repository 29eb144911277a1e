/**
 * The server on PostgreSQL: a data mart in its own schema, made and subscribed by a client over the same database
 * beforehand (the server keeps no state of its own: it finds the data mart there), and the tutorial's REST cell
 * logging payloads with an ingest key: 202 once committed, the rows readable at once, a retried request stored once,
 * another data mart's subscription not found. (The client and the server use the database one after the other:
 * without OPENSCALE_TEST_POSTGRES_URL the test database is PGlite over the wire, which takes one connection.)
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, rowsOf, startLocalEngines, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { creditAsset } from "../support/credit-asset";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";

const dm = `ingest${process.pid}`;
let postgres: TestPostgres;
let server: RunningServer;
let engines: LocalEngines;
let subscription_uid: string;
let binding_uid: string;
const keys: Record<string, string> = {};
const previousKey = process.env.OPENSCALE_SECRET_KEY;

async function token(apikey: string): Promise<string> {
  const r = await fetch(`${server.url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey }).toString() });
  const body = (await r.json()) as { access_token: string };
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.access_token;
}

before(async () => {
  process.env.OPENSCALE_SECRET_KEY = randomBytes(32).toString("base64"); // one sealing key for the server and the client
  postgres = await startTestPostgres();
  engines = await startLocalEngines();
  const store = await openServerStore({ kind: "postgresql", credentials: postgres.url });
  keys.admin = (await createApiKey(store, { role: "admin", data_mart_id: dm })).key;
  keys.ingest = (await createApiKey(store, { role: "ingest", data_mart_id: dm })).key;
  keys.viewer = (await createApiKey(store, { role: "viewer", data_mart_id: dm })).key;
  keys.other = (await createApiKey(store, { role: "ingest", data_mart_id: `${dm}b` })).key;
  await store.close();
  const client = new APIClient({ in_memory: true }, new RecordingOutput());
  await client.data_mart.setup({ db_credentials: postgres.url, schema: `dm_${dm}` });
  binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  subscription_uid = (await client.data_mart.subscriptions.add(creditAsset(binding_uid))).uid;
  await client.close();
  server = await serve({ database: { kind: "postgresql", credentials: postgres.url }, port: 0, logger: false });
});
after(async () => {
  await server?.close();
  await engines?.stop();
  await postgres?.stop();
  if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
  else process.env.OPENSCALE_SECRET_KEY = previousKey;
});

describe("the server on PostgreSQL", () => {
  test("the tutorial's REST payload logging with an ingest key; retries stored once; other data marts see nothing", async () => {
    const admin = await token(keys.admin!);
    const put = await fetch(`${server.url}/v1/data_marts/${dm}`, { method: "PUT", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: "{}" });
    assert.equal(put.status, 200, "the server found the data mart the client made");
    const count = async () => {
      const r = await fetch(`${server.url}/v1/data_marts/${dm}/scoring_transactions?subscription_id=${subscription_uid}&limit=1&include_total_count=true`, { headers: { authorization: `Bearer ${admin}` } });
      assert.equal(r.status, 200);
      return ((await r.json()) as { total_count: number }).total_count;
    };
    const subscription = { uid: subscription_uid, payload_logging: { get_records_count: count } };

    const rows = rowsOf(generateCreditRisk({ rows: 10, seed: 1 }));
    const features = Object.keys(rows[0]!).filter((f) => f !== "Risk");
    const record = {
      subscription_id: subscription.uid,
      binding_id: binding_uid,
      deployment_id: "credit",
      scoring_id: "rest-cell-1",
      request: { fields: features, values: rows.map((r) => features.map((f) => r[f])) },
      response: { fields: ["prediction", "probability"], values: rows.map(() => ["No Risk", [0.8, 0.2]]) },
      response_time: 42,
    };
    const ingest = await token(keys.ingest!);
    const post = (apikeyToken: string, db = dm) => fetch(`${server.url}/v1/data_marts/${db}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${apikeyToken}`, "content-type": "application/json" }, body: JSON.stringify([record]) });
    const first = await post(ingest);
    assert.equal(first.status, 202, await first.clone().text());
    assert.equal((await subscription.payload_logging.get_records_count()), 10, "committed before the 202");
    assert.equal((await post(ingest)).status, 202, "a retry is acknowledged");
    assert.equal((await subscription.payload_logging.get_records_count()), 10, "and stored once");
    const viewer = await token(keys.viewer!);
    const read = await fetch(`${server.url}/v1/data_marts/${dm}/scoring_transactions?subscription_id=${subscription.uid}&limit=5`, { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(read.status, 200);
    const page = (await read.json()) as { fields: string[]; values: unknown[][] };
    assert.equal(page.values.length, 5);
    assert.ok(page.fields.includes("LoanAmount"));
    assert.equal((await post(ingest, `${dm}b`)).status, 404, "another data mart: not found");
    assert.equal((await post(await token(keys.other!), dm)).status, 404, "a key of another data mart: not found");
    const bad = await fetch(`${server.url}/v1/data_marts/${dm}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${ingest}`, "content-type": "application/json" }, body: JSON.stringify([{ ...record, scoring_id: "rest-cell-2", subscription_id: "nope" }]) });
    assert.ok(bad.status === 400 || bad.status === 404, `unknown subscription: ${bad.status}`);
    assert.equal((await subscription.payload_logging.get_records_count()), 10, "nothing stored");
    const malformed = await fetch(`${server.url}/v1/data_marts/${dm}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${ingest}`, "content-type": "application/json" }, body: "[{" });
    assert.equal(malformed.status, 400);
  });
});
