/**
 * Payload ingestion and payload analytics at scale: records per second through `payload_logging.store()` into the
 * embedded PGlite and into PostgreSQL, each next to raw baselines of the same rows in the same run (PGlite: multi-row
 * INSERT, and its own COPY FROM a blob; PostgreSQL: COPY FROM STDIN), and `data_distribution.run` on the largest table.
 * The raw baselines write the payload rows alone; ours also writes a performance sample per request (a tenth as many
 * rows again, with their keys and indexes).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
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
} from "../src/index";
import type { Output } from "../src/data-mart/output";
import { SQL_TYPES, type PayloadField } from "../src/service/payload-schema";
import { PGliteStore } from "../src/store/pglite-store";
import { quoteName } from "../src/store/store";

const quiet: Output = { table: () => undefined, chart: () => undefined, print: () => undefined, warn: () => undefined };
/** Rows per payload record: one scoring request of ten applicants. */
const ROWS_PER_RECORD = 10;

interface Source {
  features: string[];
  categorical: string[];
  /** Feature values of the distinct rows that are cycled through. */
  rows: unknown[][];
}

function source(): Source {
  const credit = generateCreditRisk({ rows: 5000, seed: 5 });
  return { features: credit.feature_columns, categorical: credit.categorical_columns, rows: rowsOf(credit).map((r) => credit.feature_columns.map((f) => r[f])) };
}

/** The same rows, as payload records (ours) and as table rows (raw). */
function* records(src: Source, total: number, run: string): Generator<PayloadRecord> {
  for (let r = 0; r < total / ROWS_PER_RECORD; r++) {
    const values = Array.from({ length: ROWS_PER_RECORD }, (_, i) => src.rows[(r * ROWS_PER_RECORD + i) % src.rows.length]!);
    yield new PayloadRecord({
      request: { fields: src.features, values },
      response: { fields: ["prediction", "probability"], values: values.map((_, i) => ((r + i) % 3 ? ["No Risk", [0.8, 0.2]] : ["Risk", [0.3, 0.7]])) },
      scoring_id: `${run}-${r}`,
      scoring_timestamp: new Date(Date.UTC(2026, 10, 1) + r * 1000).toISOString(),
      response_time: 12,
    });
  }
}

function* tableRows(src: Source, total: number, run: string): Generator<unknown[]> {
  for (let n = 0; n < total; n++) {
    const r = Math.floor(n / ROWS_PER_RECORD);
    const i = n % ROWS_PER_RECORD;
    const risk = (r + i) % 3 === 0;
    yield [`${run}-${r}-${i + 1}`, new Date(Date.UTC(2026, 10, 1) + r * 1000).toISOString(), "credit", null, ...src.rows[n % src.rows.length]!, risk ? "Risk" : "No Risk", risk ? "{0.3,0.7}" : "{0.8,0.2}", risk ? 0.7 : 0.8, 12];
  }
}

function ddl(table: string, schema: PayloadField[]): string {
  return `CREATE TABLE ${quoteName(table)} (${schema.map((f) => `${quoteName(f.name)} ${SQL_TYPES[f.type]}${f.metadata.primary_key ? " PRIMARY KEY" : ""}`).join(", ")})`;
}

async function subscribe(client: APIClient, engines: LocalEngines, src: Source, setup: () => Promise<void>): Promise<Subscription> {
  await client.data_mart.delete({ background_mode: true });
  await setup();
  const binding_uid = await client.data_mart.bindings.add("bench", new CustomMachineLearningInstance(engines.custom));
  return client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, feature_columns: src.features, categorical_columns: src.categorical, prediction_column: "prediction", probability_column: "probability" }),
  );
}

async function schemaOf(subscription: Subscription): Promise<PayloadField[]> {
  const details = await subscription.payload_logging.get_details();
  return (details.parameters.output_data_schema as { fields: PayloadField[] }).fields;
}

/** Raw multi-row INSERT into PGlite: 1000 rows per statement, one transaction. Returns the milliseconds of the inserts. */
async function rawPglite(dir: string, schema: PayloadField[], rows: Iterable<unknown[]>): Promise<number> {
  const store = await PGliteStore.open(dir);
  try {
    await store.query(ddl("raw_payload", schema));
    await store.query("CREATE INDEX raw_payload_ts ON raw_payload (scoring_timestamp)"); // the indexes the payload table has
    const t0 = performance.now();
    const columns = schema.map((f) => quoteName(f.name)).join(", ");
    const width = schema.length;
    await store.transaction(async (tx) => {
      let batch: unknown[] = [];
      const flush = async () => {
        const count = batch.length / width;
        const placeholders = Array.from({ length: count }, (_, r) => `(${schema.map((_, c) => `$${r * width + c + 1}`).join(", ")})`).join(", ");
        await tx.query(`INSERT INTO raw_payload (${columns}) VALUES ${placeholders}`, batch);
        batch = [];
      };
      for (const row of rows) {
        batch.push(...row);
        if (batch.length >= 1000 * width) await flush();
      }
      if (batch.length) await flush();
    });
    return performance.now() - t0;
  } finally {
    await store.close();
  }
}

/** Rows of CSV text per COPY into PGlite: its COPY reads a blob whole, so a million rows go in several. */
const PGLITE_COPY_ROWS = 50_000;

/** Raw COPY into PGlite (CSV read from a blob, `COPY … FROM '/dev/blob'`), one transaction. Returns the milliseconds. */
async function rawPgliteCopy(dir: string, schema: PayloadField[], rows: Iterable<unknown[]>): Promise<number> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create({ dataDir: dir });
  try {
    await db.query(ddl("raw_payload", schema));
    await db.query("CREATE INDEX raw_payload_ts ON raw_payload (scoring_timestamp)"); // the indexes the payload table has
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      let lines: string[] = [];
      const flush = async () => {
        await tx.query("COPY raw_payload FROM '/dev/blob' WITH (FORMAT csv)", [], { blob: new Blob([`${lines.join("\n")}\n`]) });
        lines = [];
      };
      for (const row of rows) {
        lines.push(row.map(csv).join(","));
        if (lines.length >= PGLITE_COPY_ROWS) await flush();
      }
      if (lines.length) await flush();
    });
    return performance.now() - t0;
  } finally {
    await db.close();
  }
}

/** Raw COPY into PostgreSQL (CSV over `COPY … FROM STDIN`). Returns the milliseconds of the COPY. */
async function rawCopy(url: string, schemaName: string, schema: PayloadField[], rows: Iterable<unknown[]>): Promise<number> {
  const { Client } = await import("pg");
  const { from: copyFrom } = await import("pg-copy-streams");
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${quoteName(schemaName)}`);
    await client.query("DROP TABLE IF EXISTS raw_payload");
    await client.query(ddl("raw_payload", schema));
    await client.query("CREATE INDEX raw_payload_ts ON raw_payload (scoring_timestamp)"); // the indexes the payload table has
    const t0 = performance.now();
    const stream = client.query(copyFrom("COPY raw_payload FROM STDIN WITH (FORMAT csv)"));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    let chunk = "";
    for (const row of rows) {
      chunk += `${row.map(csv).join(",")}\n`;
      if (chunk.length > 1 << 20) {
        if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
        chunk = "";
      }
    }
    stream.end(chunk);
    await done;
    const ms = performance.now() - t0;
    await client.query("DROP TABLE raw_payload");
    return ms;
  } finally {
    await client.end();
  }
}

function csv(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface IngestionFigure {
  store: string;
  rows: number;
  ours_rows_per_s: number;
  /** The raw baseline: multi-row INSERT on PGlite, COPY on PostgreSQL. */
  raw_rows_per_s: number;
  /** Raw time / ours. */
  ratio: number;
  /** PGlite only: its own COPY FROM of the same rows, and raw COPY time / ours. */
  copy_rows_per_s?: number;
  copy_ratio?: number;
  peak_rss_mb: number;
}

export async function ingestionBench(options: { sizes?: number[]; postgresUrl?: string; skipPglite?: boolean } = {}): Promise<{ ingestion: IngestionFigure[]; distribution: { store: string; rows: number; ms: number }[] }> {
  const sizes = options.sizes ?? [10_000, 1_000_000];
  const src = source();
  const engines = await startLocalEngines();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-ingest-"));
  const ingestion: IngestionFigure[] = [];
  const distribution: { store: string; rows: number; ms: number }[] = [];
  type Raw = (schema: PayloadField[], rows: Iterable<unknown[]>, dir: string) => Promise<number>;
  const targets: { name: string; setup: (client: APIClient, dir: string) => Promise<void>; raw: Raw; copy?: Raw }[] = [
    {
      name: "PGlite (embedded, on disk)",
      setup: (c) => c.data_mart.setup(),
      raw: (schema, rows, dir) => rawPglite(path.join(dir, "raw"), schema, rows),
      copy: (schema, rows, dir) => rawPgliteCopy(path.join(dir, "raw-copy"), schema, rows),
    },
  ];
  if (options.skipPglite) targets.pop();
  if (options.postgresUrl) {
    const url = options.postgresUrl;
    const schemaName = `bench_ingest_${process.pid}`;
    targets.push({ name: "PostgreSQL server", setup: (c) => c.data_mart.setup({ db_credentials: url, schema: schemaName }), raw: (schema, rows) => rawCopy(url, schemaName, schema, rows) });
  }
  try {
    for (const target of targets) {
      for (const size of sizes) {
        const dir = fs.mkdtempSync(path.join(scratch, "run-"));
        const client = new APIClient({ data_dir: dir }, quiet);
        try {
          const subscription = await subscribe(client, engines, src, () => target.setup(client, dir));
          await subscription.payload_logging.store(records(src, ROWS_PER_RECORD, "warm")); // creates the table
          const rssBefore = process.memoryUsage().rss;
          let peak = rssBefore;
          const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
          const t0 = performance.now();
          const outcome = await subscription.payload_logging.store(records(src, size, `run${size}`));
          const ours = performance.now() - t0;
          clearInterval(sampler);
          if (outcome.stored_rows !== size) throw new Error(`stored ${outcome.stored_rows} of ${size} rows`);
          const schema = await schemaOf(subscription);
          const raw = await target.raw(schema, tableRows(src, size, `raw${size}`), dir);
          const copy = await target.copy?.(schema, tableRows(src, size, `copy${size}`), dir);
          const perSecond = (ms: number) => Math.round(size / (ms / 1000));
          const ratio = (ms: number) => Math.round((ms / ours) * 100) / 100;
          ingestion.push({
            store: target.name,
            rows: size,
            ours_rows_per_s: perSecond(ours),
            raw_rows_per_s: perSecond(raw),
            ratio: ratio(raw),
            ...(copy === undefined ? {} : { copy_rows_per_s: perSecond(copy), copy_ratio: ratio(copy) }),
            peak_rss_mb: Math.round((peak - rssBefore) / 1e6),
          });
          const copyTime = copy === undefined ? "" : `, raw COPY ${(copy / 1000).toFixed(2)} s`;
          console.log(`  ingestion ${target.name}, ${size} rows: ours ${(ours / 1000).toFixed(2)} s, raw ${(raw / 1000).toFixed(2)} s${copyTime}`);
          if (size === Math.max(...sizes)) {
            const times: number[] = [];
            for (let i = 0; i < 3; i++) {
              const t2 = performance.now();
              await subscription.payload_logging.data_distribution.run({ group: ["prediction", "Sex"], agg: ["count", "Age:avg", "LoanAmount:max"], start_date: "2026-01-01T00:00:00Z" });
              times.push(performance.now() - t2);
            }
            distribution.push({ store: target.name, rows: size + ROWS_PER_RECORD, ms: Math.round(times.sort((a, b) => a - b)[1]!) });
          }
          await client.data_mart.delete({ background_mode: true });
        } finally {
          await client.close();
        }
      }
    }
  } finally {
    await engines.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { ingestion, distribution };
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  ingestionBench({ sizes: sizes.length ? sizes : undefined, postgresUrl: process.env.OPENSCALE_BENCH_POSTGRES_URL ?? process.env.OPENSCALE_TEST_POSTGRES_URL, skipPglite: process.env.OPENSCALE_BENCH_SKIP_PGLITE === "1" })
    .then((result) => {
      console.table(result.ingestion);
      console.table(result.distribution);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
