/**
 * One feature's drift test, Evidently-style: the method chosen automatically (choose.ts) or forced by name, run on
 * raw values (`driftTest`) or on counts the service computed in SQL (`driftTestFromCounts`), and returned with its
 * statistic, p-value (null for distances), threshold and verdict. What each method accepts:
 *
 *   method         raw values                           counts over shared bins     counts on support points
 *   ks             numeric                              —                           numeric (exact for that support)
 *   wasserstein    numeric                              —                           numeric (exact for that support)
 *   chisquare, z   categorical; numeric as categories   yes                         yes
 *   jensenshannon  categorical; numeric: Evidently bins yes                         yes
 *   psi            categorical; numeric: ref deciles    yes (the caller's bins)     yes
 *
 * Missing values (null, undefined, NaN, ±∞) are dropped and counted, as Evidently drops them; a sample with
 * nothing left is refused with a ValidationError naming it. Degenerate data get a defined answer and a note, never
 * NaN: one category (χ²: 0 and p = 1; z: p = 1), a constant reference (Wasserstein divides by 0.001, Evidently's
 * floor; PSI has two bins, ≤ the constant and above).
 */
import type { NumericArray } from "../input";
import { categoryCounts, evidentlyNumericBins, quantileBins } from "./binning";
import { chiSquareFromCounts, jensenShannonDistance, psiFromCounts, zTestFromCounts, PSI_EPSILON, type PsiEpsilon } from "./bin-statistics";
import { chooseDriftMethod, DRIFT_METHOD_INFO, DRIFT_METHODS, type DriftMethod, type FeatureKind } from "./choose";
import { ksFromCounts, ksStatisticSorted } from "./ks";
import { ksPValue, type KsMethod } from "./ks-pvalue";
import { DriftInput, dropMissingNumbers, isMissingCategory, sortedCopy, type Category } from "./samples";
import { populationStd, wassersteinFromCounts, wassersteinSorted } from "./wasserstein";

/** Evidently's floor for the reference standard deviation that normalizes W₁. */
export const WASSERSTEIN_MIN_STD = 0.001;
/** PSI's default number of reference-quantile bins (deciles). */
export const PSI_QUANTILE_BINS = 10;

export interface DriftTestOptions {
  /** A method by name, or "auto" (default) for Evidently's choice. */
  method?: DriftMethod | "auto";
  /** Overrides the method's default threshold (0.05 for p-values, 0.1 for distances). */
  threshold?: number;
  /** Log base of the Jensen–Shannon distance: 2 (default, range [0, 1]) or Math.E for Evidently's values. */
  jensenShannonBase?: number;
  /** PSI on raw numeric values: "quantile" (default, reference deciles) or "evidently" (its Sturges bins). */
  psiBinning?: "quantile" | "evidently";
  /** Number of reference-quantile bins for PSI (default 10). */
  psiBins?: number;
  /** Replacement for zero shares in PSI: a number (default 1e-4) or "evidently". */
  psiEpsilon?: PsiEpsilon;
}

export interface DriftTestInput extends DriftTestOptions {
  kind: FeatureKind;
  reference: ArrayLike<number | null | undefined> | ArrayLike<Category | null | undefined>;
  current: ArrayLike<number | null | undefined> | ArrayLike<Category | null | undefined>;
}

export interface DriftTestResult {
  method: DriftMethod;
  /** "auto" when Evidently's rule picked the method, "forced" when it was named. */
  selection: "auto" | "forced";
  /** KS D, χ², z, JS distance, PSI or normalized W₁. */
  statistic: number;
  /** The test's p-value; null for the distances (jensenshannon, psi, wasserstein). */
  pvalue: number | null;
  /** What is compared with the threshold: the p-value, or the statistic for distances. */
  score: number;
  threshold: number;
  drifted: boolean;
  /** Values used, after dropping missing ones. */
  rows: { reference: number; current: number };
  /** Missing values dropped (null, undefined, NaN, ±∞). 0 for counts. */
  dropped: { reference: number; current: number };
  /** Distinct values over both samples (what the automatic choice looked at); null if unknown (bare bins). */
  distinctValues: number | null;
  /** How the KS p-value was computed. */
  ksMethod?: KsMethod;
  /** Why a value is conventional, or what was assumed. */
  notes: string[];
}

type Computed = { statistic: number; pvalue: number | null; notes: string[]; ksMethod?: KsMethod };

function checkOptions(check: DriftInput, o: DriftTestOptions & { kind?: unknown }): void {
  if (o.kind !== "numeric" && o.kind !== "categorical") check.add("kind", `is ${String(o.kind)}: expected "numeric" or "categorical"`);
  if (o.method !== undefined && o.method !== "auto" && !DRIFT_METHODS.includes(o.method)) check.add("method", `is ${String(o.method)}: expected "auto" or one of ${DRIFT_METHODS.join(", ")}`);
  check.threshold("threshold", o.threshold);
  if (o.jensenShannonBase !== undefined && !(o.jensenShannonBase > 0 && o.jensenShannonBase !== 1)) check.add("jensenShannonBase", `is ${String(o.jensenShannonBase)}: expected a log base > 0 and ≠ 1, such as 2 or Math.E`);
  if (o.psiBins !== undefined && !(Number.isInteger(o.psiBins) && o.psiBins >= 2)) check.add("psiBins", `is ${String(o.psiBins)}: expected an integer ≥ 2`);
  if (o.psiBinning !== undefined && o.psiBinning !== "quantile" && o.psiBinning !== "evidently") check.add("psiBinning", `is ${String(o.psiBinning)}: expected "quantile" or "evidently"`);
  if (o.psiEpsilon !== undefined && o.psiEpsilon !== "evidently" && !(o.psiEpsilon > 0 && o.psiEpsilon < 1)) check.add("psiEpsilon", `is ${String(o.psiEpsilon)}: expected a share in (0, 1), such as 1e-4, or "evidently"`);
}

function pickMethod(check: DriftInput, o: DriftTestOptions, kind: FeatureKind, referenceRows: number, distinct: number | null): { method: DriftMethod; selection: "auto" | "forced" } | null {
  if (o.method !== undefined && o.method !== "auto") {
    if (!DRIFT_METHOD_INFO[o.method].kinds.includes(kind)) {
      check.add("method", `is ${o.method}, which needs a numeric feature: use chisquare, z, jensenshannon or psi for a categorical one`);
      return null;
    }
    return { method: o.method, selection: "forced" };
  }
  if (distinct === null) {
    check.add("support", "is missing: the automatic choice for a numeric feature needs the distinct values (support points with counts); or name the method");
    return null;
  }
  return { method: chooseDriftMethod(kind, referenceRows, distinct), selection: "auto" };
}

function result(o: DriftTestOptions, picked: { method: DriftMethod; selection: "auto" | "forced" }, c: Computed, rows: DriftTestResult["rows"], dropped: DriftTestResult["dropped"], distinctValues: number | null): DriftTestResult {
  const info = DRIFT_METHOD_INFO[picked.method];
  const threshold = o.threshold ?? info.threshold;
  const score = info.score === "pvalue" ? c.pvalue! : c.statistic;
  const out: DriftTestResult = { method: picked.method, selection: picked.selection, statistic: c.statistic, pvalue: c.pvalue, score, threshold, drifted: info.drifted(score, threshold), rows, dropped, distinctValues, notes: c.notes };
  if (c.ksMethod) out.ksMethod = c.ksMethod;
  return out;
}

function fromBins(method: "chisquare" | "z" | "jensenshannon" | "psi", bins: { referenceCounts: NumericArray; currentCounts: NumericArray }, o: DriftTestOptions): Computed {
  const { referenceCounts: r, currentCounts: c } = bins;
  if (method === "chisquare") return chiSquareFromCounts(r, c);
  if (method === "z") return zTestFromCounts(r, c);
  if (method === "jensenshannon") return { statistic: jensenShannonDistance(r, c, o.jensenShannonBase ?? 2), pvalue: null, notes: [] };
  return { statistic: psiFromCounts(r, c, o.psiEpsilon ?? PSI_EPSILON), pvalue: null, notes: [] };
}

function normedWasserstein(w: number, std: number): Computed {
  const notes = std < WASSERSTEIN_MIN_STD ? [`reference standard deviation ${std} is below ${WASSERSTEIN_MIN_STD}: W₁ is divided by ${WASSERSTEIN_MIN_STD} instead (Evidently's floor)`] : [];
  return { statistic: w / Math.max(std, WASSERSTEIN_MIN_STD), pvalue: null, notes };
}

/** Distinct values of two sorted samples together. */
function distinctOfBoth(a: Float64Array, b: Float64Array): number {
  let i = 0, j = 0, k = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i]! === v) i++;
    while (j < b.length && b[j]! === v) j++;
    k++;
  }
  return k;
}

/** Drift of one feature from raw values. */
export function driftTest(input: DriftTestInput): DriftTestResult {
  const check = new DriftInput("drift test input");
  checkOptions(check, input ?? ({} as DriftTestInput));
  for (const field of ["reference", "current"] as const) {
    const v = input?.[field];
    if (v === null || v === undefined || typeof v.length !== "number") check.add(field, "is missing: give the feature's values (an array or typed array)");
  }
  check.check();
  const { kind } = input;
  const clean = (field: "reference" | "current") => {
    const values = input[field];
    let dropped = 0;
    if (kind === "numeric") {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!isMissingCategory(v) && typeof v !== "number") return void check.add(`${field}[${i}]`, `is ${JSON.stringify(v)}: a numeric feature's values must be numbers (or null for missing)`);
      }
      const r = dropMissingNumbers(values as ArrayLike<number | null | undefined>);
      dropped = r.dropped;
      if (r.values.length === 0) return void check.add(field, `has no values left after dropping ${dropped} missing (null, NaN or ±∞): a drift test needs at least one value in each sample`);
      return { sorted: sortedCopy(r.values), categories: null, dropped };
    }
    const kept: Category[] = [];
    for (let i = 0; i < values.length; i++) isMissingCategory(values[i]) ? dropped++ : kept.push(values[i] as Category);
    if (kept.length === 0) return void check.add(field, `has no values left after dropping ${dropped} missing (null, undefined, NaN or ±∞): a drift test needs at least one value in each sample`);
    return { sorted: null, categories: kept, dropped };
  };
  const ref = clean("reference");
  const cur = clean("current");
  check.check();
  const rows = { reference: (ref!.sorted ?? ref!.categories)!.length, current: (cur!.sorted ?? cur!.categories)!.length };
  const dropped = { reference: ref!.dropped, current: cur!.dropped };

  if (kind === "categorical") {
    const bins = categoryCounts(ref!.categories!, cur!.categories!);
    const picked = pickMethod(check, input, kind, rows.reference, bins.categories.length);
    check.check();
    return result(input, picked!, fromBins(picked!.method as "chisquare", bins, input), rows, dropped, bins.categories.length);
  }
  const a = ref!.sorted!;
  const b = cur!.sorted!;
  const distinct = distinctOfBoth(a, b);
  const picked = pickMethod(check, input, kind, rows.reference, distinct)!;
  let computed: Computed;
  switch (picked.method) {
    case "ks": {
      const ks = ksPValue(ksStatisticSorted(a, b), a.length, b.length);
      computed = { statistic: ks.statistic, pvalue: ks.pvalue, notes: [], ksMethod: ks.method };
      break;
    }
    case "wasserstein":
      computed = normedWasserstein(wassersteinSorted(a, b), populationStd(a));
      break;
    case "chisquare":
    case "z":
      computed = fromBins(picked.method, categoryCounts(a, b), input);
      break;
    case "jensenshannon":
      computed = fromBins("jensenshannon", evidentlyNumericBins(a, b), input);
      break;
    case "psi": {
      const quantile = (input.psiBinning ?? "quantile") === "quantile";
      const bins = quantile ? quantileBins(a, b, input.psiBins ?? PSI_QUANTILE_BINS) : evidentlyNumericBins(a, b);
      computed = fromBins("psi", bins, input);
      if (quantile && a[0] === a[a.length - 1]) computed.notes.push("the reference is constant: PSI bins are (−∞, value] and above it");
      break;
    }
  }
  return result(input, picked, computed, rows, dropped, distinct);
}

export interface DriftCountsInput extends DriftTestOptions {
  kind: FeatureKind;
  /** Counts of the reference per bin (categories, histogram bins, or support points). */
  referenceCounts: NumericArray;
  /** Counts of the current sample over the same bins, in the same order. */
  currentCounts: NumericArray;
  /**
   * The sorted distinct values the counts are for. Required for ks and wasserstein (and for the automatic choice on
   * a numeric feature); without it the bins are taken as given and only chisquare, z, jensenshannon and psi apply.
   */
  support?: NumericArray;
}

/** Drift of one feature from counts over shared bins (histograms computed by the service, e.g. in SQL). */
export function driftTestFromCounts(input: DriftCountsInput): DriftTestResult {
  const check = new DriftInput("drift counts input");
  checkOptions(check, input ?? ({} as DriftCountsInput));
  if (input?.support !== undefined) check.support("support", input.support);
  const length = input?.support?.length ?? input?.referenceCounts?.length ?? null;
  check.counts("referenceCounts", input?.referenceCounts, length);
  check.counts("currentCounts", input?.currentCounts, length);
  check.check();
  const { kind, referenceCounts: r, currentCounts: c, support } = input;
  let n1 = 0, n2 = 0, distinct = 0;
  for (let i = 0; i < r.length; i++) (n1 += r[i]!), (n2 += c[i]!), (distinct += r[i]! > 0 || c[i]! > 0 ? 1 : 0);
  const known = kind === "categorical" || support !== undefined ? distinct : null;
  const picked = pickMethod(check, input, kind, n1, known);
  if (picked && (picked.method === "ks" || picked.method === "wasserstein") && support === undefined) check.add("support", `is missing: ${picked.method} needs the values the counts are for (sorted support points)`);
  check.check();
  const rows = { reference: n1, current: n2 };
  const none = { reference: 0, current: 0 };
  const onSupport = { support: support!, referenceCounts: r, currentCounts: c };
  let computed: Computed;
  if (picked!.method === "ks") {
    const ks = ksFromCounts(onSupport);
    computed = { statistic: ks.statistic, pvalue: ks.pvalue, notes: [], ksMethod: ks.method };
  } else if (picked!.method === "wasserstein") computed = normedWasserstein(wassersteinFromCounts(onSupport), populationStd(support!, r));
  else computed = fromBins(picked!.method, { referenceCounts: r, currentCounts: c }, input);
  return result(input, picked!, computed, rows, none, known);
}
