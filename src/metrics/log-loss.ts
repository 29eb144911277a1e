/**
 * Log loss (cross-entropy), −mean(log p(true class)), computed as scikit-learn 1.2's `log_loss` (the version our
 * reference values come from, Debian 12's python3-sklearn):
 *
 * 1. every probability is clipped to [ε, 1 − ε] with ε = `Number.EPSILON` (2.22e-16), sklearn's `eps="auto"` for
 *    float64 input (`np.finfo(float64).eps`; before 1.2 the default was 1e-15). So a probability of exactly 0 for
 *    the true class costs −log ε ≈ 36.04 instead of infinity, and exactly 1 costs −log(1 − ε) ≈ 2.2e-16;
 * 2. each row is renormalised to sum to 1 after clipping (sklearn does; it also absorbs engines' rounding, such as
 *    0.33/0.33/0.33);
 * 3. a binary score s is the row [1 − s, s] (s = P(positive)).
 */
import { CompensatedSum, type NumericArray } from "./input";

/** The clipping bound: sklearn's `eps="auto"` for float64, `np.finfo(np.float64).eps`. */
export const LOG_LOSS_EPSILON = Number.EPSILON;

function clip(p: number): number {
  return p < LOG_LOSS_EPSILON ? LOG_LOSS_EPSILON : p > 1 - LOG_LOSS_EPSILON ? 1 - LOG_LOSS_EPSILON : p;
}

/** `labels` 0/1, `scores` P(positive) in [0, 1]; checked by the caller. */
export function binaryLogLoss(labels: NumericArray, scores: NumericArray): number {
  const n = labels.length;
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const positive = clip(scores[i]!);
    const negative = 1 - positive;
    total.add(Math.log((labels[i] === 1 ? positive : negative) / (negative + positive)));
  }
  return -total.value / n;
}

/** `actual` class indices, `probabilities` row-major n×classCount in [0, 1]; checked by the caller. */
export function multiclassLogLoss(actual: NumericArray, probabilities: NumericArray, classCount: number): number {
  const n = actual.length;
  const total = new CompensatedSum();
  for (let i = 0, row = 0; i < n; i++, row += classCount) {
    let rowSum = 0;
    for (let c = 0; c < classCount; c++) rowSum += clip(probabilities[row + c]!);
    total.add(Math.log(clip(probabilities[row + actual[i]!]!) / rowSum));
  }
  return -total.value / n;
}
