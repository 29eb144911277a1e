/**
 * Ingestion under load: 50 concurrent loggers × 200 requests of 10 rows each to a server on PostgreSQL, every
 * request acknowledged with 202 only once committed. Afterwards the database holds every row exactly once: 0 lost,
 * 0 duplicated (a few requests are also sent twice, as a client retrying after a lost answer would). Without a real
 * server (OPENSCALE_TEST_POSTGRES_URL; CI has one) the test database is PGlite over the wire, one session for every
 * connection, so concurrent transactions would interleave: the same check runs with one logger × 50 requests.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, rowsOf, startLocalEngines, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { creditAsset } from "../support/credit-asset";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";

const REAL = process.env.OPENSCALE_TEST_POSTGRES_URL !== undefined;
const LOGGERS = REAL ? 50 : 1;
const REQUESTS = REAL ? 200 : 50;
const ROWS = 10;
const dm = `load${process.pid}`;
let postgres: TestPostgres;
let server: RunningServer;
let engines: LocalEngines;
let ingestKey: string;
let subscription_uid: string;
let binding_uid: string;
const previousKey = process.env.OPENSCALE_SECRET_KEY;

before(async () => {
  process.env.OPENSCALE_SECRET_KEY = randomBytes(32).toString("base64");
  postgres = await startTestPostgres();
  engines = await startLocalEngines();
  const store = await openServerStore({ kind: "postgresql", credentials: postgres.url });
  ingestKey = (await createApiKey(store, { role: "ingest", data_mart_id: dm })).key;
  await store.close();
  const client = new APIClient({ in_memory: true }, new RecordingOutput());
  await client.data_mart.setup({ db_credentials: postgres.url, schema: `dm_${dm}` });
  binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  subscription_uid = (await client.data_mart.subscriptions.add(creditAsset(binding_uid))).uid;
  // A first payload makes the typed table, as a scoring service's first request would.
  await (await client.data_mart.subscriptions.get(subscription_uid)).score(rowsOf(generateCreditRisk({ rows: 1, seed: 1 })).map(({ Risk: _, ...r }) => r));
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

describe("ingestion under load", () => {
  test(`${LOGGERS} loggers × ${REQUESTS} requests of ${ROWS} rows: every row once`, { timeout: 600_000 }, async () => {
    const tokenResponse = await fetch(`${server.url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${ingestKey}` });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    const rows = rowsOf(generateCreditRisk({ rows: ROWS, seed: 2 }));
    const fields = Object.keys(rows[0]!).filter((f) => f !== "Risk");
    const body = (id: string) =>
      JSON.stringify([
        {
          subscription_id: subscription_uid,
          binding_id: binding_uid,
          deployment_id: "credit",
          scoring_id: id,
          request: { fields, values: rows.map((r) => fields.map((f) => r[f])) },
          response: { fields: ["prediction", "probability"], values: rows.map(() => ["No Risk", [0.8, 0.2]]) },
          response_time: 5,
        },
      ]);
    const send = (id: string) => fetch(`${server.url}/v1/data_marts/${dm}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body(id) });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: LOGGERS }, async (_, logger) => {
        const seen: number[] = [];
        for (let r = 0; r < REQUESTS; r++) {
          const response = await send(`logger-${logger}-${r}`);
          seen.push(response.status);
          if (r % 10 === 0) seen.push((await send(`logger-${logger}-${r}`)).status); // a retry of the same request
        }
        return seen;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual([...new Set(statuses.flat())], [202], "every request acknowledged");
    const client = new APIClient({ in_memory: true }, new RecordingOutput());
    await client.data_mart.setup({ db_credentials: postgres.url, schema: `dm_${dm}` });
    const subscription = await client.data_mart.subscriptions.get(subscription_uid);
    const stored = await subscription.payload_logging.get_records_count();
    await client.close();
    assert.equal(stored, 1 + LOGGERS * REQUESTS * ROWS, `0 lost, 0 duplicated (${Math.round((LOGGERS * REQUESTS) / seconds)} requests/s)`);
  });
});
