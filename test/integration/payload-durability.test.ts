/**
 * The database going away in the middle of a payload batch: nothing of the batch is stored, and sending the same
 * records again stores each once. The connection runs through a TCP proxy the test cuts, on a PostgreSQL server
 * (CI's Debian PostgreSQL, or PGlite over the wire protocol).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  APIClient,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  DatabaseError,
  generateCreditRisk,
  PayloadRecord,
  rowsOf,
  startLocalEngines,
  type LocalEngines,
} from "../../src/index";
import { CHUNK_ROWS } from "../../src/service/payload-writer";
import { startTestPostgres, type TestPostgres } from "../support/postgres";
import { RecordingOutput } from "../support/recording-output";

let engines: LocalEngines;
let postgres: TestPostgres;
let proxy: { url: string; cut(): void; close(): void };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-durability-"));
const schema = `payload_durability_${process.pid}`;

/** Forwards connections to the server; `cut()` destroys every open one, as a server crash or network loss would. */
async function startProxy(target: URL): Promise<typeof proxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target.toString());
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: url.toString(),
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

before(async () => {
  engines = await startLocalEngines();
  postgres = await startTestPostgres();
  proxy = await startProxy(new URL(postgres.url));
});
after(async () => {
  proxy.close();
  await engines.stop();
  await postgres.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("a batch cut off by the database going away stores nothing; a retry stores each record once", async () => {
  const client = new APIClient({ data_dir: dataDir }, new RecordingOutput());
  try {
    await client.data_mart.setup({ db_credentials: proxy.url, schema });
    const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    const credit = generateCreditRisk({ rows: 40, seed: 3 });
    const subscription = await client.data_mart.subscriptions.add(
      new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, feature_columns: credit.feature_columns, categorical_columns: credit.categorical_columns, prediction_column: "prediction", probability_column: "probability" }),
    );
    const rows = rowsOf(credit);
    const CUT_AT = CHUNK_ROWS + 2_000; // after the first chunk was written inside the transaction
    const TOTAL = 2 * CHUNK_ROWS + 2_000;
    async function* records(cutAt?: number) {
      for (let i = 0; i < TOTAL; i++) {
        if (i === cutAt) {
          proxy.cut();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const row = rows[i % rows.length]!;
        yield new PayloadRecord({
          request: { fields: credit.feature_columns, values: [credit.feature_columns.map((f) => row[f])] },
          response: { fields: ["prediction", "probability"], values: [[i % 3 ? "No Risk" : "Risk", [0.6, 0.4]]] },
          scoring_id: `request-${i}`,
          response_time: 5,
        });
      }
    }

    const err = await subscription.payload_logging.store(records(CUT_AT)).catch((e) => e);
    assert.ok(err instanceof DatabaseError, `expected a DatabaseError, got ${err}`);
    assert.doesNotMatch(err.message, new RegExp(new URL(postgres.url).password || "no-password"));
    assert.equal(await subscription.payload_logging.get_records_count(), 0, "nothing of the cut batch is stored");
    assert.equal((await subscription.performance_monitoring.get_table_content()).length, 0);

    assert.deepEqual(await subscription.payload_logging.store(records()), { records: TOTAL, stored_rows: TOTAL, duplicate_rows: 0, duplicate_records: 0 });
    assert.deepEqual(await subscription.payload_logging.store(records()), { records: TOTAL, stored_rows: 0, duplicate_rows: TOTAL, duplicate_records: TOTAL });
    assert.equal(await subscription.payload_logging.get_records_count(), TOTAL);
    assert.equal((await subscription.performance_monitoring.get_table_content({ limit: TOTAL + 10 })).length, TOTAL);
    await client.data_mart.delete({ background_mode: true });
  } finally {
    await client.close();
  }
});
