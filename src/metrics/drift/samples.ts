/**
 * Input checks and cleaning shared by the drift functions. Two policies, on purpose:
 *  - the low-level math (ksTwoSample, wassersteinDistance, the *FromCounts functions) refuses NaN, ±∞ and empty
 *    input with a ValidationError naming the field and the first bad index — a caller of the math wants to know;
 *  - the drift tests (driftTest, featureDrift) drop missing values first, as Evidently does
 *    (`replace([-inf, inf], nan).dropna()` in `legacy/calculations/data_drift.py`), and report how many were dropped;
 *    only a sample with nothing left is refused.
 */
import { ValidationError } from "../../errors";
import type { NumericArray } from "../input";

export type Issue = { path: string; message: string };

/** Collects every issue, then throws them together. */
export class DriftInput {
  readonly issues: Issue[] = [];
  constructor(private readonly subject: string) {}

  /** `values` is an array with at least one value, every one finite. */
  finiteSample(field: string, values: NumericArray | undefined): boolean {
    if (!isArrayLike(values)) return this.missing(field, "give the sample's values (a typed array or an array of numbers)");
    if (values.length === 0) return this.add(field, "is empty: a drift statistic needs at least one value in each sample");
    return this.each(field, values, (v) => typeof v === "number" && Number.isFinite(v), "must be a finite number (drop missing values first, or use driftTest, which drops them)");
  }

  /** Counts over shared bins: non-negative integers, `length` of them, summing to more than 0. */
  counts(field: string, values: NumericArray | undefined, length: number | null): boolean {
    if (!isArrayLike(values)) return this.missing(field, "give one count per bin");
    if (length !== null && values.length !== length) return this.add(field, `has ${values.length} counts but there are ${length} bins: give one count per bin, in the same bin order`);
    if (!this.each(field, values, (v) => Number.isInteger(v) && v >= 0, "must be a count: an integer ≥ 0")) return false;
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i]!;
    if (total === 0) return this.add(field, "has no values in any bin: a drift statistic needs at least one value in each sample");
    return true;
  }

  /** Support points: finite and strictly increasing. */
  support(field: string, values: NumericArray | undefined): boolean {
    if (!isArrayLike(values)) return this.missing(field, "give the sorted distinct values the counts are for");
    if (values.length === 0) return this.add(field, "is empty: give at least one support point");
    if (!this.each(field, values, (v) => Number.isFinite(v), "must be a finite number")) return false;
    for (let i = 1; i < values.length; i++) {
      if (!(values[i]! > values[i - 1]!)) return this.add(`${field}[${i}]`, `is ${values[i]} after ${values[i - 1]}: support points must be strictly increasing`);
    }
    return true;
  }

  threshold(field: string, value: number | undefined): void {
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) this.add(field, `is ${String(value)}: give a finite threshold ≥ 0`);
  }

  add(path: string, message: string): false {
    this.issues.push({ path, message });
    return false;
  }

  check(): void {
    if (this.issues.length) throw new ValidationError(this.subject, this.issues);
  }

  private missing(field: string, what: string): false {
    return this.add(field, `is missing: ${what}`);
  }

  private each(field: string, values: ArrayLike<unknown>, ok: (v: number) => boolean, rule: string): boolean {
    let first = -1;
    let others = 0;
    for (let i = 0; i < values.length; i++) {
      if (ok(values[i] as number)) continue;
      if (first < 0) first = i;
      else others++;
    }
    if (first < 0) return true;
    const more = others ? ` (and ${others} other value${others === 1 ? "" : "s"})` : "";
    return this.add(`${field}[${first}]`, `is ${String(values[first])}${more}: ${rule}`);
  }
}

function isArrayLike(values: unknown): values is ArrayLike<number> {
  return values !== null && values !== undefined && typeof (values as ArrayLike<number>).length === "number";
}

/** A copy of the sample sorted ascending, as a Float64Array (typed-array sort is numeric and O(n log n)). */
export function sortedCopy(values: NumericArray): Float64Array {
  return Float64Array.from(values).sort();
}

/** The finite numbers of `values` (NaN, ±∞, null and undefined dropped) and how many were dropped. */
export function dropMissingNumbers(values: ArrayLike<number | null | undefined>): { values: Float64Array; dropped: number } {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) out[n++] = v;
  }
  return { values: n === values.length ? out : out.slice(0, n), dropped: values.length - n };
}

/** A category: any string, number or boolean. null, undefined, NaN and ±∞ are missing (Evidently's cleaning). */
export type Category = string | number | boolean;

/** True for what Evidently drops from a column before testing it. */
export function isMissingCategory(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v));
}
