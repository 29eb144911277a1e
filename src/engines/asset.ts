import { inspect } from "node:util";
import { z } from "zod";
import { enumValues, InputDataType, ProblemType } from "../enums";
import { ValidationError } from "../errors";
import { parseOrThrow } from "../validation";
import type { ServiceType } from "./service-types";

/** The v1 `KnownServiceAsset` parameters, as one options object. Only `source_uid` is required. */
export interface AssetOptions {
  /** The asset's id on the engine, as `bindings.list_assets()` shows it in `source_uid`. */
  source_uid: string;
  /** The binding the asset comes through; found by searching the bindings of this engine type when left out. */
  binding_uid?: string;
  problem_type?: ProblemType;
  input_data_type?: InputDataType;
  /** Where the training data lives (v1: a `StorageReference` or a dict); kept as given. */
  training_data_reference?: Record<string, unknown>;
  /** The column holding the true label in training and feedback data. */
  label_column?: string;
  /** The scoring output column holding the prediction. */
  prediction_column?: string;
  /** The scoring output column holding the probability (a number, or a vector of class probabilities). */
  probability_column?: string;
  transaction_id_column?: string;
  class_probability_columns?: string[];
  /**
   * The model's class labels, in the order of its class indices and probability vectors (beyond v1). Needed where an
   * engine answers with a class index (SageMaker's `predicted_label`), so payloads hold labels; a single score is read as
   * the probability of the last label.
   */
  class_labels?: string[];
  /** The model's input columns, in the order the model takes them. */
  feature_columns?: string[];
  /** The feature columns holding categories (text); the others are numbers. */
  categorical_columns?: string[];
}

const column = (what: string) => z.string({ error: `expected the ${what} column name as a string` }).min(1, `must not be empty: give the ${what} column name`);
const columnList = (what: string) =>
  z
    .array(z.string({ error: "expected a column name (string)" }).min(1, "a column name must not be empty"), { error: `expected a list of ${what} column names` })
    .refine((names) => new Set(names).size === names.length, { message: `lists a column twice: name each ${what} column once` });

const assetOptionsSchema = z
  .strictObject({
    source_uid: z.string({ error: "expected the asset's id on the engine (see `bindings.list_assets()`, column source_uid)" }).min(1, "must not be empty: give the asset's id on the engine (see `bindings.list_assets()`)"),
    binding_uid: z.string({ error: "expected a binding uid string (see `bindings.list()`)" }).min(1).optional(),
    problem_type: z.enum(enumValues(ProblemType), { error: `expected one of ${Object.values(ProblemType).map((v) => `'${v}'`).join(", ")} (use ProblemType.*)` }).optional(),
    input_data_type: z.enum(enumValues(InputDataType), { error: `expected one of ${Object.values(InputDataType).map((v) => `'${v}'`).join(", ")} (use InputDataType.*)` }).optional(),
    training_data_reference: z.record(z.string(), z.unknown(), { error: "expected an object describing where the training data lives" }).optional(),
    label_column: column("label").optional(),
    prediction_column: column("prediction").optional(),
    probability_column: column("probability").optional(),
    transaction_id_column: column("transaction id").optional(),
    class_probability_columns: columnList("class probability").optional(),
    class_labels: z
      .array(z.string({ error: "expected a class label (string)" }).min(1, "a class label must not be empty"), { error: "expected a list of class labels, e.g. [\"No Risk\", \"Risk\"]" })
      .min(2, "a classifier has at least two class labels")
      .refine((labels) => new Set(labels).size === labels.length, { message: "lists a label twice: name each class once" })
      .optional(),
    feature_columns: columnList("feature").optional(),
    categorical_columns: columnList("categorical").optional(),
  })
  .superRefine((o, ctx) => {
    const features = new Set(o.feature_columns ?? []);
    if (o.feature_columns) {
      for (const name of o.categorical_columns ?? []) {
        if (!features.has(name)) ctx.addIssue({ code: "custom", path: ["categorical_columns"], message: `'${name}' is not in feature_columns: a categorical column must also be a feature column` });
      }
    }
    for (const key of ["label_column", "prediction_column", "probability_column"] as const) {
      const name = o[key];
      if (name !== undefined && features.has(name)) ctx.addIssue({ code: "custom", path: [key], message: `'${name}' is also a feature column: a model's ${key.replace("_column", "")} cannot be one of its inputs` });
    }
    if (o.prediction_column !== undefined && o.prediction_column === o.probability_column) {
      ctx.addIssue({ code: "custom", path: ["probability_column"], message: "is the same column as prediction_column: give the column holding the probability" });
    }
  });

/**
 * A model served by an engine, to subscribe to: what it predicts and which columns mean what.
 * The options are checked when the object is built, so a typo fails at once.
 */
export abstract class MachineLearningAsset {
  readonly service_type: ServiceType;
  readonly source_uid: string;
  readonly binding_uid?: string;
  readonly problem_type?: ProblemType;
  readonly input_data_type?: InputDataType;
  readonly training_data_reference?: Record<string, unknown>;
  readonly label_column?: string;
  readonly prediction_column?: string;
  readonly probability_column?: string;
  readonly transaction_id_column?: string;
  readonly class_probability_columns?: string[];
  readonly class_labels?: string[];
  readonly feature_columns?: string[];
  readonly categorical_columns?: string[];

  protected constructor(className: string, serviceType: ServiceType, sourceUidOrOptions: string | AssetOptions, options?: Omit<AssetOptions, "source_uid">) {
    let given: unknown = sourceUidOrOptions;
    if (typeof sourceUidOrOptions === "string") given = { ...(options ?? {}), source_uid: sourceUidOrOptions };
    if (given === null || typeof given !== "object" || Array.isArray(given)) {
      throw new ValidationError(`${className} options`, [
        { path: "options", message: `expected an options object such as new ${className}({ source_uid, binding_uid, problem_type, ... })` },
      ]);
    }
    const o = parseOrThrow(assetOptionsSchema, given, `${className} options`);
    this.service_type = serviceType;
    this.source_uid = o.source_uid;
    for (const [key, value] of Object.entries(o)) if (value !== undefined) (this as Record<string, unknown>)[key] = value;
  }

  /** The options as given (validated), without the service type. */
  toOptions(): AssetOptions {
    const { service_type: _, ...options } = this as unknown as AssetOptions & { service_type: string };
    return { ...options };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toOptions(), { depth: 3 })}`;
  }
}
