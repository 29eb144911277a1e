/** The local custom engine's credit-risk model as a subscription asset: the 20 generated features, label `Risk`. */
import { CustomMachineLearningAsset, generateCreditRisk, ProblemType } from "../../src/index";

const columns = generateCreditRisk({ rows: 1, seed: 1 });

export function creditAsset(binding_uid: string, extra: Record<string, unknown> = {}): CustomMachineLearningAsset {
  return new CustomMachineLearningAsset({
    source_uid: "credit",
    binding_uid,
    problem_type: ProblemType.BINARY_CLASSIFICATION,
    label_column: "Risk",
    prediction_column: "prediction",
    probability_column: "probability",
    feature_columns: columns.feature_columns,
    categorical_columns: columns.categorical_columns,
    ...extra,
  });
}
