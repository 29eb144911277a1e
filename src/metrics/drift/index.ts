/**
 * Feature drift math: Evidently's drift tests (ks, chisquare, z, jensenshannon, psi, wasserstein) and its automatic
 * choice among them, on raw values or on counts, over distribution functions implemented here (Kolmogorov, exact
 * two-sample KS, χ², normal). Reference values: test/reference/drift_metrics.py (SciPy) → drift-metrics.json.
 */
export { categoryCounts, evidentlyNumericBins, quantileBins, quantileSorted, referenceQuantileEdges, sturgesEdges } from "./binning";
export type { BinnedCounts } from "./binning";
export { PSI_EPSILON, chiSquareFromCounts, jensenShannonDistance, psiFromCounts, zTestFromCounts } from "./bin-statistics";
export type { BinTestValue, PsiEpsilon } from "./bin-statistics";
export { AUTO_LOW_CARDINALITY, AUTO_REFERENCE_ROWS, DRIFT_METHODS, DRIFT_METHOD_INFO, chooseDriftMethod } from "./choose";
export type { DriftMethod, DriftMethodInfo, FeatureKind } from "./choose";
export { PSI_QUANTILE_BINS, WASSERSTEIN_MIN_STD, driftTest, driftTestFromCounts } from "./drift-test";
export type { DriftCountsInput, DriftTestInput, DriftTestOptions, DriftTestResult } from "./drift-test";
export { kolmogornSurvival } from "./kolmogn";
export { ksFromCounts, ksStatisticSorted, ksTwoSample } from "./ks";
export type { CountsOnSupport, KsOptions, KsResult } from "./ks";
export { KS_MAX_EXACT_N, asymptoticKsPValue, exactKsPValue, ksPValue } from "./ks-pvalue";
export type { KsMethod } from "./ks-pvalue";
export type { Category } from "./samples";
export { kolmogorov, smirnovSurvival } from "./smirnov";
export { chiSquaredSurvival, logGamma, normalSurvival, regularizedLowerGamma, regularizedUpperGamma } from "./special-functions";
export { populationStd, wassersteinDistance, wassersteinFromCounts, wassersteinSorted } from "./wasserstein";
