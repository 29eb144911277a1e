/**
 * The v1 SDK's enums (`ibm_ai_openscale.supporting_classes.enums`), as frozen objects of their string values.
 * Options accept the enum member (`ProblemType.BINARY_CLASSIFICATION`) or its value (`"binary"`).
 */

export const ProblemType = {
  BINARY_CLASSIFICATION: "binary",
  MULTICLASS_CLASSIFICATION: "multiclass",
  REGRESSION: "regression",
} as const;
export type ProblemType = (typeof ProblemType)[keyof typeof ProblemType];

export const InputDataType = {
  STRUCTURED: "structured",
  UNSTRUCTURED_IMAGE: "unstructured_image",
  UNSTRUCTURED_TEXT: "unstructured_text",
} as const;
export type InputDataType = (typeof InputDataType)[keyof typeof InputDataType];

export const FeedbackFormat = {
  WML: "wml",
  DICT: "dict",
  CSV: "csv",
} as const;
export type FeedbackFormat = (typeof FeedbackFormat)[keyof typeof FeedbackFormat];

/** Monitor definition ids, as metric tables and `get_deployment_metrics({ metric_type })` name them. */
export const MetricTypes = {
  QUALITY_MONITORING: "quality",
  FAIRNESS_MONITORING: "fairness",
  PERFORMANCE_MONITORING: "performance",
  DRIFT_MONITORING: "drift",
  CUSTOM_MONITORING: "custom",
} as const;
export type MetricTypes = (typeof MetricTypes)[keyof typeof MetricTypes];

/** `format` of `get_metrics()`: one record per sample, or per-hour aggregates. */
export const MetricsFormat = {
  SAMPLES: "samples",
  TIME_SERIES: "time_series",
} as const;
export type MetricsFormat = (typeof MetricsFormat)[keyof typeof MetricsFormat];

/** Values of an enum object, for zod's `z.enum`. */
export function enumValues<E extends Record<string, string>>(e: E): [E[keyof E], ...E[keyof E][]] {
  return Object.values(e) as [E[keyof E], ...E[keyof E][]];
}
