/**
 * LIME tabular explanations as marcotcr/lime computes them, in pure functions: the training summary the explainer
 * keeps (limeTrainingSummary), the perturbed neighbourhood of an instance (limeSample: rows to score, and their 0/1
 * representation) and the weighted ridge surrogate fitted to the model's outputs on it (limeExplain).
 * Reference values: test/reference/lime_reference.py (numpy, scikit-learn) → test/reference/lime-reference.json.
 */
export { limeExplain, kernelWeights } from "./explain";
export type { LimeExplainInput, LimeExplanation, LimeFeatureSelection, LimeFeatureWeight } from "./explain";
export { LimeRandom } from "./random";
export { limeSample } from "./sample";
export type { LimeSample, LimeSampleOptions } from "./sample";
export { LIME_STD_EPSILON, formatFixed2, limeBin, limeBinNames, limeFeatureName, limeTrainingSummary, percentileOfSorted } from "./summary";
export type { LimeCategoricalFeature, LimeFeatureSummary, LimeNumericFeature, LimeTrainingColumn, LimeTrainingSummary, LimeValue } from "./summary";
