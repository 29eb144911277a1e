/**
 * Faults under load, as production meets them. The server killed with `kill -9` while loggers send payloads, then
 * started again: every acknowledged request is stored, and the loggers' retries (the same scoring_ids) add no
 * duplicates. The database restarted under load: requests fail with 503 in v1's shape (never 500, never a hang),
 * then succeed again, with nothing lost or doubled. Without OPENSCALE_TEST_POSTGRES_URL the database is PGlite over
 * the wire, one session for every connection: the same checks run with one logger.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, rowsOf, startLocalEngines, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, serve } from "../../src/server/index";
import { resolvePostgresCredentials } from "../../src/store/postgres-credentials";
import { PostgresStore } from "../../src/store/postgres-store";
import { creditAsset } from "../support/credit-asset";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";
import { freePort, startServerProcess } from "../support/server-process";

const REAL = process.env.OPENSCALE_TEST_POSTGRES_URL !== undefined;
const LOGGERS = REAL ? 20 : 1;
const ROWS = 10;
const dm = `faults${process.pid}`;
const secretKey = randomBytes(32).toString("base64");
let postgres: TestPostgres;
let engines: LocalEngines;
let ingestKey: string;
let subscription_uid: string;
const previousKey = process.env.OPENSCALE_SECRET_KEY;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  process.env.OPENSCALE_SECRET_KEY = secretKey;
  postgres = await startTestPostgres();
  engines = await startLocalEngines();
  const store = await openServerStore({ kind: "postgresql", credentials: postgres.url });
  ingestKey = (await createApiKey(store, { role: "ingest", data_mart_id: dm })).key;
  await store.close();
  const client = new APIClient({ in_memory: true }, new RecordingOutput());
  await client.data_mart.setup({ db_credentials: postgres.url, schema: `dm_${dm}` });
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  subscription_uid = (await client.data_mart.subscriptions.add(creditAsset(binding_uid))).uid;
  await client.close();
});
after(async () => {
  await engines?.stop();
  await postgres?.stop();
  if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
  else process.env.OPENSCALE_SECRET_KEY = previousKey;
});

const rows = rowsOf(generateCreditRisk({ rows: ROWS, seed: 3 }));
const fields = Object.keys(rows[0]!).filter((f) => f !== "Risk");
const body = (id: string) =>
  JSON.stringify([
    {
      subscription_id: subscription_uid,
      scoring_id: id,
      request: { fields, values: rows.map((r) => fields.map((f) => r[f])) },
      response: { fields: ["prediction", "probability"], values: rows.map(() => ["No Risk", [0.8, 0.2]]) },
      response_time: 5,
    },
  ]);

async function token(url: string): Promise<string> {
  const r = await fetch(`${url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${ingestKey}` });
  assert.equal(r.status, 200);
  return ((await r.json()) as { access_token: string }).access_token;
}

/** What one logger saw: the statuses of every attempt (0: no answer), and the scoring_ids acknowledged, in order. */
interface Seen {
  statuses: number[];
  acknowledged: string[];
  /** Bodies of the 5xx answers. */
  failures: unknown[];
}

/** Sends `id` until the server acknowledges it (202), as a logger that must lose nothing does; a 4xx fails the test. */
async function sendUntilAcknowledged(url: string, bearer: string, id: string, seen: Seen): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/v1/data_marts/${dm}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: body(id), signal: AbortSignal.timeout(15_000) });
      seen.statuses.push(r.status);
      if (r.status === 202) {
        seen.acknowledged.push(id);
        return;
      }
      const answer = await r.json().catch(() => null);
      if (r.status < 500) assert.fail(`${id}: refused with ${r.status}: ${JSON.stringify(answer)}`);
      seen.failures.push(answer);
    } catch (error) {
      if ((error as Error).name === "AssertionError") throw error;
      seen.statuses.push(0); // no answer: the server is down, or the connection dropped
    }
    await sleep(50 + Math.random() * 100);
  }
  assert.fail(`${id}: not acknowledged within 60 s`);
}

/** Every request's rows, read straight from the data mart's tables: [scoring_id of the request, rows stored]. */
async function storedRequests(): Promise<Map<string, number>> {
  const store = await PostgresStore.open(resolvePostgresCredentials(postgres.url), `dm_${dm}`);
  try {
    const [sub] = await store.query<{ payload_table: string }>("SELECT payload_table FROM subscriptions WHERE guid = $1", [subscription_uid]);
    const counted = await store.query<{ request: string; n: number }>(`SELECT regexp_replace(scoring_id, '-[0-9]+$', '') AS request, count(*)::int AS n FROM "${sub!.payload_table}" GROUP BY 1`);
    const samples = await store.query<{ n: number; distinct_ids: number }>("SELECT count(*)::int AS n, count(DISTINCT scoring_id)::int AS distinct_ids FROM performance_metrics WHERE subscription_guid = $1", [subscription_uid]);
    assert.equal(samples[0]!.n, samples[0]!.distinct_ids);
    assert.equal(samples[0]!.n, counted.length, "one performance sample per stored request");
    return new Map(counted.map((c) => [c.request, c.n]));
  } finally {
    await store.close();
  }
}

function assertStoredOnce(stored: Map<string, number>, acknowledged: string[], prefix: string): void {
  const mine = [...stored].filter(([id]) => id.startsWith(prefix));
  assert.equal(mine.length, acknowledged.length, "every acknowledged request stored, and no other");
  for (const id of acknowledged) assert.equal(stored.get(id), ROWS, `${id}: ${stored.get(id) ?? 0} rows stored of ${ROWS}`);
}

describe("faults under load", () => {
  test(`kill -9 of the server amid ${LOGGERS} loggers, restarted on its port: acknowledged requests stored, retries stored once`, { timeout: 300_000 }, async () => {
    const port = await freePort();
    const env = { OPENSCALE_SECRET_KEY: secretKey };
    let server = await startServerProcess({ db: postgres.url, port, env });
    const bearer = await token(server.url);
    const REQUESTS = REAL ? 60 : 40;
    const seen = Array.from({ length: LOGGERS }, (): Seen => ({ statuses: [], acknowledged: [], failures: [] }));
    let acknowledgedBeforeKill: string[] = [];
    const load = Promise.all(
      seen.map(async (mine, logger) => {
        for (let r = 0; r < REQUESTS; r++) await sendUntilAcknowledged(`http://127.0.0.1:${port}`, bearer, `kill-${logger}-${r}`, mine);
      }),
    );
    // Kill it once a third of the requests are acknowledged, with many more in flight.
    while (seen.reduce((n, s) => n + s.acknowledged.length, 0) < (LOGGERS * REQUESTS) / 3) await sleep(20);
    assert.equal(await server.stop("SIGKILL"), "SIGKILL");
    acknowledgedBeforeKill = seen.flatMap((s) => s.acknowledged);
    await sleep(500);
    server = await startServerProcess({ db: postgres.url, port, env });
    await load;
    assert.equal(await server.stop("SIGTERM"), 0, server.output());

    const acknowledged = seen.flatMap((s) => s.acknowledged);
    assert.ok(seen.some((s) => s.statuses.includes(0)), "some requests found the server gone");
    const stored = await storedRequests();
    for (const id of acknowledgedBeforeKill) assert.equal(stored.get(id), ROWS, `${id}, acknowledged before the kill, is not stored whole`);
    assertStoredOnce(stored, acknowledged, "kill-");
    assert.equal(acknowledged.length, LOGGERS * REQUESTS);
  });

  test("the database restarted under load: 503 in v1's shape while it is down, then 202 again; nothing lost or doubled", { timeout: 300_000 }, async () => {
    const server = await serve({ database: { kind: "postgresql", credentials: postgres.url }, port: 0, logger: false });
    try {
      const bearer = await token(server.url);
      const seen = Array.from({ length: LOGGERS }, (): Seen => ({ statuses: [], acknowledged: [], failures: [] }));
      let restarted = false;
      let afterRestart = 0;
      const load = Promise.all(
        seen.map(async (mine, logger) => {
          // Each logger keeps sending until 20 of its requests were acknowledged after the database came back.
          for (let r = 0; !restarted || afterRestart < 20 * LOGGERS; r++) {
            await sendUntilAcknowledged(server.url, bearer, `restart-${logger}-${r}`, mine);
            if (restarted) afterRestart++;
          }
        }),
      );
      await sleep(1000);
      await postgres.restart(1500);
      restarted = true;
      await load;

      const statuses = seen.flatMap((s) => s.statuses);
      assert.ok(statuses.includes(503), `no 503 while the database was down: ${[...new Set(statuses)].join(", ")}`);
      assert.deepEqual([...new Set(statuses)].filter((s) => s !== 202 && s !== 503), [], "only 202 and 503: never a 500 or no answer");
      for (const failure of seen.flatMap((s) => s.failures)) {
        const f = failure as { errors: { code: string; message: string }[]; trace: string };
        assert.equal(f.errors[0]!.code, "service_unavailable");
        assert.match(f.errors[0]!.message, /try again/);
        assert.ok(!f.errors[0]!.message.includes(new URL(postgres.url).password), "no password in the error");
      }
      for (const s of seen) assert.deepEqual(s.statuses.slice(-5), [202, 202, 202, 202, 202], "recovered");
      assertStoredOnce(await storedRequests(), seen.flatMap((s) => s.acknowledged), "restart-");
    } finally {
      await server.close();
    }
  });
});
