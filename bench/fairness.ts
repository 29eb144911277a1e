/**
 * A fairness run on 10k payload rows with two features (Sex, Age) against the local custom engine: wall time, engine
 * calls per 1,000 re-scored rows (aim ≤ 1), rows re-scored, and our own work apart from reading and scoring (the
 * run's `compute_ms`: grouping, perturbation, the figures of both measurements; aim ≤ 50 ms). Beside it, the pure math
 * (`featureFairness`) over the same number of rows, so a regression shows which side moved.
 */
import { performance } from "node:perf_hooks";
import {
  APIClient,
  CustomMachineLearningAsset,
  CustomMachineLearningInstance,
  Feature,
  featureFairness,
  generateCreditRisk,
  ProblemType,
  rowsOf,
  startLocalEngines,
} from "../src/index";
import type { Output } from "../src/data-mart/output";

const quiet: Output = { table: () => undefined, chart: () => undefined, print: () => undefined, warn: () => undefined };
const PAYLOAD_ROWS = 10_000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** featureFairness over `n` rows, two groups per feature, twice (two features): median ms of several runs. */
function mathOnly(n: number): number {
  const groups = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
  const outcomes = Int8Array.from({ length: n }, (_, i) => ((i * 104729) % 5 < 4 ? 1 : 0));
  const times: number[] = [];
  for (let k = 0; k < 15; k++) {
    const t0 = performance.now();
    for (let f = 0; f < 2; f++) featureFairness({ groups, outcomes, majorityValues: 1, minorityValues: 1, threshold: 0.95 });
    times.push(performance.now() - t0);
  }
  return median(times.slice(5));
}

export async function fairnessBench(): Promise<[string, string, string][]> {
  const engines = await startLocalEngines();
  const client = new APIClient({ in_memory: true }, quiet);
  try {
    await client.data_mart.setup();
    const data = generateCreditRisk({ rows: PAYLOAD_ROWS, seed: 77 });
    const binding_uid = await client.data_mart.bindings.add("engine", new CustomMachineLearningInstance(engines.custom));
    const subscription = await client.data_mart.subscriptions.add(
      new CustomMachineLearningAsset({ source_uid: "credit", binding_uid, problem_type: ProblemType.BINARY_CLASSIFICATION, label_column: "Risk", prediction_column: "prediction", probability_column: "probability", feature_columns: data.feature_columns, categorical_columns: data.categorical_columns }),
    );
    await subscription.fairness_monitoring.enable({
      features: [
        new Feature({ name: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 }),
        new Feature({ name: "Age", majority: [[26, 75]], minority: [[18, 25]], threshold: 0.95 }),
      ],
      favourable_classes: ["No Risk"],
      unfavourable_classes: ["Risk"],
      min_records: PAYLOAD_ROWS,
      training_data: rowsOf(generateCreditRisk({ rows: 5000, seed: 42 })),
    });
    const requests = rowsOf(data).map(({ Risk: _, ...r }) => r);
    for (let i = 0; i < requests.length; i += 1000) await subscription.score(requests.slice(i, i + 1000));

    const runs: { ms: number; statistics: Record<string, number> }[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const run = await subscription.fairness_monitoring.run({ background_mode: false });
      if (run.status !== "FINISHED") throw new Error(`fairness run ended ${run.status}: ${run.last_run_info_code ?? run.error?.message}`);
      runs.push({ ms: performance.now() - t0, statistics: run.statistics ?? {} });
    }
    const s = runs.at(-1)!.statistics;
    const rescored = s.scored_rows ?? NaN;
    const calls = s.engine_calls ?? NaN;
    const math = mathOnly(PAYLOAD_ROWS + (s.perturbed_rows ?? 0));
    return [
      ["fairness run, 10k payload rows, Sex and Age, local custom engine", `${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s`, `median of ${runs.length}; reading ${median(runs.map((r) => r.statistics.read_ms ?? NaN))} ms, scoring ${median(runs.map((r) => r.statistics.scoring_ms ?? NaN))} ms`],
      ["fairness run: rows re-scored, engine calls", `${rescored} rows`, `${s.perturbed_rows} perturbed copies + ${rescored - (s.perturbed_rows ?? 0)} of ${s.debias_rows} debiasing twins (the rest are copies) in ${calls} engine calls: ${((calls * 1000) / rescored).toFixed(2)} per 1,000 rows re-scored, ${((calls * 1000) / (s.perturbed_rows ?? NaN)).toFixed(2)} per 1,000 perturbed copies (aim ≤ 1)`],
      ["fairness run: our own work (grouping, perturbation, figures)", `${median(runs.map((r) => r.statistics.compute_ms ?? NaN)).toFixed(1)} ms`, "median compute_ms of the runs; aim ≤ 50 ms for 10k rows"],
      [`fairness math alone (featureFairness ×2, ${PAYLOAD_ROWS + (s.perturbed_rows ?? 0)} rows)`, `${math.toFixed(2)} ms`, "median of 10 after 5 warm-up runs"],
    ];
  } finally {
    await client.close();
    await engines.stop();
  }
}
