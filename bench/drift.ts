/**
 * Feature drift at scale and one LIME explanation. A drift run (feature drift of 20 columns and the data-drift
 * constraints, all computed in SQL) over 1M payload rows against training statistics of 100k rows, on PGlite and on
 * PostgreSQL (OPENSCALE_BENCH_POSTGRES_URL / OPENSCALE_TEST_POSTGRES_URL, else PGlite over the wire protocol),
 * reported as cells/s (rows × features / run time; aim ≥ 2M) with the client's peak RSS growth during the run.
 * Then one LIME explanation (5,000 samples × 20 features) against the local engine: our compute time without the
 * engine's latency (aim ≤ 1 s), and engine calls (aim ≤ 10).
 */
import { performance } from "node:perf_hooks";
import { APIClient, CustomMachineLearningInstance, generateCreditRisk, PayloadRecord, rowsOf, startLocalEngines, type Subscription } from "../src/index";
import type { Output } from "../src/data-mart/output";
import { creditAsset } from "../test/support/credit-asset";
import { startTestPostgres } from "../test/support/postgres";

const quiet: Output = { table: () => undefined, chart: () => undefined, print: () => undefined, warn: () => undefined };
const PAYLOAD_ROWS = Number(process.env.OPENSCALE_BENCH_DRIFT_ROWS ?? 1_000_000);
const TRAINING_ROWS = 100_000;
const ROWS_PER_RECORD = 100;

/** Payload records cycling through 10k distinct rows, half of them from the shifted population. */
function* records(total: number): Generator<PayloadRecord> {
  const clean = rowsOf(generateCreditRisk({ rows: 5000, seed: 5 }));
  const shifted = rowsOf(generateCreditRisk({ rows: 5000, seed: 6, drift: true }));
  const pool = [...clean, ...shifted].map(({ Risk: _, ...r }) => r);
  const features = Object.keys(pool[0]!);
  for (let r = 0; r < total / ROWS_PER_RECORD; r++) {
    const values = Array.from({ length: ROWS_PER_RECORD }, (_, i) => features.map((f) => pool[(r * ROWS_PER_RECORD + i) % pool.length]![f]));
    yield new PayloadRecord({
      request: { fields: features, values },
      response: { fields: ["prediction", "probability"], values: values.map((_, i) => ((r + i) % 3 ? ["No Risk", [0.8, 0.2]] : ["Risk", [0.3, 0.7]])) },
      scoring_id: `drift-${r}`,
      response_time: 12,
    });
  }
}

async function peakRssDuring<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMb: Math.round((peak - base) / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

async function driftOn(name: string, client: APIClient, subscription: Subscription, training: Record<string, unknown>[]): Promise<[string, string, string][]> {
  await subscription.payload_logging.store(records(PAYLOAD_ROWS));
  await subscription.drift_monitoring.enable({ threshold: 0.05, min_records: 1000, training_data: training });
  const t0 = performance.now();
  const { result: run, peakMb } = await peakRssDuring(() => subscription.drift_monitoring.run({ background_mode: false }));
  const wall = (performance.now() - t0) / 1000;
  const st = run.statistics!;
  if (run.status !== "COMPLETED") throw new Error(`drift run on ${name} ended ${run.status}: ${run.error?.message}`);
  // Feature drift's own time (window, histograms, constraints: the run's statistics), not the wait (a synchronous
  // run polls with growing pauses) nor the drift model's predicted accuracy, reported apart.
  const seconds = (st.bounds_ms! + st.histograms_ms! + st.constraints_ms!) / 1000;
  const rows = st.payload_rows!;
  const cells = rows * 20;
  void client;
  return [
    [`feature drift, ${name}, ${rows / 1e6}M payload rows × 20 features`, `${(cells / seconds / 1e6).toFixed(2)}M cells/s`, `${seconds.toFixed(2)} s: window ${st.bounds_ms} ms (with ANALYZE), histograms ${st.histograms_ms} ms, constraints ${st.constraints_ms} ms, all in SQL (${st.drifted_features} of 20 drifted); client peak RSS +${peakMb} MB; aim ≥ 2M cells/s`],
    [`model drift, ${name}, predicted accuracy of ${rows / 1e6}M rows`, `${(st.model_ms! / 1000).toFixed(2)} s`, `the drift model applied in SQL (one AVG); whole run ${(st.total_ms! / 1000).toFixed(2)} s, ${wall.toFixed(2)} s waited`],
  ];
}

export async function driftBench(): Promise<[string, string, string][]> {
  const rows: [string, string, string][] = [];
  const engines = await startLocalEngines();
  const server = process.env.OPENSCALE_BENCH_POSTGRES_URL;
  const postgres = server ? { url: server, kind: "postgresql server", stop: async () => undefined } : await startTestPostgres();
  const training = rowsOf(generateCreditRisk({ rows: TRAINING_ROWS, seed: 42 }));
  try {
    const stores: [string, (c: APIClient) => Promise<void>][] = [
      ["PGlite (embedded)", (c) => c.data_mart.setup()],
      [postgres.kind, (c) => c.data_mart.setup({ db_credentials: postgres.url, schema: `bench_drift_${process.pid}` })],
    ];
    for (const [name, setup] of stores) {
      const client = new APIClient({ in_memory: true }, quiet);
      await setup(client);
      const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
      const subscription = await client.data_mart.subscriptions.add(creditAsset(binding));
      rows.push(...(await driftOn(name, client, subscription, training)));
      await client.data_mart.delete({ background_mode: true });
      await client.close();
    }

    const client = new APIClient({ in_memory: true }, quiet);
    await client.data_mart.setup();
    const binding = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    const subscription = await client.data_mart.subscriptions.add(creditAsset(binding));
    await subscription.score(rowsOf(generateCreditRisk({ rows: 10, seed: 3 })).map(({ Risk: _, ...r }) => r));
    await subscription.explainability.enable({ training_data: training.slice(0, 20_000) });
    const [first] = await subscription.payload_logging.get_table_content({ limit: 1 });
    const times: { compute: number; total: number; calls: number }[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const run = await subscription.explainability.run({ transaction_id: first!.scoring_id as string, cem: false, background_mode: false });
      if (run.entity.status.state !== "finished") throw new Error(`explanation ended ${run.entity.status.state}: ${run.entity.status.error?.message}`);
      times.push({ compute: run.entity.compute_ms!, total: performance.now() - t0, calls: run.entity.engine_calls! });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    rows.push([
      "LIME explanation, 5,000 samples × 20 features",
      `${median(times.map((t) => t.compute)).toFixed(1)} ms`,
      `our compute without the engine (median of 3; aim ≤ 1 s); ${times[0]!.calls} engine calls (aim ≤ 10); ${median(times.map((t) => t.total)).toFixed(0)} ms with the local engine`,
    ]);
    await client.close();
  } finally {
    await postgres.stop();
    await engines.stop();
  }
  return rows;
}
