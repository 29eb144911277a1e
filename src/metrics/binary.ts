/**
 * Quality metrics of a binary classifier, with v1's metric ids. The threshold metrics are those of the positive class
 * (label 1), as IBM describes them ("proportion of correct predictions in predictions of positive class"):
 * TPR = recall = TP/(TP+FN), FPR = FP/(FP+TN), precision = TP/(TP+FP), F1 = 2TP/(2TP+FP+FN) (= 2PR/(P+R)).
 * A ratio whose denominator is 0 is 0 (scikit-learn's `zero_division=0`) and says so in `notes`; the ranking metrics
 * are `null` when the data cannot define them (see ./ranking). Which label is "positive" is the caller's choice.
 */
import { confusionFromCounts, type ConfusionMatrix } from "./confusion-matrix";
import { MetricsInput, ratioOrZero, type MetricNotes, type NumericArray } from "./input";
import { binaryLogLoss } from "./log-loss";
import { rankingAreas } from "./ranking";

export const BINARY_METRIC_IDS = [
  "area_under_roc",
  "area_under_pr",
  "accuracy",
  "true_positive_rate",
  "false_positive_rate",
  "recall",
  "precision",
  "f1_measure",
  "log_loss",
] as const;
export type BinaryMetricId = (typeof BINARY_METRIC_IDS)[number];

export interface BinaryClassificationInput {
  /** Actual class per row: 1 = positive, 0 = negative (e.g. a `Uint8Array`). */
  labels: NumericArray;
  /** P(positive) per row, in [0, 1] (e.g. a `Float64Array`). */
  scores: NumericArray;
  /** Predicted class per row: 1 = positive, 0 = negative. */
  predictions: NumericArray;
  /** Names of [negative, positive] for the confusion matrix's `labels`; "0" and "1" by default. */
  classLabels?: readonly [string, string];
}

export interface BinaryCounts {
  true_positives: number;
  false_positives: number;
  true_negatives: number;
  false_negatives: number;
}

export interface BinaryClassificationMetrics {
  /** One value per v1 metric id; `null` only for area_under_roc / area_under_pr on data that cannot define them. */
  metrics: Record<BinaryMetricId, number | null>;
  counts: BinaryCounts;
  /** 2×2, class 0 (negative) first: `values` = [[TN, FP], [FN, TP]]. */
  confusion_matrix: ConfusionMatrix;
  /** Why a metric is null, or is 0 because its denominator is 0. */
  notes: MetricNotes<BinaryMetricId>;
}

/**
 * Every binary quality metric over one evaluation. Throws a `ValidationError` naming the field when an array is
 * empty, lengths differ, a label or prediction is not 0/1, or a score is not a probability.
 */
export function binaryClassificationMetrics(input: BinaryClassificationInput): BinaryClassificationMetrics {
  const { labels, scores, predictions, classLabels } = input;
  const check = new MetricsInput("binary classification metrics input");
  const rows = check.rows("labels", labels);
  if (rows) check.binary("labels", labels, "1 = positive, 0 = negative");
  if (check.sameLength("scores", scores, rows, "labels")) check.probabilities("scores", scores);
  if (check.sameLength("predictions", predictions, rows, "labels")) check.binary("predictions", predictions, "1 = positive, 0 = negative");
  check.names("classLabels", classLabels, 2);
  check.check();

  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i]!;
    const predicted = predictions[i]!;
    positives += label;
    tp += label & predicted;
    fp += predicted & (label ^ 1);
  }
  const negatives = rows - positives;
  const fn = positives - tp;
  const tn = negatives - fp;
  const notes: MetricNotes<BinaryMetricId> = {};
  const ranking = rankingAreas(labels, scores);
  if (ranking.area_under_roc === null) notes.area_under_roc = `only ${positives ? "positive" : "negative"} labels: the ROC curve needs both classes`;
  if (ranking.area_under_pr === null) notes.area_under_pr = "no positive labels: recall, and so the precision-recall curve, is undefined";
  if (positives === 0) notes.true_positive_rate = notes.recall = "no positive labels: TP/(TP+FN) is 0/0, reported as 0";
  if (negatives === 0) notes.false_positive_rate = "no negative labels: FP/(FP+TN) is 0/0, reported as 0";
  if (tp + fp === 0) notes.precision = "no positive predictions: TP/(TP+FP) is 0/0, reported as 0";
  if (2 * tp + fp + fn === 0) notes.f1_measure = "no positive labels or predictions: F1 is 0/0, reported as 0";
  const recall = ratioOrZero(tp, positives);

  return {
    metrics: {
      area_under_roc: ranking.area_under_roc,
      area_under_pr: ranking.area_under_pr,
      accuracy: (tp + tn) / rows,
      true_positive_rate: recall,
      false_positive_rate: ratioOrZero(fp, negatives),
      recall,
      precision: ratioOrZero(tp, tp + fp),
      f1_measure: ratioOrZero(2 * tp, 2 * tp + fp + fn),
      log_loss: binaryLogLoss(labels, scores),
    },
    counts: { true_positives: tp, false_positives: fp, true_negatives: tn, false_negatives: fn },
    confusion_matrix: confusionFromCounts(Float64Array.of(tn, fp, fn, tp), 2, classLabels),
    notes,
  };
}
