/**
 * Feedback ingestion and a full quality run: 100k feedback rows of CSV (20 features and the label) stored through
 * `feedback_logging.store` on PGlite and on PostgreSQL (the server of OPENSCALE_BENCH_POSTGRES_URL /
 * OPENSCALE_TEST_POSTGRES_URL, else PGlite over the wire protocol), parsing and checks included; then a quality run
 * on 10k feedback rows against the local custom engine, with its engine calls (aim: ≤ 1 per 1,000 rows).
 */
import { performance } from "node:perf_hooks";
import {
  APIClient,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  FeedbackFormat,
  generateCreditRisk,
  ProblemType,
  rowsOf,
  startLocalEngines,
  type Subscription,
} from "../src/index";
import type { Output } from "../src/data-mart/output";
import { startTestPostgres } from "../test/support/postgres";

const quiet: Output = { table: () => undefined, chart: () => undefined, print: () => undefined, warn: () => undefined };

export interface MonitoringFigures {
  rows: [string, string, string][];
}

function csvOf(n: number, seed: number): { csv: string; fields: string[] } {
  const data = generateCreditRisk({ rows: n, seed });
  const fields = [...data.feature_columns, data.label_column];
  const lines = rowsOf(data).map((r) => fields.map((f) => String(r[f])).join(","));
  return { csv: `${fields.join(",")}\n${lines.join("\n")}\n`, fields };
}

async function subscribe(client: APIClient, engines: Awaited<ReturnType<typeof startLocalEngines>>): Promise<Subscription> {
  const credit = generateCreditRisk({ rows: 10, seed: 1 });
  const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
  const subscription = await client.data_mart.subscriptions.add(
    new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, problem_type: ProblemType.BINARY_CLASSIFICATION, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: credit.feature_columns, categorical_columns: credit.categorical_columns }),
  );
  await subscription.score(rowsOf(credit).map(({ Risk: _, ...r }) => r));
  return subscription;
}

export async function monitoringBench(): Promise<MonitoringFigures> {
  const rows: [string, string, string][] = [];
  const engines = await startLocalEngines();
  const server = process.env.OPENSCALE_BENCH_POSTGRES_URL;
  const postgres = server ? { url: server, kind: "postgresql server", stop: async () => undefined } : await startTestPostgres();
  const { csv } = csvOf(100_000, 31);
  try {
    const stores: [string, (c: APIClient) => Promise<void>, ConstructorParameters<typeof APIClient>[0]][] = [
      ["PGlite (embedded)", (c) => c.data_mart.setup(), { in_memory: true }],
      [postgres.kind, (c) => c.data_mart.setup({ db_credentials: postgres.url, schema: `bench_feedback_${process.pid}` }), { in_memory: true }],
    ];
    for (const [name, setup, options] of stores) {
      const client = new APIClient(options, quiet);
      await setup(client);
      const subscription = await subscribe(client, engines);
      const t0 = performance.now();
      await subscription.feedback_logging.store(csv, { feedback_format: FeedbackFormat.CSV, data_header: true });
      const ours = performance.now() - t0;
      rows.push([`feedback ingestion, ${name}, 100k CSV rows`, `${Math.round(100_000 / (ours / 1000))} rows/s`, `${(ours / 1000).toFixed(2)} s, parsing and checks included`]);
      await client.data_mart.delete({ background_mode: true });
      await client.close();
    }

    const client = new APIClient({ in_memory: true }, quiet);
    await client.data_mart.setup();
    const subscription = await subscribe(client, engines);
    await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 100 });
    await subscription.feedback_logging.store(csvOf(10_000, 32).csv, { feedback_format: FeedbackFormat.CSV, data_header: true });
    const t0 = performance.now();
    const run = await subscription.quality_monitoring.run({ background_mode: false });
    const ms = performance.now() - t0;
    const calls = run.statistics?.engine_calls ?? NaN;
    rows.push(["quality run, 10k feedback rows, local custom engine", `${(ms / 1000).toFixed(2)} s`, `${run.status}; ${calls} engine calls (${(calls / 10).toFixed(1)} per 1,000 rows; aim ≤ 1)`]);
    await client.close();
  } finally {
    await postgres.stop();
    await engines.stop();
  }
  return { rows };
}
