/**
 * Checks shared by the quality metrics: every input array is checked in full before anything is computed, and a bad
 * value fails with a `ValidationError` naming the field, the first offending index, how many others there are and the
 * fix. Empty input is refused too: a metric over no rows is undefined, and the quality monitor refuses fewer than
 * `min_records` rows before it gets here anyway.
 */
import { ValidationError } from "../errors";

/** Any array of numbers: `Float64Array`, `Int32Array`, `Uint8Array`, `number[]`, … */
export type NumericArray = ArrayLike<number>;

/** Why a metric is `null` (undefined for this data) or holds a convention value (0 where a denominator is 0). */
export type MetricNotes<Id extends string> = Partial<Record<Id, string>>;

export class MetricsInput {
  private readonly issues: { path: string; message: string }[] = [];

  constructor(private readonly subject: string) {}

  /** The number of rows: the length of `values`, which must not be 0. */
  rows(field: string, values: NumericArray | undefined): number {
    if (values === undefined || values === null || typeof values.length !== "number") {
      this.issues.push({ path: field, message: "is missing: give one value per row (a typed array or an array of numbers)" });
      return 0;
    }
    if (values.length === 0) this.issues.push({ path: field, message: "is empty: quality metrics need at least one row" });
    return values.length;
  }

  /** `values` has one entry per row (or `perRow` entries per row). */
  sameLength(field: string, values: NumericArray | undefined, rows: number, reference: string, perRow = 1): boolean {
    if (values === undefined || values === null || typeof values.length !== "number") {
      this.issues.push({ path: field, message: "is missing: give one value per row (a typed array or an array of numbers)" });
      return false;
    }
    if (values.length !== rows * perRow) {
      const what = perRow === 1 ? `one value per row of ${reference}` : `${perRow} values per row (row-major n×${perRow})`;
      this.issues.push({ path: field, message: `has ${values.length} values but ${reference} has ${rows} rows: give ${what}` });
      return false;
    }
    return true;
  }

  /** Every value is 0 or 1. */
  binary(field: string, values: NumericArray, meaning: string): void {
    this.each(field, values, (v) => v === 0 || v === 1, `must be 0 or 1 (${meaning})`);
  }

  /** Every value is an integer class index in 0..classCount-1. */
  classIndices(field: string, values: NumericArray, classCount: number): void {
    this.each(field, values, (v) => Number.isInteger(v) && v >= 0 && v < classCount, `must be a class index 0..${classCount - 1} (classCount is ${classCount})`);
  }

  /** Every value is a probability: finite, in [0, 1]. */
  probabilities(field: string, values: NumericArray): void {
    this.each(field, values, (v) => v >= 0 && v <= 1, "must be a probability in [0, 1] (not NaN)");
  }

  /** Every value is a finite number. */
  finite(field: string, values: NumericArray): void {
    this.each(field, values, (v) => Number.isFinite(v), "must be a finite number");
  }

  classCount(field: string, value: number): boolean {
    if (!Number.isInteger(value) || value < 2) {
      this.issues.push({ path: field, message: `is ${String(value)}: give the number of classes, an integer ≥ 2` });
      return false;
    }
    return true;
  }

  names(field: string, names: readonly string[] | undefined, count: number): void {
    if (names !== undefined && names.length !== count) this.issues.push({ path: field, message: `has ${names.length} names but there are ${count} classes: give one name per class, in class-index order` });
  }

  /** Throws every issue found so far, at once. */
  check(): void {
    if (this.issues.length) throw new ValidationError(this.subject, this.issues);
  }

  private each(field: string, values: NumericArray, ok: (v: number) => boolean, rule: string): void {
    let first = -1;
    let others = 0;
    for (let i = 0; i < values.length; i++) {
      if (ok(values[i]!)) continue;
      if (first < 0) first = i;
      else others++;
    }
    if (first < 0) return;
    const more = others ? ` (and ${others} other value${others === 1 ? "" : "s"})` : "";
    this.issues.push({ path: `${field}[${first}]`, message: `is ${String(values[first])}${more}: ${rule}` });
  }
}

/** `numerator / denominator`, or 0 when the denominator is 0 (scikit-learn's `zero_division=0`). */
export function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Neumaier's compensated sum: a long sum of terms of mixed size keeps about full double precision. */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const t = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) this.compensation += this.sum - t + term;
    else this.compensation += term - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
