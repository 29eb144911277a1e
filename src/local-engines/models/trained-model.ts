import type { Dataset } from "../../datasets/dataset";
import { rowsOf } from "../../datasets/dataset";
import { FeatureEncoder } from "./feature-encoder";
import { dot } from "../../metrics/linear/linear-algebra";
import { fitLogisticRegression, logisticProbability } from "../../metrics/linear/logistic-regression";
import { fitSoftmaxRegression, softmax } from "./softmax-regression";

export interface Prediction {
  prediction: string;
  /** One probability per label, in the order of `labels`. */
  probability: number[];
}

/** A model trained on a data set, ready to score rows given as objects. */
export interface TrainedModel {
  name: string;
  problem_type: "binary" | "multiclass";
  feature_columns: string[];
  categorical_columns: string[];
  label_column: string;
  labels: string[];
  /** Accuracy on rows held out of training. */
  holdout_accuracy: number;
  predict(rows: Record<string, unknown>[]): Prediction[];
}

/** Trains logistic regression (two labels) or softmax regression (more) on 80 % of `dataset`, tested on the rest. */
export function trainModel(name: string, dataset: Dataset): TrainedModel {
  const rows = rowsOf(dataset);
  const cut = Math.floor(rows.length * 0.8);
  const train = rows.slice(0, cut);
  const test = rows.slice(cut);
  const encoder = FeatureEncoder.fit(train, dataset.feature_columns, dataset.categorical_columns);
  const x = train.map((r) => encoder.encode(r));
  const labelIndex = (r: Record<string, unknown>) => dataset.labels.indexOf(String(r[dataset.label_column]));
  let score: (v: Float64Array) => number[];
  if (dataset.labels.length === 2) {
    const w = fitLogisticRegression(x, train.map((r) => labelIndex(r)));
    score = (v) => {
      const p = logisticProbability(w, v);
      return [1 - p, p];
    };
  } else {
    const w = fitSoftmaxRegression(x, train.map(labelIndex), dataset.labels.length);
    score = (v) => softmax(w.map((wc) => dot(wc, v)));
  }
  const predict = (input: Record<string, unknown>[]): Prediction[] =>
    input.map((row) => {
      const probability = rounded(score(encoder.encode(row)));
      const best = probability.indexOf(Math.max(...probability));
      return { prediction: dataset.labels[best]!, probability };
    });
  const correct = predict(test).filter((p, i) => p.prediction === String(test[i]![dataset.label_column])).length;
  return {
    name,
    problem_type: dataset.labels.length === 2 ? "binary" : "multiclass",
    feature_columns: [...dataset.feature_columns],
    categorical_columns: [...dataset.categorical_columns],
    label_column: dataset.label_column,
    labels: [...dataset.labels],
    holdout_accuracy: test.length ? correct / test.length : 1,
    predict,
  };
}

/**
 * Probabilities to six decimals, as engines print them. A binary pair is rounded as one number, so it still sums to 1
 * and `1 - P(positive)` (all Azure ML Studio and SageMaker send) gives back the first value exactly.
 */
function rounded(probability: number[]): number[] {
  if (probability.length === 2) {
    const positive = Math.round(probability[1]! * 1e6);
    return [(1e6 - positive) / 1e6, positive / 1e6];
  }
  return probability.map((p) => Math.round(p * 1e6) / 1e6);
}
