/**
 * examples/scoring-service end to end: the local engines, a data mart server on the embedded database, the example's
 * setup (admin key, remote client), and the service logging with an ingest key through a proxy that can fail. 300
 * concurrent requests get the engine's predictions; after shutdown the payload table holds each request's rows
 * exactly once, also when the server was down (503) or a committed batch's 202 was lost on the way.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { APIClient, generateCreditRisk, rowsOf, startLocalEngines, type LocalEngines } from "../../src/index";
import { createApiKey, openServerStore, serve, type RunningServer } from "../../src/server/index";
import { startScoringService, type ScoringServiceOptions } from "../../examples/scoring-service/server";
import { setUpScoringDataMart, type ScoringSetup } from "../../examples/scoring-service/setup";
import { RecordingOutput } from "../support/recording-output";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-scoring-service-"));
const dm = "dm1";
let engines: LocalEngines;
let server: RunningServer;
let proxy: FaultyProxy;
let setup: ScoringSetup;
const keys: Record<string, string> = {};

/** In front of the data mart server: passes requests on, or answers payload posts with 503 (the server never sees them,
 * or it does and commits, and only its answer is lost). */
interface FaultyProxy {
  url: string;
  mode: "pass" | "down" | "lose-answer";
  payloadPosts: number;
  close(): Promise<void>;
}

async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const state = { mode: "pass", payloadPosts: 0 } as FaultyProxy;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const payloadPost = req.method === "POST" && req.url!.endsWith("/scoring_payloads");
    if (payloadPost) state.payloadPosts++;
    const unavailable = () => res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "service_unavailable", message: "injected" }] }));
    if (payloadPost && state.mode === "down") return unavailable();
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers: { "content-type": String(req.headers["content-type"] ?? ""), authorization: req.headers.authorization ?? "" }, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
    const body = Buffer.from(await answer.arrayBuffer());
    if (payloadPost && state.mode === "lose-answer") return unavailable();
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}

before(async () => {
  engines = await startLocalEngines();
  const store = await openServerStore({ kind: "embedded", dir });
  keys.admin = (await createApiKey(store, { role: "admin", data_mart_id: dm })).key;
  keys.ingest = (await createApiKey(store, { role: "ingest", data_mart_id: dm })).key;
  await store.close();
  server = await serve({ database: { kind: "embedded", dir }, port: 0, logger: false });
  proxy = await startFaultyProxy(server.url);
  setup = await setUpScoringDataMart({ url: server.url, apikey: keys.admin!, dataMart: dm, engine: engines.custom });
});
after(async () => {
  await proxy?.close();
  await server?.close();
  await engines?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pool = rowsOf(generateCreditRisk({ rows: 600, seed: 7 })).map(({ Risk: _, ...r }) => r);
const fields = Object.keys(pool[0]!);
/** Request i scores 1 to 3 rows of the pool. */
const requestRows = (i: number) => pool.slice((i * 2) % 597, ((i * 2) % 597) + 1 + (i % 3)).map((r) => fields.map((f) => r[f]));

/** The engine's own answer for rows, asked directly. */
async function engineAnswer(values: unknown[][]): Promise<unknown[][]> {
  const { url, username, password } = engines.custom;
  const r = await fetch(setup.scoring_url, { method: "POST", headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` }, body: JSON.stringify({ fields, values }) });
  assert.equal(r.status, 200, url);
  return ((await r.json()) as { values: unknown[][] }).values;
}

function serviceOptions(logging: ScoringServiceOptions["logging"] = {}): ScoringServiceOptions {
  return {
    engineScoringUrl: setup.scoring_url,
    engineAuth: { username: engines.custom.username!, password: engines.custom.password! },
    openscale: { url: proxy.url, apikey: keys.ingest!, dataMart: dm, subscriptionId: setup.subscription_id, bindingId: setup.binding_id, deploymentId: setup.deployment_id },
    logging,
    port: 0,
    log: () => undefined, // the retries are expected here
  };
}

/** Scores `count` requests at once; checks each answer against the engine's; returns each scoring_id with its row count. */
async function scoreConcurrently(url: string, count: number, offset: number): Promise<Map<string, number>> {
  const requests = Array.from({ length: count }, (_, i) => requestRows(offset + i));
  const answers = await Promise.all(
    requests.map(async (values, i) => {
      // Both request shapes: {fields, values} and v1's input_data.
      const body = i % 2 ? { fields, values } : { input_data: [{ fields, values }] };
      const r = await fetch(`${url}/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(r.status, 200);
      return (await r.json()) as { fields: string[]; values: unknown[][]; scoring_id: string };
    }),
  );
  const expected = await engineAnswer(requests.flat());
  let row = 0;
  const ids = new Map<string, number>();
  answers.forEach((answer, i) => {
    assert.deepEqual(answer.fields, ["prediction", "probability"]);
    assert.deepEqual(answer.values, expected.slice(row, (row += requests[i]!.length)), `request ${i}: the engine's predictions`);
    assert.match(answer.scoring_id, /^[0-9a-f-]{36}$/);
    ids.set(answer.scoring_id, requests[i]!.length);
  });
  assert.equal(ids.size, count, "a scoring_id per request");
  return ids;
}

/** Stored payload rows per request scoring_id (rows are stored as `<scoring_id>-<row number>`), read with the admin key. */
async function storedRows(): Promise<Map<string, number>> {
  const client = new APIClient({ url: server.url, apikey: keys.admin!, instance_guid: dm }, new RecordingOutput());
  const subscription = await client.data_mart.subscriptions.get(setup.subscription_id);
  const page = await subscription.payload_logging.get_table_content({ format: "python", limit: 100_000 });
  await client.close();
  const column = page.fields.indexOf("scoring_id");
  const rows = new Map<string, number>();
  for (const v of page.values) {
    const id = String(v[column]).replace(/-\d+$/, "");
    rows.set(id, (rows.get(id) ?? 0) + 1);
  }
  return rows;
}

function assertStoredOnce(stored: Map<string, number>, sent: Map<string, number>): void {
  const missing = [...sent.keys()].filter((id) => !stored.has(id));
  assert.deepEqual(missing, [], "no request missing");
  for (const [id, rows] of sent) assert.equal(stored.get(id), rows, `request ${id}: its ${rows} rows, once`);
}

describe("the example scoring service", () => {
  test("300 concurrent requests: the engine's predictions, and each request's payload rows stored once after shutdown", async () => {
    const service = await startScoringService(serviceOptions());
    const sent = await scoreConcurrently(service.url, 300, 0);
    const stats = await service.close();
    assert.equal(stats.delivered, 300);
    assert.equal(stats.rejected + stats.droppedQueueFull + stats.undelivered, 0);
    const stored = await storedRows();
    assertStoredOnce(stored, sent);
    assert.equal(stored.size, 300, "nothing else in the table");
    assert.ok(proxy.payloadPosts < 300, `batched: ${proxy.payloadPosts} posts for 300 records`);
  });

  test("the server down (503) and a committed batch's answer lost: after recovery every record is stored once", async () => {
    const before = await storedRows();
    proxy.mode = "lose-answer"; // the first batches are committed, but the service sees 503 and sends them again
    const service = await startScoringService(serviceOptions({ maxBatchSize: 40, batchIntervalMs: 50, maxBackoffMs: 400 }));
    const firstHalf = await scoreConcurrently(service.url, 150, 300);
    await waitFor(() => service.logging.retries >= 2);
    proxy.mode = "down"; // now nothing reaches the server for a while; answers still come at once
    const committedUnacknowledged = (await storedRows()).size - before.size;
    assert.ok(committedUnacknowledged > 0, "some batches were committed though the service saw 503: its retries resend them");
    const secondHalf = await scoreConcurrently(service.url, 150, 450);
    await waitFor(() => service.logging.retries >= 6);
    assert.equal(service.logging.delivered, 0, "nothing acknowledged while failing");
    proxy.mode = "pass";
    const stats = await service.close();
    assert.equal(stats.delivered, 300);
    assert.equal(stats.rejected + stats.droppedQueueFull + stats.undelivered, 0);
    const stored = await storedRows();
    assertStoredOnce(stored, new Map([...firstHalf, ...secondHalf]));
    assert.equal(stored.size, before.size + 300, "no duplicates, nothing else");
  });

  test("a bad batch (4xx) is dropped and logged; a full queue drops new records with a warning; scoring is unaffected", async () => {
    const lines: string[] = [];
    const options = serviceOptions({ maxQueueSize: 5, batchIntervalMs: 10_000 });
    const service = await startScoringService({ ...options, openscale: { ...options.openscale, subscriptionId: "no-such-subscription" }, log: (level, message) => lines.push(`${level}: ${message}`) });
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${service.url}/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ fields, values: requestRows(i) }) });
      assert.equal(r.status, 200, "answered whatever happens to its payload record");
    }
    const bad = await fetch(`${service.url}/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ values: [[1]] }) });
    assert.equal(bad.status, 400);
    const stats = await service.close();
    assert.deepEqual({ rejected: stats.rejected, dropped: stats.droppedQueueFull, delivered: stats.delivered }, { rejected: 5, dropped: 3, delivered: 0 });
    assert.ok(lines.some((l) => /^warn: queue full \(5 records\)/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /^error: the data mart server rejected 5 records \(HTTP 40[04]\)/.test(l)), lines.join("\n"));
    assert.ok(!lines.join("\n").includes(keys.ingest!.slice(-12)), "the key is never logged");
  });

  test("as documented: npx tsx examples/scoring-service/server.ts, configured by the environment; SIGTERM flushes the queue", async () => {
    const before = await storedRows();
    const env = {
      ...process.env,
      OPENSCALE_URL: server.url,
      OPENSCALE_APIKEY: keys.ingest!,
      OPENSCALE_DATA_MART: dm,
      OPENSCALE_SUBSCRIPTION: setup.subscription_id,
      OPENSCALE_BINDING: setup.binding_id,
      OPENSCALE_DEPLOYMENT: setup.deployment_id,
      ENGINE_SCORING_URL: setup.scoring_url,
      ENGINE_USERNAME: engines.custom.username!,
      ENGINE_PASSWORD: engines.custom.password!,
      PORT: "0",
    };
    const child = spawn(process.execPath, ["--import", "tsx", "examples/scoring-service/server.ts"], { cwd: path.resolve(__dirname, "../.."), env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await waitFor(() => /listening on \S+;/.test(out) || child.exitCode !== null, 60_000);
    const url = /listening on (\S+);/.exec(out)?.[1];
    assert.ok(url, out);
    const sent = await scoreConcurrently(url, 20, 700);
    child.kill("SIGTERM"); // at once: the records are still queued (the batch interval is 200 ms)
    assert.equal(await exited, 0, out);
    assert.match(out, /20 records delivered/);
    assertStoredOnce(await storedRows(), sent);
    assert.equal((await storedRows()).size, before.size + 20);
    assert.ok(!out.includes(keys.ingest!) && !out.includes("osk_") && !out.includes(engines.custom.password!), "no key or password printed");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
