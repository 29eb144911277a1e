/**
 * The same payloads, logged into an embedded (PGlite) data mart and a PostgreSQL one (through `pg`: COPY, the
 * ON CONFLICT fallback, its own type parsing), read back the same: rows, descriptions, distributions and
 * performance figures. Every number is also checked against the same math done here on the records.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIClient,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  generateCreditRisk,
  PayloadRecord,
  rowsOf,
  startLocalEngines,
  type LocalEngines,
  type Subscription,
} from "../../src/index";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";

const credit = generateCreditRisk({ rows: 300, seed: 21 });
const features = credit.feature_columns;
const rows = rowsOf(credit);
const ROWS_PER_RECORD = 6;
const RECORDS = rows.length / ROWS_PER_RECORD;
const START = Date.UTC(2026, 10, 20, 9, 0, 0);

/** 50 scoring requests of 6 rows, 4 minutes apart from 09:00, so they span four hours; response times 5..54 ms. */
function records(): PayloadRecord[] {
  return Array.from({ length: RECORDS }, (_, r) => {
    const slice = rows.slice(r * ROWS_PER_RECORD, (r + 1) * ROWS_PER_RECORD);
    return new PayloadRecord({
      request: { fields: features, values: slice.map((row) => features.map((f) => row[f])) },
      response: { fields: ["prediction", "probability"], values: slice.map((row) => [row.Risk, row.Risk === "Risk" ? [0.25, 0.75] : [0.875, 0.125]]) },
      scoring_id: `request-${String(r).padStart(2, "0")}`,
      scoring_timestamp: new Date(START + r * 4 * 60_000).toISOString(),
      response_time: 5 + r,
    });
  });
}

interface Mart {
  name: string;
  client: APIClient;
  out: RecordingOutput;
  subscription: Subscription;
}

let engines: LocalEngines;
let postgres: TestPostgres;
const marts: Mart[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-payload-stores-"));
const schema = `payload_stores_${process.pid}`;

async function open(name: string, setup: (client: APIClient) => Promise<void>, options: ConstructorParameters<typeof APIClient>[0]): Promise<Mart> {
  const out = new RecordingOutput();
  const client = new APIClient(options, out);
  await setup(client);
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: features, categorical_columns: credit.categorical_columns }),
  );
  return { name, client, out, subscription };
}

before(async () => {
  engines = await startLocalEngines();
  postgres = await startTestPostgres();
  marts.push(await open("PGlite", (c) => c.data_mart.setup(), { in_memory: true }));
  marts.push(await open(postgres.kind, (c) => c.data_mart.setup({ db_credentials: postgres.url, schema }), { data_dir: dataDir }));
  for (const mart of marts) {
    const all = records();
    // Half first, then everything: the second call meets stored scoring_ids (PostgreSQL: COPY fails, ON CONFLICT runs).
    assert.deepEqual(await mart.subscription.payload_logging.store(all.slice(0, RECORDS / 2)), { records: RECORDS / 2, stored_rows: rows.length / 2, duplicate_rows: 0, duplicate_records: 0 }, mart.name);
    assert.deepEqual(await mart.subscription.payload_logging.store(all), { records: RECORDS, stored_rows: rows.length / 2, duplicate_rows: rows.length / 2, duplicate_records: RECORDS / 2 }, mart.name);
  }
});
after(async () => {
  for (const mart of marts) {
    await mart.client.data_mart.delete({ background_mode: true }).catch(() => undefined);
    await mart.client.close();
  }
  await engines.stop();
  await postgres.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Both marts' answers to the same call, after checking they are the same. */
async function same<T>(what: string, read: (mart: Mart) => Promise<T>): Promise<T> {
  const [embedded, server] = await Promise.all(marts.map(read));
  assert.deepEqual(server, embedded, `${what}: ${marts[1]!.name} and PGlite differ`);
  return embedded as T;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const close = (actual: unknown, expected: number, what: string) => assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

describe("payloads read the same from PGlite and PostgreSQL", () => {
  test("rows, with their types: numbers, text, probability vectors, timestamps", async () => {
    const content = await same("get_table_content", (m) => m.subscription.payload_logging.get_table_content({ limit: 1000 }));
    assert.equal(content.length, rows.length);
    assert.deepEqual(content.slice(0, 7).map((r) => r.scoring_id), [1, 2, 3, 4, 5, 6].map((i) => `request-49-${i}`).concat("request-48-1"), "newest request first, its rows in order");
    const byId = new Map(content.map((r) => [r.scoring_id, r]));
    const first = byId.get("request-00-1")!;
    assert.equal(first.scoring_timestamp, new Date(START).toISOString());
    for (const f of features) assert.equal(first[f], rows[0]![f], f);
    assert.equal(first.prediction, rows[0]!.Risk);
    assert.deepEqual(first.probability, rows[0]!.Risk === "Risk" ? [0.25, 0.75] : [0.875, 0.125]);
    assert.equal(first.prediction_probability, rows[0]!.Risk === "Risk" ? 0.75 : 0.875);
    assert.equal(first.response_time, 5);
    assert.equal(await same("get_records_count", (m) => m.subscription.payload_logging.get_records_count()), rows.length);
  });

  test("describe_table: count, mean, std, min, quartiles, max", async () => {
    const table = await same("describe_table", async (m) => {
      await m.subscription.payload_logging.describe_table();
      const { title: _, ...model } = m.out.lastTable();
      return model;
    });
    const column = (name: string) => table.rows.map((r) => r[table.columns.indexOf(name)]);
    const ages = rows.map((r) => r.Age as number).sort((a, b) => a - b);
    const [count, avg, std, min, , median, , max] = column("Age");
    assert.equal(count, ages.length);
    close(avg, mean(ages), "mean");
    close(std, Math.sqrt(ages.reduce((s, a) => s + (a - mean(ages)) ** 2, 0) / (ages.length - 1)), "std");
    assert.equal(min, ages[0]);
    close(median, (ages[149]! + ages[150]!) / 2, "median");
    assert.equal(max, ages.at(-1));
  });

  test("data distributions: groups, aggregates, filters and bins", async () => {
    const run = (options: Parameters<Subscription["payload_logging"]["data_distribution"]["run"]>[0]) =>
      same(`data_distribution.run(${JSON.stringify(options)})`, async (m) => {
        const { id } = await m.subscription.payload_logging.data_distribution.run({ start_date: new Date(START), ...options });
        return m.subscription.payload_logging.data_distribution.get_run_result({ run_id: id, format: "python" }) as Promise<{ fields: string[]; values: unknown[][] }>;
      });

    const grouped = await run({ group: ["prediction", "Sex"], agg: ["count", "Age:avg", "LoanAmount:max", "Age:stddev"] });
    assert.deepEqual(grouped.fields, ["prediction", "Sex", "count", "Age:avg", "LoanAmount:max", "Age:stddev"]);
    for (const [prediction, sex, n, avgAge, maxLoan] of grouped.values) {
      const group = rows.filter((r) => r.Risk === prediction && r.Sex === sex);
      assert.equal(n, group.length);
      close(avgAge, mean(group.map((r) => r.Age as number)), `avg Age of ${prediction}/${sex}`);
      assert.equal(maxLoan, Math.max(...group.map((r) => r.LoanAmount as number)));
    }
    assert.equal(grouped.values.reduce((s, v) => s + (v[2] as number), 0), rows.length);

    const filtered = await run({ group: ["Sex"], filter: "Age:gte:40,prediction:in:[Risk]" });
    assert.equal(filtered.values.reduce((s, v) => s + (v[1] as number), 0), rows.filter((r) => (r.Age as number) >= 40 && r.Risk === "Risk").length);

    const binned = await run({ group: ["Age"], max_bins: 5 });
    assert.equal(binned.values.reduce((s, v) => s + (v[1] as number), 0), rows.length);

    const lastHour = await run({ group: ["prediction"], start_date: new Date(START + 3 * 3_600_000) });
    assert.equal(lastHour.values.reduce((s, v) => s + (v[1] as number), 0), rows.slice(45 * ROWS_PER_RECORD).length, "requests 45..49 were scored after 12:00");
  });

  test("performance: one sample per request, and per-hour figures", async () => {
    const samples = await same("performance samples", async (m) =>
      (await m.subscription.performance_monitoring.get_table_content({ limit: 1000 })).map(({ binding_id: _b, subscription_id: _s, ...sample }) => sample),
    );
    assert.equal(samples.length, RECORDS);
    assert.ok(samples.every((s) => s.scoring_records === ROWS_PER_RECORD));
    const hours = await same("performance per hour", (m) => m.subscription.performance_monitoring.get_table_content({ interval: "hour" }));
    const times = (hour: number) => Array.from({ length: RECORDS }, (_, r) => r).filter((r) => Math.floor((r * 4) / 60) === hour).map((r) => 5 + r);
    assert.deepEqual(
      hours.map((h) => [h.hour, h.requests, h.records, h.max_response_time]),
      [3, 2, 1, 0].map((hour) => [new Date(START + hour * 3_600_000).toISOString(), times(hour).length, times(hour).length * ROWS_PER_RECORD, Math.max(...times(hour))]),
    );
    for (const h of hours) close(h.avg_response_time, mean(times((Date.parse(h.hour as string) - START) / 3_600_000)), `avg response time of ${h.hour}`);
  });
});

describe("a scoring_id names one request, on both stores", () => {
  test("a request sent again with more rows is a duplicate: the first is kept whole, with its one performance sample", async () => {
    for (const mart of marts) {
      const iris = await mart.client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid: mart.subscription.binding_uid }));
      const request = (n: number, ms: number, id = "same") =>
        new PayloadRecord({ request: { fields: ["sepal_length"], values: Array.from({ length: n }, (_, i) => [5 + i / 10]) }, response: { fields: ["prediction"], values: Array.from({ length: n }, () => [`first-${ms}`]) }, scoring_id: id, response_time: ms });
      assert.deepEqual(await iris.payload_logging.store([request(3, 10)]), { records: 1, stored_rows: 3, duplicate_rows: 0, duplicate_records: 0 }, mart.name);
      assert.deepEqual(await iris.payload_logging.store([request(5, 20)]), { records: 1, stored_rows: 0, duplicate_rows: 5, duplicate_records: 1 }, mart.name);
      // Within one batch: the first of two records with one scoring_id is kept.
      assert.deepEqual(await iris.payload_logging.store([request(2, 30, "twice"), request(4, 40, "twice"), request(1, 50, "once")]), { records: 3, stored_rows: 3, duplicate_rows: 4, duplicate_records: 1 }, mart.name);
      const content = await iris.payload_logging.get_table_content({ limit: 100 });
      assert.deepEqual(content.map((r) => [r.scoring_id, r.prediction]).sort(), [
        ["once-1", "first-50"],
        ["same-1", "first-10"], ["same-2", "first-10"], ["same-3", "first-10"],
        ["twice-1", "first-30"], ["twice-2", "first-30"],
      ], mart.name);
      const samples = await iris.performance_monitoring.get_table_content();
      assert.deepEqual(samples.map((s) => [s.scoring_time, s.scoring_records]).sort(), [[10, 3], [30, 2], [50, 1]], mart.name);
      await mart.client.data_mart.subscriptions.delete(iris.uid);
    }
  });
});

describe("values read back as sent, on both stores", () => {
  test("text with commas, quotes, line breaks and backslashes; empty text and null; JSON answers; booleans", async () => {
    const texts = ["a,b", 'say "hi"', "line\nbreak\r\nend", "back\\slash \\N \\.", "", "é ✓ 😀", "x".repeat(100)];
    const record = (t: string, i: number) =>
      new PayloadRecord({
        request: { fields: ["note", "x"], values: [[t, i === 4 ? null : i / 3]] },
        response: { fields: ["prediction", "detail", "ok"], values: [[t, { t, n: [i, null] }, i % 2 === 0]] },
        scoring_id: `odd-${i}`,
      });
    for (const mart of marts) {
      const notes = await mart.client.data_mart.subscriptions.add(new CustomMachineLearningAsset({ source_uid: "iris", binding_uid: mart.subscription.binding_uid }));
      // A small batch (group commit) and a stream (a transaction of its own): both ways of writing.
      assert.equal((await notes.payload_logging.store(texts.slice(0, 3).map(record))).stored_rows, 3, mart.name);
      assert.equal((await notes.payload_logging.store((function* () { for (let i = 3; i < texts.length; i++) yield record(texts[i]!, i); })())).stored_rows, texts.length - 3, mart.name);
      const content = await notes.payload_logging.get_table_content({ limit: 100 });
      const read = content.sort((a, b) => String(a.scoring_id).localeCompare(String(b.scoring_id))).map((r) => [r.note, r.x, r.prediction, r.detail, r.ok]);
      assert.deepEqual(read, texts.map((t, i) => [t, i === 4 ? null : i / 3, t, { t, n: [i, null] }, i % 2 === 0]), mart.name);
      await mart.client.data_mart.subscriptions.delete(notes.uid);
    }
  });
});
