/**
 * The two threshold-free binary metrics, from one pass over the rows sorted by score:
 *
 * - `area_under_roc` equals scikit-learn's `roc_auc_score`: the ROC curve has one point per distinct score, so rows
 *   with tied scores move the curve diagonally and share one trapezoid (a tied positive/negative pair counts ½).
 * - `area_under_pr` equals scikit-learn's `average_precision_score`, NOT the trapezoidal area under the
 *   precision-recall curve that "area under PR" might suggest: AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct scores in
 *   decreasing order, a step function without interpolation (trapezoids over-estimate it where precision zig-zags).
 *
 * The positives' and the negatives' scores are sorted apart (two numeric typed-array sorts, O(n log n) together) and
 * merged from the top score down. ROC works in whole counts: twice the area is a sum of integer products, exact for
 * fewer than about 10⁸ rows, so the only rounding is the final division.
 */
import { CompensatedSum, type NumericArray } from "./input";

export interface RankingAreas {
  /** null when labels hold one class only: ROC needs positives and negatives (scikit-learn raises). */
  area_under_roc: number | null;
  /** null when there is no positive label: recall is undefined (scikit-learn 1.2 warns and returns 0). */
  area_under_pr: number | null;
  positives: number;
  negatives: number;
}

/** `labels` are 0/1 (1 = positive), `scores` any non-NaN numbers where higher means more positive; checked by the caller. */
export function rankingAreas(labels: NumericArray, scores: NumericArray): RankingAreas {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  }
  pos.sort();
  neg.sort();

  let i = positives - 1;
  let j = negatives - 1;
  let tp = 0;
  let fp = 0;
  let twiceRocArea = 0;
  const precisionSum = new CompensatedSum();
  while (i >= 0 || j >= 0) {
    // The next threshold: the highest score not yet passed (−0 and +0 compare equal, so they stay one threshold).
    const threshold = i < 0 ? neg[j]! : j < 0 ? pos[i]! : pos[i]! >= neg[j]! ? pos[i]! : neg[j]!;
    const tpBefore = tp;
    const fpBefore = fp;
    while (i >= 0 && pos[i] === threshold) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === threshold) {
      fp++;
      j--;
    }
    twiceRocArea += (fp - fpBefore) * (tp + tpBefore);
    if (tp > tpBefore) precisionSum.add((tp - tpBefore) * (tp / (tp + fp)));
  }
  return {
    area_under_roc: positives && negatives ? twiceRocArea / (2 * positives * negatives) : null,
    area_under_pr: positives ? precisionSum.value / positives : null,
    positives,
    negatives,
  };
}
