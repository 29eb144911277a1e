/**
 * Group commit of payload batches (src/service/payload-ingestion.ts), on PostgreSQL through `pg` (COPY; without
 * OPENSCALE_TEST_POSTGRES_URL, PGlite over the wire: the INSERT path). Concurrent small batches share transactions,
 * and each batch is still its own unit: a bad one is refused alone, a request sent twice is stored once, a batch
 * refused after defining the payload table leaves no table behind, and a failed commit acknowledges nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, DatabaseError, generateCreditRisk, rowsOf, startLocalEngines, ValidationError, type LocalEngines } from "../../src/index";
import { PayloadIngestion } from "../../src/service/payload-ingestion";
import type { ScoringPayloadOutcome, ScoringPayloadRecord } from "../../src/service/resources";
import { resolvePostgresCredentials } from "../../src/store/postgres-credentials";
import { PostgresStore } from "../../src/store/postgres-store";
import type { Queryable, Store } from "../../src/store/store";
import { creditAsset } from "../support/credit-asset";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";

const credit = generateCreditRisk({ rows: 50, seed: 8 });
const features = credit.feature_columns;
const rows = rowsOf(credit).map((r) => features.map((f) => r[f]));
const schema = `group_commit_${process.pid}`;

let postgres: TestPostgres;
let engines: LocalEngines;
let store: PostgresStore;
let client: APIClient;
let binding_uid: string | undefined;
let previous: string | undefined;

/** The store, counting transactions; `failCommits` makes the next transactions fail after their work, as a lost commit. */
class CountingStore {
  transactions = 0;
  failCommits = 0;
  constructor(private readonly inner: Store) {}
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.transactions++;
    return this.inner.transaction(async (tx) => {
      const result = await work(tx);
      if (this.failCommits > 0) {
        this.failCommits--;
        throw new DatabaseError("the connection to the database was lost at COMMIT");
      }
      return result;
    });
  }
}

function batch(subscription_id: string, id: string, size = 10, extra: Partial<ScoringPayloadRecord> = {}): ScoringPayloadRecord[] {
  const values = Array.from({ length: size }, (_, i) => rows[i % rows.length]!);
  return [
    {
      subscription_id,
      scoring_id: id,
      request: { fields: features, values },
      response: { fields: ["prediction", "probability"], values: values.map(() => ["No Risk", [0.8, 0.2]]) },
      scoring_timestamp: "2026-11-30T10:00:00Z",
      response_time: 9,
      ...extra,
    },
  ];
}

/** A new subscription, with no payload table yet (the one before is deleted: subscribing to an asset again returns it). */
async function subscribe(): Promise<string> {
  binding_uid ??= await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  if (previous) await client.data_mart.subscriptions.delete(previous);
  return (previous = (await client.data_mart.subscriptions.add(creditAsset(binding_uid))).uid);
}

async function storedIds(subscription: string): Promise<string[]> {
  const found = await store.query<{ scoring_id: string }>("SELECT scoring_id FROM performance_metrics WHERE subscription_guid = $1 ORDER BY scoring_id", [subscription]);
  return found.map((r) => r.scoring_id);
}

async function payloadRows(subscription: string): Promise<number> {
  const [row] = await store.query<{ payload_table: string }>("SELECT payload_table FROM subscriptions WHERE guid = $1", [subscription]);
  const [count] = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${row!.payload_table}"`);
  return count!.n;
}

function settle(promises: Promise<ScoringPayloadOutcome>[]) {
  return Promise.allSettled(promises);
}

before(async () => {
  postgres = await startTestPostgres();
  engines = await startLocalEngines();
  client = new APIClient({ in_memory: true }, new RecordingOutput());
  await client.data_mart.setup({ db_credentials: postgres.url, schema });
  store = await PostgresStore.open(resolvePostgresCredentials(postgres.url), schema);
});
after(async () => {
  await client?.data_mart.delete({ background_mode: true }).catch(() => undefined);
  await client?.close();
  await store?.close();
  await engines?.stop();
  await postgres?.stop();
});

describe("group commit of payload batches", () => {
  test("40 concurrent batches share a few transactions; each is acknowledged with its own outcome, stored once", async () => {
    const subscription = await subscribe();
    const counting = new CountingStore(store);
    const ingestion = new PayloadIngestion(async () => counting as unknown as Store);
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => ingestion.store(batch(subscription, `load-${String(i).padStart(2, "0")}`))));
    for (const outcome of outcomes) assert.deepEqual(outcome, { records: 1, stored_rows: 10, duplicate_rows: 0, duplicate_records: 0 });
    // The first two batches start at once, each alone; the 38 that arrive meanwhile are written together.
    assert.equal(counting.transactions, 3, `40 batches took ${counting.transactions} transactions`);
    assert.equal((await storedIds(subscription)).length, 40);
    assert.equal(await payloadRows(subscription), 400);
  });

  test("in one group: a bad batch is refused alone, a request sent twice is stored once, a stored one is a duplicate", async () => {
    const subscription = await subscribe();
    const counting = new CountingStore(store);
    const ingestion = new PayloadIngestion(async () => counting as unknown as Store);
    await ingestion.store(batch(subscription, "stored-before"));
    const results = await settle([
      ingestion.store(batch(subscription, "g-00")),
      ingestion.store(batch(subscription, "g-01")),
      ingestion.store(batch(subscription, "g-02")),
      ingestion.store(batch(subscription, "g-03", 10, { response: undefined })),
      ingestion.store(batch(subscription, "g-04", 4)),
      ingestion.store(batch(subscription, "g-04", 7)), // the same request again, with more rows: kept as first sent
      ingestion.store(batch(subscription, "stored-before")),
      ingestion.store(batch(subscription, "g-05", 3)),
    ]);
    assert.equal(counting.transactions, 4);
    const value = (i: number) => (results[i]!.status === "fulfilled" ? results[i]!.value : assert.fail(`batch ${i} was refused: ${String(results[i])}`));
    const refused = results[3]!;
    assert.equal(refused.status, "rejected");
    assert.ok(refused.reason instanceof ValidationError);
    assert.deepEqual(refused.reason.issues.map((issue) => issue.path), ["records[0].response"]);
    assert.deepEqual(value(4), { records: 1, stored_rows: 4, duplicate_rows: 0, duplicate_records: 0 });
    assert.deepEqual(value(5), { records: 1, stored_rows: 0, duplicate_rows: 7, duplicate_records: 1 });
    assert.deepEqual(value(6), { records: 1, stored_rows: 0, duplicate_rows: 10, duplicate_records: 1 });
    assert.deepEqual(value(7), { records: 1, stored_rows: 3, duplicate_rows: 0, duplicate_records: 0 });
    assert.deepEqual(await storedIds(subscription), ["g-00", "g-01", "g-02", "g-04", "g-05", "stored-before"]);
    assert.equal(await payloadRows(subscription), 10 + 30 + 4 + 3);
  });

  test("a batch refused after defining the payload table leaves no table: the next batch of its group defines it", async () => {
    const subscription = await subscribe();
    const ingestion = new PayloadIngestion(async () => store);
    const firstValidThenBad = [...batch(subscription, "ddl-0"), { ...batch(subscription, "ddl-1")[0]!, response_time: -5 }];
    const results = await settle([
      // Refused at once (no such subscription), these two take the first two groups; the other three share the third.
      ingestion.store(batch("no-such-subscription", "busy-0")),
      ingestion.store(batch("no-such-subscription", "busy-1")),
      ingestion.store(firstValidThenBad),
      ingestion.store(batch(subscription, "ddl-2", 10, { response: { fields: ["prediction", "probability", "explanation"], values: Array.from({ length: 10 }, () => ["Risk", [0.3, 0.7], "first defines"]) } })),
      ingestion.store(batch(subscription, "ddl-3", 2)),
    ]);
    assert.equal(results[2]!.status, "rejected");
    assert.deepEqual((results[2] as PromiseRejectedResult).reason.issues.map((i: { path: string }) => i.path), ["records[1].response_time"]);
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected", "rejected", "fulfilled", "fulfilled"]);
    assert.deepEqual(await storedIds(subscription), ["ddl-2", "ddl-3"]);
    const details = await (await client.data_mart.subscriptions.get(subscription)).payload_logging.get_details();
    const fields = (details.parameters.output_data_schema as { fields: { name: string }[] }).fields.map((f) => f.name);
    assert.ok(fields.includes("explanation"), `the table was not defined by the first batch stored: ${fields.join(", ")}`);
  });

  test("a commit that fails acknowledges no batch of its group, and stores none", async () => {
    const subscription = await subscribe();
    const counting = new CountingStore(store);
    const ingestion = new PayloadIngestion(async () => counting as unknown as Store);
    counting.failCommits = 3;
    const results = await settle(Array.from({ length: 12 }, (_, i) => ingestion.store(batch(subscription, `lost-${i}`))));
    assert.equal(counting.transactions, 3);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      assert.ok(result.reason instanceof DatabaseError, String(result.reason));
    }
    assert.deepEqual(await storedIds(subscription), []);
    // The same batches sent again are stored, once.
    await Promise.all(Array.from({ length: 12 }, (_, i) => ingestion.store(batch(subscription, `lost-${i}`))));
    assert.equal((await storedIds(subscription)).length, 12);
  });
});
