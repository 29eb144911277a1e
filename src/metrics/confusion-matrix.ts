/**
 * The confusion matrix a quality run stores as its `confusion_matrix_1` source (v1): `labels`, `values[actual][predicted]`
 * (row = actual class, column = predicted class, as scikit-learn's `confusion_matrix`), plus each class's recall
 * (its row's diagonal share) and precision (its column's diagonal share), 0 where the row or column is empty
 * (scikit-learn's `zero_division=0`).
 */
import { MetricsInput, ratioOrZero, type NumericArray } from "./input";

export interface ConfusionMatrix {
  /** Class names in class-index order (the indices as strings when no names were given). */
  labels: string[];
  /** `values[a][p]`: rows whose actual class is a and predicted class is p. */
  values: number[][];
  recall_per_label: number[];
  precision_per_label: number[];
}

/**
 * Counts `actual` × `predicted` class indices (0..classCount-1, e.g. `Int32Array`s). `classLabels` names the classes
 * in index order. Throws a `ValidationError` naming the field on empty input, unequal lengths or an index out of range.
 */
export function confusionMatrix(actual: NumericArray, predicted: NumericArray, classCount: number, classLabels?: readonly string[]): ConfusionMatrix {
  const input = new MetricsInput("confusion matrix input");
  const rows = input.rows("actual", actual);
  const sized = input.sameLength("predicted", predicted, rows, "actual");
  if (input.classCount("classCount", classCount)) {
    input.classIndices("actual", actual, classCount);
    if (sized) input.classIndices("predicted", predicted, classCount);
  }
  input.names("classLabels", classLabels, classCount);
  input.check();
  return confusionFromCounts(countCells(actual, predicted, classCount), classCount, classLabels);
}

/** Row-major classCount×classCount counts, `cells[a * classCount + p]`; inputs checked by the caller. */
export function countCells(actual: NumericArray, predicted: NumericArray, classCount: number): Float64Array {
  const cells = new Float64Array(classCount * classCount);
  for (let i = 0; i < actual.length; i++) cells[actual[i]! * classCount + predicted[i]!]!++;
  return cells;
}

export function confusionFromCounts(cells: Float64Array, classCount: number, classLabels?: readonly string[]): ConfusionMatrix {
  const values: number[][] = [];
  const columnSums = new Float64Array(classCount);
  const recall: number[] = [];
  for (let a = 0; a < classCount; a++) {
    const row = Array.from(cells.subarray(a * classCount, (a + 1) * classCount));
    let rowSum = 0;
    for (let p = 0; p < classCount; p++) {
      rowSum += row[p]!;
      columnSums[p]! += row[p]!;
    }
    values.push(row);
    recall.push(ratioOrZero(row[a]!, rowSum));
  }
  return {
    labels: classLabels ? [...classLabels] : Array.from({ length: classCount }, (_, c) => String(c)),
    values,
    recall_per_label: recall,
    precision_per_label: values.map((row, c) => ratioOrZero(row[c]!, columnSums[c]!)),
  };
}
