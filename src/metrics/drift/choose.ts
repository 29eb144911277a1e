/**
 * Which drift test a feature gets, and what each test's defaults are — Evidently's registry, read from
 * `src/evidently/legacy/calculations/stattests/registry.py` (`_get_default_stattest`, evidentlyai/evidently at
 * a4aa4c2b37fe, 2026-05-02) and the `StatTest(...)` declarations next to each test:
 *
 *   distinct = distinct non-missing values of reference and current together (pandas nunique of the concatenation)
 *   reference rows ≤ 1000:  numeric   → distinct ≤ 5 ? (distinct > 2 ? chisquare : z) : ks
 *                           categorical → distinct > 2 ? chisquare : z
 *   reference rows > 1000:  numeric   → distinct ≤ 5 ? jensenshannon : wasserstein
 *                           categorical → jensenshannon
 *
 * Two details differ from the usual summary of it: the distinct values are counted over both samples, not the
 * reference alone, and low-cardinality numeric features (≤ 5 values) are treated like categorical ones.
 * PSI is never chosen automatically; it can be forced by name like any other test.
 */
export type DriftMethod = "ks" | "chisquare" | "z" | "jensenshannon" | "psi" | "wasserstein";
export type FeatureKind = "numeric" | "categorical";

export const DRIFT_METHODS: readonly DriftMethod[] = ["ks", "chisquare", "z", "jensenshannon", "psi", "wasserstein"];

/** Evidently's reference-size cut between the small-sample tests and the distances. */
export const AUTO_REFERENCE_ROWS = 1000;
/** At most this many distinct values make a numeric feature "categorical-like" for the automatic choice. */
export const AUTO_LOW_CARDINALITY = 5;

export interface DriftMethodInfo {
  /** What the statistic compared with the threshold is. */
  score: "pvalue" | "distance";
  /** Evidently's default threshold (a significance level for p-values). */
  threshold: number;
  /**
   * How the score is compared with the threshold, as each Evidently test does it: ks drifts at p ≤ threshold,
   * chisquare and z at p < threshold, the distances at value ≥ threshold.
   */
  drifted: (score: number, threshold: number) => boolean;
  kinds: readonly FeatureKind[];
}

export const DRIFT_METHOD_INFO: Readonly<Record<DriftMethod, DriftMethodInfo>> = {
  ks: { score: "pvalue", threshold: 0.05, drifted: (p, t) => p <= t, kinds: ["numeric"] },
  chisquare: { score: "pvalue", threshold: 0.05, drifted: (p, t) => p < t, kinds: ["categorical", "numeric"] },
  z: { score: "pvalue", threshold: 0.05, drifted: (p, t) => p < t, kinds: ["categorical", "numeric"] },
  jensenshannon: { score: "distance", threshold: 0.1, drifted: (d, t) => d >= t, kinds: ["categorical", "numeric"] },
  psi: { score: "distance", threshold: 0.1, drifted: (d, t) => d >= t, kinds: ["categorical", "numeric"] },
  wasserstein: { score: "distance", threshold: 0.1, drifted: (d, t) => d >= t, kinds: ["numeric"] },
};

/** Evidently's automatic choice from the feature kind, the reference's size and the distinct values of both samples. */
export function chooseDriftMethod(kind: FeatureKind, referenceRows: number, distinctValues: number): DriftMethod {
  const small = referenceRows <= AUTO_REFERENCE_ROWS;
  if (kind === "numeric" && distinctValues > AUTO_LOW_CARDINALITY) return small ? "ks" : "wasserstein";
  if (!small) return "jensenshannon";
  return distinctValues > 2 ? "chisquare" : "z";
}
