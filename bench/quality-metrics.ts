/**
 * The quality monitor's math at scale: every binary quality metric of one evaluation of 1M (label, prediction,
 * probability) rows through `binaryClassificationMetrics`, next to scikit-learn's `roc_auc_score`,
 * `average_precision_score`, `log_loss` and `confusion_matrix` on the same rows in the same run. The rows go to a temp
 * binary file that Python reads with `numpy.fromfile`; only the metric calls are timed there. Ours is timed on the
 * whole call, input checks and every other metric included. Both sides: one warm-up run, then the median of five.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { SeededRandom } from "../src/datasets/random";
import { binaryClassificationMetrics } from "../src/metrics/index";

export interface QualityMetricsFigures {
  rows: number;
  ours_ms: number;
  /** null when no python3 with scikit-learn was found; `python_note` says why. */
  sklearn_ms: number | null;
  sklearn_per_metric_ms: Record<string, number> | null;
  sklearn_version: string | null;
  python_note: string;
  /** Largest |ours − sklearn| over area_under_roc, area_under_pr and log_loss: the two sides computed the same thing. */
  max_difference: number | null;
}

const RUNS = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Model-like rows: 30% positives, scores a noisy function of the label rounded to 1e-4 (engines round; ties occur). */
function evaluationRows(n: number): { labels: Uint8Array; predictions: Uint8Array; scores: Float64Array } {
  const random = new SeededRandom("quality-bench");
  const labels = new Uint8Array(n);
  const predictions = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random.next() < 0.3 ? 1 : 0;
    const score = Math.min(1, Math.max(0, random.normal(0.3 + 0.4 * labels[i]!, 0.2)));
    scores[i] = Math.round(score * 1e4) / 1e4;
    predictions[i] = scores[i]! >= 0.5 ? 1 : 0;
  }
  return { labels, predictions, scores };
}

const PYTHON_SIDE = `
import json, sys, time
import numpy as np, sklearn
from sklearn.metrics import roc_auc_score, average_precision_score, log_loss, confusion_matrix
folder, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
labels = np.fromfile(folder + "/labels.u8", dtype=np.uint8, count=n)
predictions = np.fromfile(folder + "/predictions.u8", dtype=np.uint8, count=n)
scores = np.fromfile(folder + "/scores.f64", dtype=np.float64, count=n)
calls = {
    "roc_auc_score": lambda: roc_auc_score(labels, scores),
    "average_precision_score": lambda: average_precision_score(labels, scores),
    "log_loss": lambda: log_loss(labels, scores, labels=[0, 1]),
    "confusion_matrix": lambda: confusion_matrix(labels, predictions, labels=[0, 1]),
}
values, totals, each = {}, [], {name: [] for name in calls}
for run in range(runs + 1):
    total = 0.0
    for name, call in calls.items():
        t0 = time.perf_counter()
        values[name] = call()
        ms = (time.perf_counter() - t0) * 1000
        total += ms
        if run: each[name].append(ms)
    if run: totals.append(total)
print(json.dumps({"version": sklearn.__version__, "total_ms": float(np.median(totals)),
                  "per_metric_ms": {k: float(np.median(v)) for k, v in each.items()},
                  "area_under_roc": float(values["roc_auc_score"]), "area_under_pr": float(values["average_precision_score"]),
                  "log_loss": float(values["log_loss"])}))
`;

/** The first of $OPENSCALE_BENCH_PYTHON, python3, /usr/bin/python3 that imports numpy and scikit-learn. */
function findPython(): { python: string | null; note: string } {
  const candidates = [process.env.OPENSCALE_BENCH_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  for (const python of [...new Set(candidates)]) {
    try {
      execFileSync(python, ["-c", "import numpy, sklearn"], { stdio: "ignore" });
      return { python, note: python };
    } catch {
      // not installed, or no scikit-learn there: try the next
    }
  }
  return { python: null, note: `scikit-learn not installed (tried ${candidates.join(", ")}; apt-get install python3-sklearn, or set OPENSCALE_BENCH_PYTHON)` };
}

export function qualityMetricsBench(n = 1_000_000): QualityMetricsFigures {
  const rows = evaluationRows(n);
  const ours: number[] = [];
  let result = binaryClassificationMetrics(rows); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = binaryClassificationMetrics(rows);
    ours.push(performance.now() - t0);
  }
  const figures: QualityMetricsFigures = {
    rows: n,
    ours_ms: median(ours),
    sklearn_ms: null,
    sklearn_per_metric_ms: null,
    sklearn_version: null,
    python_note: "",
    max_difference: null,
  };
  const { python, note } = findPython();
  figures.python_note = note;
  if (!python) return figures;

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-quality-bench-"));
  try {
    fs.writeFileSync(path.join(folder, "labels.u8"), rows.labels);
    fs.writeFileSync(path.join(folder, "predictions.u8"), rows.predictions);
    fs.writeFileSync(path.join(folder, "scores.f64"), new Uint8Array(rows.scores.buffer));
    const out = execFileSync(python, ["-c", PYTHON_SIDE, folder, String(n), String(RUNS)], { encoding: "utf8", maxBuffer: 1 << 20 });
    const sk = JSON.parse(out.trim().split("\n").at(-1)!) as { version: string; total_ms: number; per_metric_ms: Record<string, number>; area_under_roc: number; area_under_pr: number; log_loss: number };
    figures.sklearn_ms = sk.total_ms;
    figures.sklearn_per_metric_ms = sk.per_metric_ms;
    figures.sklearn_version = sk.version;
    figures.max_difference = Math.max(
      Math.abs(result.metrics.area_under_roc! - sk.area_under_roc),
      Math.abs(result.metrics.area_under_pr! - sk.area_under_pr),
      Math.abs(result.metrics.log_loss! - sk.log_loss),
    );
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return figures;
}

/** The figures as bench/run.ts rows: [name, value, note]. */
export function qualityMetricsRows(f: QualityMetricsFigures): [string, string, string][] {
  const name = `binary quality metrics, ${f.rows} rows`;
  if (f.sklearn_ms === null) return [[name, `${f.ours_ms.toFixed(0)} ms`, `all 9 metrics + confusion matrix; scikit-learn: not run, ${f.python_note}`]];
  const each = Object.entries(f.sklearn_per_metric_ms!).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ");
  return [
    [name, `${f.ours_ms.toFixed(0)} ms`, `all 9 metrics + confusion matrix; scikit-learn ${f.sklearn_version}: ${f.sklearn_ms.toFixed(0)} ms: ratio ours/sklearn ${(f.ours_ms / f.sklearn_ms).toFixed(2)} (aim ≤ 1)`],
    ["  scikit-learn, per metric", `${f.sklearn_ms.toFixed(0)} ms`, `${each} ms; max |difference| ${f.max_difference!.toExponential(1)}`],
  ];
}
