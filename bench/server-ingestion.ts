/**
 * Payload logging through the data mart server: rows/s and p50/p99 latency of 1, 10 and 50 concurrent loggers, each
 * sending requests of one record of 10 rows (a scoring service logging each call) to `openscale serve` in its own
 * process, next to the same loggers calling `payload_logging.store()` in this process, on the same PostgreSQL, in the
 * same run. The server runs as it does in production: a child process, so it does not share the loggers' event loop.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, PayloadRecord, rowsOf, startLocalEngines, type Subscription } from "../src/index";
import type { Output } from "../src/data-mart/output";
import { createApiKey, openServerStore } from "../src/server/index";
import { creditAsset } from "../test/support/credit-asset";
import { startServerProcess } from "../test/support/server-process";

const quiet: Output = { table: () => undefined, chart: () => undefined, print: () => undefined, warn: () => undefined };
const ROWS = 10;
/** Requests per pass, shared by the loggers. */
const REQUESTS = 3000;

export interface LoggerFigure {
  loggers: number;
  http_rows_per_s: number;
  in_process_rows_per_s: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  in_process_p50_ms: number;
  in_process_p99_ms: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs `loggers` concurrent loops over REQUESTS requests; returns rows/s and the sorted latencies. */
async function drive(loggers: number, send: (id: string) => Promise<void>, run: string): Promise<{ rowsPerS: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: loggers }, async () => {
      for (let r = next++; r < REQUESTS; r = next++) {
        const start = performance.now();
        await send(`${run}-${r}`);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rowsPerS: Math.round((REQUESTS * ROWS) / seconds), latencies: latencies.sort((a, b) => a - b) };
}

export async function serverIngestionBench(postgresUrl: string, counts = [1, 10, 50]): Promise<LoggerFigure[]> {
  const dm = `bench${process.pid}`;
  const secretKey = randomBytes(32).toString("base64");
  const previousKey = process.env.OPENSCALE_SECRET_KEY;
  process.env.OPENSCALE_SECRET_KEY = secretKey;
  const engines = await startLocalEngines();
  const store = await openServerStore({ kind: "postgresql", credentials: postgresUrl });
  const ingestKey = (await createApiKey(store, { role: "ingest", data_mart_id: dm })).key;
  await store.close();
  const client = new APIClient({ in_memory: true }, quiet);
  await client.data_mart.setup({ db_credentials: postgresUrl, schema: `dm_${dm}` });
  const server = await startServerProcess({ db: postgresUrl, env: { OPENSCALE_SECRET_KEY: secretKey } });
  const figures: LoggerFigure[] = [];
  try {
    const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    const subscription: Subscription = await client.data_mart.subscriptions.add(creditAsset(binding_uid));
    const rows = rowsOf(generateCreditRisk({ rows: ROWS, seed: 4 }));
    const fields = Object.keys(rows[0]!).filter((f) => f !== "Risk");
    const record = (id: string) => ({
      subscription_id: subscription.uid,
      scoring_id: id,
      request: { fields, values: rows.map((r) => fields.map((f) => r[f])) },
      response: { fields: ["prediction", "probability"], values: rows.map(() => ["No Risk", [0.8, 0.2]]) },
      response_time: 5,
    });
    const { subscription_id: _, ...fieldsOf } = record("warm-up");
    await subscription.payload_logging.store([new PayloadRecord(fieldsOf)]); // makes the table
    const tokenAnswer = await fetch(`${server.url}/identity/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${ingestKey}` });
    const token = ((await tokenAnswer.json()) as { access_token: string }).access_token;
    const overHttp = async (id: string) => {
      const r = await fetch(`${server.url}/v1/data_marts/${dm}/scoring_payloads`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify([record(id)]) });
      if (r.status !== 202) throw new Error(`the server answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    };
    const inProcess = async (id: string) => {
      const { subscription_id: _, ...given } = record(id);
      await subscription.payload_logging.store([new PayloadRecord(given)]);
    };
    await drive(10, overHttp, "warm-http"); // connections, JIT, the server's caches
    for (const loggers of counts) {
      const local = await drive(loggers, inProcess, `local-${loggers}`);
      const http = await drive(loggers, overHttp, `http-${loggers}`);
      figures.push({
        loggers,
        http_rows_per_s: http.rowsPerS,
        in_process_rows_per_s: local.rowsPerS,
        ratio: Math.round((http.rowsPerS / local.rowsPerS) * 100) / 100,
        p50_ms: Math.round(quantile(http.latencies, 0.5) * 10) / 10,
        p99_ms: Math.round(quantile(http.latencies, 0.99) * 10) / 10,
        in_process_p50_ms: Math.round(quantile(local.latencies, 0.5) * 10) / 10,
        in_process_p99_ms: Math.round(quantile(local.latencies, 0.99) * 10) / 10,
      });
    }
    const stored = await subscription.payload_logging.get_records_count();
    const expected = (1 + REQUESTS * (1 + 2 * counts.length)) * ROWS; // the warm-up record, the warm-up pass, two passes per count
    if (stored !== expected) throw new Error(`stored ${stored} rows, expected ${expected}`);
  } finally {
    await server.stop("SIGTERM");
    await client.data_mart.delete({ background_mode: true }).catch(() => undefined);
    await client.close();
    await engines.stop();
    if (previousKey === undefined) delete process.env.OPENSCALE_SECRET_KEY;
    else process.env.OPENSCALE_SECRET_KEY = previousKey;
  }
  return figures;
}

/** The figures as benchmark rows: name, value, note (aim: ≥ 0.5 of in-process at 50 loggers, p99 ≤ 100 ms). */
export function serverIngestionRows(figures: LoggerFigure[]): [string, string, string][] {
  return figures.map((f) => [
    `payload logging through the server, ${f.loggers} logger${f.loggers === 1 ? "" : "s"} (PostgreSQL)`,
    `${f.http_rows_per_s} rows/s`,
    `in-process store() ${f.in_process_rows_per_s} rows/s: ratio ${f.ratio}; p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms` +
      ` (in-process p50 ${f.in_process_p50_ms}, p99 ${f.in_process_p99_ms})` +
      (f.loggers === 50 ? `; aim ratio ≥ 0.5 (${f.ratio >= 0.5 ? "met" : "NOT met"}), p99 ≤ 100 ms (${f.p99_ms <= 100 ? "met" : "NOT met"})` : ""),
  ]);
}

if (require.main === module) {
  const url = process.env.OPENSCALE_BENCH_POSTGRES_URL ?? process.env.OPENSCALE_TEST_POSTGRES_URL;
  if (!url) {
    console.error("Set OPENSCALE_BENCH_POSTGRES_URL to a PostgreSQL server (bash .ci/start-postgres prints one).");
    process.exit(2);
  }
  serverIngestionBench(url)
    .then((figures) => console.table(figures))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
