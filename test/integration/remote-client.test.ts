/**
 * The same notebook-style scenario through the embedded client and through `APIClient({ url, apikey, instance_guid })`
 * against a data mart server: the same tables and figures, the same error classes; a viewer key reads but cannot
 * change anything.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, NotFoundError, PayloadRecord, rowsOf, startLocalEngines, ValidationError, type LocalEngines } from "../../src/index";
import { PART_BYTES } from "../../src/remote/payload-parts";
import { AccessError } from "../../src/remote/remote-service";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { creditAsset } from "../support/credit-asset";
import { RecordingOutput } from "../support/recording-output";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-remote-"));
let server: RunningServer;
let engines: LocalEngines;
const keys: Record<string, string> = {};

before(async () => {
  engines = await startLocalEngines();
  const store = await openServerStore({ kind: "embedded", dir });
  keys.editor = (await createApiKey(store, { role: "editor", data_mart_id: "dm1" })).key;
  keys.viewer = (await createApiKey(store, { role: "viewer", data_mart_id: "dm1" })).key;
  await store.close();
  server = await serve({ database: { kind: "embedded", dir }, port: 0, logger: false });
});
after(async () => {
  await server?.close();
  await engines?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Bind, list, subscribe, score, log, read back, evaluate quality: what the tutorials do, with what they show. */
async function scenario(client: APIClient, out: RecordingOutput): Promise<Record<string, unknown>> {
  await client.data_mart.setup();
  const binding_uid = await client.data_mart.bindings.add("My custom engine", new CustomMachineLearningInstance(engines.custom));
  await client.data_mart.bindings.list();
  const bindings = out.lastTable();
  const subscription = await client.data_mart.subscriptions.add(creditAsset(binding_uid));
  const rows = rowsOf(generateCreditRisk({ rows: 40, seed: 3 })).map(({ Risk: _, ...r }) => r);
  const scored = await subscription.score(rows);
  const count = await subscription.payload_logging.get_records_count();
  await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 20 });
  const feedback = generateCreditRisk({ rows: 60, seed: 4 });
  await subscription.feedback_logging.store(feedback.values, { fields: [...feedback.feature_columns, feedback.label_column] });
  const run = await subscription.quality_monitoring.run({ background_mode: false });
  const [quality] = await subscription.quality_monitoring.get_metrics();
  await assert.rejects(client.data_mart.bindings.get_details("no-such-binding"), NotFoundError);
  await assert.rejects(client.data_mart.bindings.add("", new CustomMachineLearningInstance(engines.custom)), ValidationError);
  return {
    bindings: { title: bindings.title, columns: bindings.columns, names: bindings.rows.map((r) => r[1]) },
    predictions: scored.values.map((v) => v[scored.fields.indexOf("prediction")]),
    count,
    run: run.status,
    quality: quality!.metrics.map((m) => [m.id, m.value]),
  };
}

describe("the remote client", () => {
  test("the same scenario, the same results, embedded and through the server", async () => {
    const localOut = new RecordingOutput();
    const local = new APIClient({ in_memory: true }, localOut);
    const expected = await scenario(local, localOut);
    await local.close();
    const remoteOut = new RecordingOutput();
    const remote = new APIClient({ url: server.url, apikey: keys.editor!, instance_guid: "dm1" }, remoteOut);
    const actual = await scenario(remote, remoteOut);
    assert.deepEqual(actual, expected);
    assert.match(remoteOut.lines.join("\n"), /Waiting for end of quality monitoring run [\s\S]*Successfully finished run/);
    await remote.close();
  });

  test("a viewer reads and cannot change; options are checked; nothing secret is printed", async () => {
    const viewer = new APIClient({ url: server.url, apikey: keys.viewer!, instance_guid: "dm1" }, new RecordingOutput());
    assert.ok((await viewer.data_mart.bindings.get_uids()).length >= 1);
    await assert.rejects(viewer.data_mart.bindings.add("x", new CustomMachineLearningInstance(engines.custom)), (e: unknown) => e instanceof AccessError && e.status === 403);
    const wrong = new APIClient({ url: server.url, apikey: "osk_aaaaaaaaaaaa_" + "b".repeat(43), instance_guid: "dm1" }, new RecordingOutput());
    await assert.rejects(wrong.data_mart.bindings.list(), AccessError);
    assert.throws(() => new APIClient({ url: server.url, apikey: keys.viewer! }), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === "instance_guid"));
    assert.ok(!JSON.stringify(viewer).includes(keys.viewer!.slice(-10)), "the key is not in the client's printed form");
  });

  test("OPENSCALE_URL, OPENSCALE_APIKEY and OPENSCALE_INSTANCE_GUID point a client that names no server at one", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { OPENSCALE_URL: server.url, OPENSCALE_APIKEY: keys.viewer!, OPENSCALE_INSTANCE_GUID: "dm1" });
      const client = new APIClient({ data_dir: path.join(dir, "never-made") }, new RecordingOutput());
      assert.equal(client.toJSON().data_mart, `server ${server.url} (data mart dm1)`);
      assert.ok((await client.data_mart.bindings.get_uids()).length >= 1, "the server's data mart");
      assert.ok(!fs.existsSync(path.join(dir, "never-made")), "no embedded data mart was opened");
      delete process.env.OPENSCALE_APIKEY;
      assert.throws(() => new APIClient(), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === "OPENSCALE_APIKEY" && /set OPENSCALE_URL, OPENSCALE_APIKEY, OPENSCALE_INSTANCE_GUID together/.test(i.message)));
      delete process.env.OPENSCALE_URL;
      assert.match(new APIClient({ in_memory: true }).toJSON().data_mart, /memory/, "without OPENSCALE_URL the embedded data mart, as before");
    } finally {
      for (const name of ["OPENSCALE_URL", "OPENSCALE_APIKEY", "OPENSCALE_INSTANCE_GUID"]) if (saved[name] === undefined) delete process.env[name]; else process.env[name] = saved[name];
    }
  });

  test("payloads larger than a request body go in parts: all stored once; a refused part names its records in the whole batch", async () => {
    const client = new APIClient({ url: server.url, apikey: keys.editor!, instance_guid: "dm1" }, new RecordingOutput());
    await client.data_mart.setup(); // set up already when the scenario ran before; this test may run alone
    const binding_uid = await client.data_mart.bindings.add("parts engine", new CustomMachineLearningInstance(engines.custom));
    const subscription = await client.data_mart.subscriptions.add(creditAsset(binding_uid));
    const before = await subscription.payload_logging.get_records_count(); // the same engine, so the scenario's subscription
    const credit = generateCreditRisk({ rows: 200, seed: 8 });
    const features = credit.feature_columns;
    const values = rowsOf(credit).map((r) => features.map((f) => r[f]));
    const record = (rows: number, i: number, scoring_id?: string) =>
      new PayloadRecord({ request: { fields: features, values: values.slice(0, rows) }, response: { fields: ["prediction", "probability"], values: values.slice(0, rows).map(() => ["No Risk", [0.7, 0.3]]) }, response_time: i, ...(scoring_id ? { scoring_id } : {}) });
    // 2,500 small records (three parts by count), then 300 records of 200 rows (more JSON than a part: parts by size).
    const small = await subscription.payload_logging.store(Array.from({ length: 2500 }, (_, i) => record(1, i)));
    assert.deepEqual(small, { records: 2500, stored_rows: 2500, duplicate_rows: 0, duplicate_records: 0 });
    const large = Array.from({ length: 300 }, (_, i) => record(200, i, `large-${i}`));
    assert.ok(JSON.stringify(large).length > PART_BYTES, "more than one part");
    assert.equal((await subscription.payload_logging.store(large)).stored_rows, 60_000);
    assert.equal((await subscription.payload_logging.store(large)).duplicate_records, 300, "sent again: each stored once");
    assert.equal(await subscription.payload_logging.get_records_count(), before + 62_500);

    const batch = Array.from({ length: 1500 }, (_, i) => record(1, i, `bad-batch-${i}`));
    (batch[1200] as { response: unknown }).response = { fields: ["prediction"], values: [] };
    const refused = await subscription.payload_logging.store(batch).catch((e: unknown) => e);
    assert.ok(refused instanceof ValidationError, String(refused));
    assert.ok(refused.issues.some((i) => i.path.startsWith("records[1200].response")), JSON.stringify(refused.issues));
    assert.match(refused.message, /records 0 to 999 were stored by earlier requests/);
    assert.equal(await subscription.payload_logging.get_records_count(), before + 63_500, "the first part only");
    await client.close();
  });

  test("a payload part whose answer is lost is sent again and stored once", async () => {
    let cut = 0;
    // In front of the server: the first payload request goes through (and is committed), but its answer never arrives.
    const proxy = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => ["authorization", "content-type", "accept"].includes(k))) as Record<string, string>;
      const answer = await fetch(`${server.url}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      const body = Buffer.from(await answer.arrayBuffer());
      if (req.url!.includes("/scoring_payloads") && cut++ === 0) return void req.socket.destroy();
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const client = new APIClient({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, apikey: keys.editor!, instance_guid: "dm1" }, new RecordingOutput());
      const [subscription_uid] = await client.data_mart.subscriptions.get_uids();
      const subscription = await client.data_mart.subscriptions.get(subscription_uid!);
      const before = await subscription.payload_logging.get_records_count();
      const rows = rowsOf(generateCreditRisk({ rows: 5, seed: 9 })).map(({ Risk: _, ...r }) => r);
      const features = Object.keys(rows[0]!);
      const records = rows.map((r) => new PayloadRecord({ request: { fields: features, values: [features.map((f) => r[f])] }, response: { fields: ["prediction", "probability"], values: [["Risk", [0.4, 0.6]]] } }));
      const outcome = await subscription.payload_logging.store(records);
      assert.equal(cut, 2, "sent twice");
      assert.deepEqual(outcome, { records: 5, stored_rows: 0, duplicate_rows: 5, duplicate_records: 5 }, "the second sending found every record stored");
      assert.equal(await subscription.payload_logging.get_records_count(), before + 5, "each stored once");
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
