/**
 * Feedback logging on PGlite and PostgreSQL: the three v1 formats store the same typed rows; text values are
 * converted strictly; CSV with quoted delimiters, a header, and a 20,000-row file streamed in chunks; every bad batch
 * is refused naming row and field, with nothing stored; the reading calls; distributions of the feedback; the table
 * dropped with its subscription.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { describe } from "node:test";
import {
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  FeedbackFormat,
  generateCreditRisk,
  ProblemType,
  renderTableHtml,
  rowsOf,
  StateError,
  ValidationError,
} from "../../src/index";
import { twoMarts } from "../support/two-marts";

const credit = generateCreditRisk({ rows: 30, seed: 5 });
const features = credit.feature_columns;
const fields = [...features, "Risk"];
const objects = rowsOf(credit).map((r) => Object.fromEntries(fields.map((f) => [f, r[f]])));
const asText = objects.map((o) => fields.map((f) => String(o[f])));
const csvCell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csv = (rows: Record<string, unknown>[], header = true) => `${header ? `${fields.join(",")}\n` : ""}${rows.map((o) => fields.map((f) => csvCell(o[f])).join(",")).join("\n")}\n`;

const { each, postgres, schema, dataDir } = twoMarts("feedback", async (client, engines) => {
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, problem_type: ProblemType.BINARY_CLASSIFICATION, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: features, categorical_columns: credit.categorical_columns }),
  );
  return { subscription };
});

const sorted = (rows: Record<string, unknown>[]) => rows.map(({ record_timestamp: _, ...r }) => JSON.stringify(r)).sort();

describe("feedback logging", () => {
  each("before any payload the feature types are unknown: a clear error, nothing stored", async ({ subscription }) => {
    await assert.rejects(subscription.feedback_logging.store(asText, { fields }), (e: Error) => e instanceof StateError && /Log a payload first/.test(e.message));
    await subscription.score(objects.slice(0, 3).map(({ Risk: _, ...r }) => r));
    assert.equal(await subscription.feedback_logging.get_records_count(), 0);
  });

  each("WML rows as text, DICT objects and CSV text store the same typed rows", async ({ subscription, out }) => {
    assert.deepEqual(await subscription.feedback_logging.store(asText, { fields }), { stored_rows: 30 });
    const first = (await subscription.feedback_logging.get_table_content({ limit: 100 })) as Record<string, unknown>[];
    assert.equal(typeof first.find(() => true)!.Age, "number", "text converted to the column's type");
    await subscription.feedback_logging.store(objects, { feedback_format: FeedbackFormat.DICT });
    await subscription.feedback_logging.store(csv(objects), { feedback_format: FeedbackFormat.CSV, data_header: true });
    await subscription.feedback_logging.store(csv(objects, false).replaceAll(",", ";"), { feedback_format: FeedbackFormat.CSV, data_delimiter: ";", fields });
    const all = (await subscription.feedback_logging.get_table_content({ limit: 1000 })) as Record<string, unknown>[];
    assert.equal(all.length, 120);
    const expected = sorted(objects);
    for (let k = 0; k < 4; k++) assert.deepEqual(sorted(all.slice(k * 30, (k + 1) * 30)), expected, `batch ${k}`);
    await subscription.feedback_logging.print_table_schema();
    const schemaTable = out.lastTable();
    assert.equal(schemaTable.title, `Schema of Feedback_${subscription.uid}`);
    assert.deepEqual(schemaTable.rows.map((r) => r[0]), [...fields, "record_timestamp"]);
    assert.equal(schemaTable.rows.find((r) => r[0] === "Age")![1], "double", "typed as the payload table types it");
    assert.equal(schemaTable.rows.find((r) => r[0] === "Risk")![1], "string");
    await subscription.feedback_logging.show_table({ limit: 3 });
    assert.equal(out.lastTable().title, `Feedback_${subscription.uid} (binding_id=${subscription.binding_uid}, subscription_id=${subscription.uid})`);
    assert.equal(out.lastTable().rows.length, 3);
    await subscription.feedback_logging.describe_table();
    const described = out.lastTable();
    assert.deepEqual(described.rows[0]!.slice(0, 2), ["count", 120]);
    const age = objects.map((o) => o.Age as number);
    const mean = age.reduce((a, b) => a + b, 0) / age.length;
    assert.ok(Math.abs((described.rows[1]![described.columns.indexOf("Age")] as number) - mean) < 1e-9);
  });

  each("CSV quoting: delimiters, quotes and newlines inside quoted fields", async ({ subscription }) => {
    const before = await subscription.feedback_logging.get_records_count();
    const odd = { ...objects[0]!, LoanPurpose: 'car, "new"\nor used' };
    await subscription.feedback_logging.store(csv([odd]), { feedback_format: FeedbackFormat.CSV, data_header: true });
    const [newest] = (await subscription.feedback_logging.get_table_content({ limit: 1 })) as Record<string, unknown>[];
    assert.equal(newest!.LoanPurpose, 'car, "new"\nor used');
    assert.equal(await subscription.feedback_logging.get_records_count(), before + 1);
  });

  each("a 20,000-row CSV file streams in chunks into one transaction", async ({ subscription }) => {
    const before = await subscription.feedback_logging.get_records_count();
    const big = generateCreditRisk({ rows: 20_000, seed: 9 });
    const file = path.join(dataDir, "feedback.csv");
    fs.writeFileSync(file, csv(rowsOf(big)));
    let chunks = 0;
    const stream = (async function* () {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 })) {
        chunks++;
        yield chunk as Buffer;
      }
    })();
    assert.deepEqual(await subscription.feedback_logging.store(stream, { feedback_format: FeedbackFormat.CSV, data_header: true }), { stored_rows: 20_000 });
    assert.ok(chunks > 10, `read in ${chunks} chunks of 64 KiB, not whole`);
    assert.equal(await subscription.feedback_logging.get_records_count(), before + 20_000);
    // A stream whose last line is bad stores nothing of the rows before it.
    const bad = Readable.from([csv(rowsOf(big).slice(0, 6000)), `${fields.map((f) => (f === "Age" ? "old" : "x")).join(",")}\n`]);
    await assert.rejects(subscription.feedback_logging.store(bad, { feedback_format: FeedbackFormat.CSV, data_header: true }), /csv line 6002\.Age: expected a number, got 'old'/);
    assert.equal(await subscription.feedback_logging.get_records_count(), before + 20_000);
  });

  each("bad batches name row and field and store nothing", async ({ subscription }) => {
    const count = await subscription.feedback_logging.get_records_count();
    const missingLabel = asText.map((r, i) => (i === 4 ? r.slice(0, -1) : r));
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => subscription.feedback_logging.store(missingLabel, { fields }), /feedback_data\[4\]: has 20 values for 21 fields/],
      [() => subscription.feedback_logging.store(objects.map((o, i) => (i === 2 ? { ...o, Risk: undefined } : o)), { feedback_format: FeedbackFormat.DICT }), /feedback_data\[2\]\.Risk: is missing: the label/],
      [() => subscription.feedback_logging.store(asText.map((r, i) => (i === 7 ? r.map((v, j) => (fields[j] === "Age" ? "twenty" : v)) : r)), { fields }), /feedback_data\[7\]\.Age: expected a number, got 'twenty'/],
      [() => subscription.feedback_logging.store(objects.map((o, i) => (i === 1 ? { ...o, Colour: "red" } : o)), { feedback_format: FeedbackFormat.DICT }), /feedback_data\[1\]\.Colour: is not a feedback column/],
      [() => subscription.feedback_logging.store(asText, { fields: [...features, "Outcome"] }), /fields\[20\]: 'Outcome' is not a feedback column/],
      [() => subscription.feedback_logging.store(csv(objects).replace("Age", "Years"), { feedback_format: FeedbackFormat.CSV, data_header: true }), /csv header: differs from the fields: unknown 'Years'; missing 'Age'/],
      [() => subscription.feedback_logging.store([], { fields }), /feedback_data: is empty/],
      [() => subscription.feedback_logging.store("", { feedback_format: FeedbackFormat.CSV }), /is empty/],
      [() => subscription.feedback_logging.store(objects, { fields }), /feedback_data\[0\]: expected a list of values/],
      [() => subscription.feedback_logging.store(asText, { fields, feedback_format: "xml" as never }), /feedback_format: expected FeedbackFormat.WML/],
      [() => subscription.feedback_logging.store(asText.map((r, i) => (i === 3 ? r.map((v, j) => (fields[j] === "LoanPurpose" ? "a\u0000b" : v)) : r)), { fields }), /feedback_data\[3\]\.LoanPurpose: contains a NUL character/],
    ];
    for (const [call, message] of cases) await assert.rejects(call(), (e: Error) => (e instanceof ValidationError && message.test(e.message)) || assert.fail(`${message}: ${e.message}`));
    assert.equal(await subscription.feedback_logging.get_records_count(), count);
  });

  each("HTML in a value is escaped in the table; distributions count the feedback", async ({ subscription, out }) => {
    await subscription.feedback_logging.store([{ ...objects[0]!, LoanPurpose: "<script>alert(1)</script>" }], { feedback_format: FeedbackFormat.DICT });
    await subscription.feedback_logging.show_table({ limit: 1 });
    const html = renderTableHtml(out.lastTable());
    assert.ok(!html.includes("<script>") && html.includes("&lt;script&gt;"));
    const run = await subscription.feedback_logging.data_distribution.run({ group: ["Risk"], agg: ["count"] });
    assert.equal(run.status, "completed", run.error?.message);
    assert.equal(run.dataset, "feedback");
    const total = (run.distribution!.values as [string, number][]).reduce((s, [, n]) => s + n, 0);
    assert.equal(total, await subscription.feedback_logging.get_records_count());
  });

  each("the feedback table goes with its subscription", async ({ name, client, subscription }) => {
    const table = `Feedback_${subscription.uid}`;
    const present = async () => {
      const db = new pg.Client({ connectionString: postgres().url });
      await db.connect();
      try {
        const [row] = (await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [`"${schema}"."${table}"`])).rows as { present: boolean }[];
        return row!.present;
      } finally {
        await db.end();
      }
    };
    const direct = name === postgres().kind; // the schema this test can read itself
    if (direct) assert.equal(await present(), true);
    await client.data_mart.subscriptions.delete(subscription.uid);
    if (direct) assert.equal(await present(), false, "the table was dropped");
    // The subscription is gone, and with it the table: a new subscription to the same asset starts with no feedback.
    const again = await client.data_mart.subscriptions.add(
      new CustomMachineLearningAsset({ source_uid: "credit", binding_uid: subscription.binding_uid, problem_type: ProblemType.BINARY_CLASSIFICATION, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: features, categorical_columns: credit.categorical_columns }),
    );
    assert.notEqual(`Feedback_${again.uid}`, table);
    assert.equal(await again.feedback_logging.get_records_count(), 0);
  });
});
