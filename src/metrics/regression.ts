/**
 * Quality metrics of a regression model, with v1's metric ids and scikit-learn's definitions:
 * MAE = mean|y − ŷ|, MSE = mean (y − ŷ)², RMSE = √MSE, R² = 1 − SS_res/SS_tot,
 * explained variance = 1 − Var(y − ŷ)/Var(y). When the actual values are all equal (Var(y) = 0) R² and explained
 * variance are 1 for a perfect prediction and 0 otherwise, as scikit-learn's `force_finite=True` default does, and
 * `notes` says so.
 */
import { MetricsInput, type MetricNotes, type NumericArray } from "./input";

export const REGRESSION_METRIC_IDS = ["r2", "mean_absolute_error", "mean_squared_error", "root_mean_squared_error", "explained_variance"] as const;
export type RegressionMetricId = (typeof REGRESSION_METRIC_IDS)[number];

export interface RegressionInput {
  actual: NumericArray;
  predicted: NumericArray;
}

export interface RegressionMetrics {
  metrics: Record<RegressionMetricId, number>;
  notes: MetricNotes<RegressionMetricId>;
}

function ratioScore(numerator: number, denominator: number): number {
  if (denominator !== 0) return 1 - numerator / denominator;
  return numerator === 0 ? 1 : 0;
}

/** Throws a `ValidationError` naming the field when an array is empty, lengths differ, or a value is not finite. */
export function regressionMetrics(input: RegressionInput): RegressionMetrics {
  const { actual, predicted } = input;
  const check = new MetricsInput("regression metrics input");
  const rows = check.rows("actual", actual);
  check.finite("actual", actual ?? []);
  if (check.sameLength("predicted", predicted, rows, "actual")) check.finite("predicted", predicted);
  check.check();

  // Two passes (means first) as scikit-learn does, so sums of squares do not lose digits to cancellation.
  let actualSum = 0;
  let residualSum = 0;
  let absoluteSum = 0;
  let squaredSum = 0;
  for (let i = 0; i < rows; i++) {
    const residual = actual[i]! - predicted[i]!;
    actualSum += actual[i]!;
    residualSum += residual;
    absoluteSum += Math.abs(residual);
    squaredSum += residual * residual;
  }
  const actualMean = actualSum / rows;
  const residualMean = residualSum / rows;
  let totalSquares = 0;
  let residualSquares = 0;
  for (let i = 0; i < rows; i++) {
    const deviation = actual[i]! - actualMean;
    const centred = actual[i]! - predicted[i]! - residualMean;
    totalSquares += deviation * deviation;
    residualSquares += centred * centred;
  }
  const mse = squaredSum / rows;
  const notes: MetricNotes<RegressionMetricId> = {};
  if (totalSquares === 0) notes.r2 = notes.explained_variance = "actual values all equal (variance 0): 1 for a perfect prediction, else 0";
  return {
    metrics: {
      r2: ratioScore(squaredSum, totalSquares),
      mean_absolute_error: absoluteSum / rows,
      mean_squared_error: mse,
      root_mean_squared_error: Math.sqrt(mse),
      explained_variance: ratioScore(residualSquares, totalSquares),
    },
    notes,
  };
}
