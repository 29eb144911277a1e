/**
 * The drift monitor's configuration, as v1 stored it (`drift_threshold`, `min_samples`, `config_status`, the
 * schedule fields) plus what goes beyond v1: feature drift's method and threshold. Checked here, so the embedded
 * client and the server refuse the same things.
 */
import { z } from "zod";
import { ValidationError } from "../../errors";
import { parseOrThrow } from "../../validation";
import type { SubscriptionRow } from "../subscription-rows";

export const FEATURE_DRIFT_METHODS = ["auto", "ks", "chisquare", "z", "jensenshannon", "psi", "wasserstein"] as const;
export type FeatureDriftMethod = (typeof FEATURE_DRIFT_METHODS)[number];

/** v1's states of the drift model's training. */
export type DriftConfigState = "new" | "in_progress" | "finished" | "error";

export interface DriftParameters {
  drift_threshold: number;
  min_samples: number;
  deployment_id: string;
  data_drift_enabled: boolean;
  /** The v1 drift model: classification only, and only once one is trained or uploaded. */
  model_drift_enabled: boolean;
  feature_drift_enabled: boolean;
  feature_drift: { method: FeatureDriftMethod; threshold?: number };
  config_status: { state: DriftConfigState; model_name: string | null; message?: string };
  is_schedule_enabled: boolean;
  schedule_repeat_interval: number;
  schedule_repeat_type: "hour";
}

const SUBJECT = "drift_monitoring.enable()";

const schema = z.strictObject({
  drift_threshold: z.number({ error: "expected a number in (0, 1): the largest accepted drop in accuracy, e.g. 0.05" }).gt(0).lt(1),
  min_samples: z.number({ error: "expected a whole number of payload rows, e.g. 200" }).int().min(1).max(10_000_000),
  deployment_id: z.string().min(1).optional(),
  feature_drift: z
    .strictObject({
      method: z.enum(FEATURE_DRIFT_METHODS, { error: `expected one of ${FEATURE_DRIFT_METHODS.join(", ")}` }).optional(),
      threshold: z.number().gt(0).lt(1).optional(),
    })
    .optional(),
  training_data: z.unknown().optional(),
  training_data_statistics: z.unknown().optional(),
  train_drift_model: z.boolean().optional(),
});

/** The checked parameters; `training_data` and `training_data_statistics` are the caller's to turn into statistics. */
export function checkDriftConfiguration(row: SubscriptionRow, parameters: Record<string, unknown>): { parameters: DriftParameters; train_drift_model: boolean } {
  const p = parseOrThrow(schema, parameters, SUBJECT, "");
  if (row.asset_properties.input_data_type && row.asset_properties.input_data_type !== "structured") {
    throw new ValidationError(SUBJECT, [{ path: "subscription", message: `drift is measured on structured data only; this subscription's input is ${row.asset_properties.input_data_type}` }]);
  }
  const deployments = row.deployments.map((d) => d.deployment_id);
  const deployment_id = p.deployment_id ?? (deployments.length === 1 ? deployments[0]! : undefined);
  if (deployment_id === undefined || !deployments.includes(deployment_id)) {
    throw new ValidationError(SUBJECT, [{ path: "deployment_uid", message: `expected one of the subscription's deployments: ${deployments.join(", ")}` }]);
  }
  const regression = row.asset_properties.problem_type === "regression";
  const train = !regression && p.training_data !== undefined && p.train_drift_model !== false;
  if (p.feature_drift?.method === "auto" && p.feature_drift.threshold !== undefined) {
    throw new ValidationError(SUBJECT, [{ path: "feature_drift.threshold", message: "goes with a chosen method: 'auto' picks each feature's test and its threshold" }]);
  }
  return {
    train_drift_model: train,
    parameters: {
      drift_threshold: p.drift_threshold,
      min_samples: p.min_samples,
      deployment_id,
      data_drift_enabled: true,
      model_drift_enabled: false,
      feature_drift_enabled: true,
      feature_drift: { method: p.feature_drift?.method ?? "auto", ...(p.feature_drift?.threshold !== undefined ? { threshold: p.feature_drift.threshold } : {}) },
      config_status: { state: train ? "new" : "finished", model_name: null },
      is_schedule_enabled: true,
      schedule_repeat_interval: 3,
      schedule_repeat_type: "hour",
    },
  };
}
