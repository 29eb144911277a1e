/**
 * The quality monitor's math: pure functions over typed arrays (or arrays of numbers), one per problem type, each
 * returning every v1 quality metric id with its value, plus the notes that explain null or conventional values.
 * Reference values: test/reference/quality_metrics.py (scikit-learn) → test/reference/quality-metrics.json.
 */
export { BINARY_METRIC_IDS, binaryClassificationMetrics } from "./binary";
export type { BinaryClassificationInput, BinaryClassificationMetrics, BinaryCounts, BinaryMetricId } from "./binary";
export { confusionMatrix } from "./confusion-matrix";
export type { ConfusionMatrix } from "./confusion-matrix";
export type { MetricNotes, NumericArray } from "./input";
export { LOG_LOSS_EPSILON } from "./log-loss";
export { MULTICLASS_METRIC_IDS, multiclassMetrics } from "./multiclass";
export type { MulticlassInput, MulticlassMetricId, MulticlassMetrics } from "./multiclass";
export { REGRESSION_METRIC_IDS, regressionMetrics } from "./regression";
export type { RegressionInput, RegressionMetricId, RegressionMetrics } from "./regression";
export { DESCRIBE_STATISTICS, describeNumbers } from "./describe";
export { FAVOURABLE, NO_GROUP, OTHER_OUTCOME, UNFAVOURABLE, featureFairness } from "./fairness";
export type { FairnessInput, FeatureFairness, GroupRate, MonitoredRate } from "./fairness";
export * from "./drift";
export { LIME_STD_EPSILON, LimeRandom, limeBinNames, limeExplain, limeSample, limeTrainingSummary } from "./lime";
export type { LimeCategoricalFeature, LimeExplainInput, LimeExplanation, LimeFeatureSelection, LimeFeatureSummary, LimeFeatureWeight, LimeNumericFeature, LimeSample, LimeSampleOptions, LimeTrainingColumn, LimeTrainingSummary, LimeValue } from "./lime";
export { candidateValues, contrastiveExplanation, CONTRASTIVE_BATCH_SIZE, CONTRASTIVE_MAX_ENGINE_CALLS, CONTRASTIVE_STEPS } from "./contrastive";
export type {
  Candidate,
  CategoricalContrastiveFeature,
  ContrastiveExplanation,
  ContrastiveFeature,
  ContrastiveInput,
  ContrastiveScorer,
  FeatureChange,
  KeptFeature,
  NumericContrastiveFeature,
  PertinentNegative,
  PertinentNegativeFound,
  PertinentNegativeMissing,
  PertinentPositive,
  PertinentPositiveFound,
  PertinentPositiveMissing,
} from "./contrastive";
