/**
 * Quality metrics of a multiclass classifier, with v1's metric ids and Spark MLlib's `MulticlassMetrics` definitions
 * (the evaluator IBM's docs link to). Each `weighted_*` metric is the per-class metric weighted by the class's share
 * of the actual labels, so classes absent from `actual` weigh nothing:
 *
 * - weighted_true_positive_rate = weighted_recall = Σ_c w_c·TP_c/(TP_c+FN_c) (this equals accuracy);
 * - weighted_false_positive_rate = Σ_c w_c·FP_c/(FP_c+TN_c), Spark's `weightedFalsePositiveRate` (scikit-learn has
 *   no such function; the reference script computes it from sklearn's confusion matrix);
 * - weighted_precision = Σ_c w_c·TP_c/(TP_c+FP_c), weighted_f_measure = Σ_c w_c·F1_c: scikit-learn's
 *   `average="weighted"` with `zero_division=0`.
 *
 * A per-class ratio with denominator 0 is 0 (Spark does so for precision and F1; for the FPR of the only class
 * present Spark gives NaN), and `notes` says so.
 */
import { confusionFromCounts, countCells, type ConfusionMatrix } from "./confusion-matrix";
import { MetricsInput, ratioOrZero, type MetricNotes, type NumericArray } from "./input";
import { multiclassLogLoss } from "./log-loss";

export const MULTICLASS_METRIC_IDS = [
  "accuracy",
  "weighted_true_positive_rate",
  "weighted_false_positive_rate",
  "weighted_recall",
  "weighted_precision",
  "weighted_f_measure",
  "log_loss",
] as const;
export type MulticlassMetricId = (typeof MULTICLASS_METRIC_IDS)[number];

export interface MulticlassInput {
  /** Actual class index per row, 0..classCount-1 (e.g. an `Int32Array`). */
  actual: NumericArray;
  /** Predicted class index per row. */
  predicted: NumericArray;
  /** Class probabilities, row-major n×classCount (row i is `[i*k, (i+1)*k)`); without them log_loss is null. */
  probabilities?: NumericArray;
  classCount: number;
  /** Class names in index order, for the confusion matrix's `labels`. */
  classLabels?: readonly string[];
}

export interface MulticlassMetrics {
  /** One value per v1 metric id; log_loss is `null` when no probabilities were given. */
  metrics: Record<MulticlassMetricId, number | null>;
  confusion_matrix: ConfusionMatrix;
  /** Why a metric is null, or rests on a per-class 0/0 reported as 0. */
  notes: MetricNotes<MulticlassMetricId>;
}

/**
 * Every multiclass quality metric over one evaluation. Throws a `ValidationError` naming the field when an array is
 * empty, lengths differ, a class index is out of range, or a probability is not in [0, 1].
 */
export function multiclassMetrics(input: MulticlassInput): MulticlassMetrics {
  const { actual, predicted, probabilities, classCount, classLabels } = input;
  const check = new MetricsInput("multiclass metrics input");
  const rows = check.rows("actual", actual);
  const validCount = check.classCount("classCount", classCount);
  if (validCount && rows) check.classIndices("actual", actual, classCount);
  if (check.sameLength("predicted", predicted, rows, "actual") && validCount) check.classIndices("predicted", predicted, classCount);
  if (probabilities !== undefined && validCount && check.sameLength("probabilities", probabilities, rows, "actual", classCount)) {
    check.probabilities("probabilities", probabilities);
  }
  check.names("classLabels", classLabels, classCount);
  check.check();

  const cells = countCells(actual, predicted, classCount);
  const k = classCount;
  let correct = 0;
  let recall = 0;
  let falsePositiveRate = 0;
  let precision = 0;
  let fMeasure = 0;
  const zeroDivisions = { precision: [] as number[], fpr: [] as number[] };
  for (let c = 0; c < k; c++) {
    let support = 0; // rows whose actual class is c
    let predictedAs = 0; // rows predicted as c
    for (let j = 0; j < k; j++) {
      support += cells[c * k + j]!;
      predictedAs += cells[j * k + c]!;
    }
    if (support === 0) continue; // weight 0
    const tp = cells[c * k + c]!;
    const fp = predictedAs - tp;
    const weight = support / rows;
    const classRecall = tp / support;
    const classPrecision = ratioOrZero(tp, predictedAs);
    if (predictedAs === 0) zeroDivisions.precision.push(c);
    if (rows === support) zeroDivisions.fpr.push(c);
    correct += tp;
    recall += weight * classRecall;
    falsePositiveRate += weight * ratioOrZero(fp, rows - support);
    precision += weight * classPrecision;
    fMeasure += weight * ratioOrZero(2 * classPrecision * classRecall, classPrecision + classRecall);
  }

  const names = classLabels ?? Array.from({ length: k }, (_, c) => String(c));
  const list = (classes: number[]) => classes.map((c) => names[c]).join(", ");
  const notes: MetricNotes<MulticlassMetricId> = {};
  if (zeroDivisions.precision.length) {
    notes.weighted_precision = notes.weighted_f_measure = `never predicted: ${list(zeroDivisions.precision)} (precision 0/0, counted as 0)`;
  }
  if (zeroDivisions.fpr.length) notes.weighted_false_positive_rate = `only class ${list(zeroDivisions.fpr)} in actual: its FP/(FP+TN) is 0/0, counted as 0`;
  if (probabilities === undefined) notes.log_loss = "no probabilities given";

  return {
    metrics: {
      accuracy: correct / rows,
      weighted_true_positive_rate: recall,
      weighted_false_positive_rate: falsePositiveRate,
      weighted_recall: recall,
      weighted_precision: precision,
      weighted_f_measure: fMeasure,
      log_loss: probabilities === undefined ? null : multiclassLogLoss(actual, probabilities, k),
    },
    confusion_matrix: confusionFromCounts(cells, k, classLabels),
    notes,
  };
}
