/**
 * v1's `Feature`: a protected attribute of a fairness monitor, with its reference (majority) and monitored (minority)
 * groups as categories or inclusive numeric [lo, hi] ranges, and the lowest fair ratio. Checked when made, so a
 * bad one fails where it is written; the columns are checked against the subscription by `enable`.
 */
import { ValidationError } from "../../errors";
import { featureSchema, type FairnessFeature, type GroupValue } from "../../service/monitors/fairness-groups";
import { parseOrThrow } from "../../validation";

export interface FeatureOptions {
  /** The column. */
  name: string;
  /** Reference group: categories (`["male"]`) or ranges (`[[26, 75]]`). */
  majority: (string | number)[] | [number, number][];
  /** Monitored group, of the same kind; no value or range shared with `majority`. */
  minority: (string | number)[] | [number, number][];
  /** Fairness values below it are biased: a ratio in (0, 1], such as 0.95. */
  threshold: number;
}

export class Feature {
  readonly name: string;
  readonly majority: GroupValue[];
  readonly minority: GroupValue[];
  readonly threshold: number;

  constructor(options: FeatureOptions) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new ValidationError("Feature options", [{ path: "options", message: 'expected { name, majority, minority, threshold }, e.g. new Feature({ name: "Sex", majority: ["male"], minority: ["female"], threshold: 0.95 })' }]);
    }
    const { name, ...rest } = options;
    let parsed: FairnessFeature;
    try {
      parsed = parseOrThrow(featureSchema, { feature: name, ...rest }, "Feature options");
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError("Feature options", error.issues.map((i) => ({ ...i, path: i.path.replace(/^feature\b/, "name") })));
    }
    this.name = parsed.feature;
    this.majority = parsed.majority;
    this.minority = parsed.minority;
    this.threshold = parsed.threshold;
  }

  /** `{feature, majority, minority, threshold}`, as v1's `_to_json()`. */
  to_json(): FairnessFeature {
    return { feature: this.name, majority: this.majority, minority: this.minority, threshold: this.threshold };
  }
}
