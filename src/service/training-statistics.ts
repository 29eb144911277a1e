/**
 * The training data's figures, computed once from the rows a monitor is enabled with and kept with the subscription
 * (v1's `TrainingStats`, which its SDK computed client-side): every feature's summary, the label's, and the data
 * constraints. Drift and explainability read them on every run, so no run needs the training rows again; a monitor
 * enabled later without rows uses the ones kept.
 */
import { z } from "zod";
import { StateError, ValidationError } from "../errors";
import { summarizeCategorical, summarizeNumeric, type ColumnSummary } from "../metrics/column-summary";
import { learnConstraints, type DataConstraint } from "../metrics/data-constraints";
import { limeTrainingSummary, type LimeTrainingSummary } from "../metrics/lime/index";
import type { Queryable } from "../store/store";
import { trainingColumns, type TrainingRows } from "./training-rows";
import type { SubscriptionRow } from "./subscription-rows";

export const TRAINING_STATISTICS_VERSION = 1;

export interface TrainingStatistics {
  version: number;
  rows: number;
  label_column: string;
  problem_type: string;
  /** Per feature column, in the subscription's order. */
  features: Record<string, ColumnSummary>;
  label: ColumnSummary;
  constraints: DataConstraint[];
  /** What LIME samples from (lime's quartile discretiser: per bin mean, std, min, max; category frequencies), over the rows with every feature. */
  lime: LimeTrainingSummary | null;
  computed_at: string;
}

const numeric = z.strictObject({
  kind: z.literal("numeric"),
  count: z.number().int().min(0),
  missing: z.number().int().min(0),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  integral: z.boolean(),
  discrete: z.boolean(),
  edges: z.array(z.number()),
  counts: z.array(z.number().int().min(0)),
  sums: z.array(z.number()),
  quartiles: z.tuple([z.number().nullable(), z.number().nullable(), z.number().nullable()]),
});
const categorical = z.strictObject({
  kind: z.literal("categorical"),
  count: z.number().int().min(0),
  missing: z.number().int().min(0),
  categories: z.array(z.strictObject({ value: z.string(), count: z.number().int().min(1) })),
});
const summary = z.discriminatedUnion("kind", [numeric, categorical]);

/** training_data_statistics as given back by a monitor's get_details() (or computed by another data mart). */
export const trainingStatisticsSchema = z.strictObject(
  {
    version: z.literal(TRAINING_STATISTICS_VERSION),
    rows: z.number().int().min(1),
    label_column: z.string(),
    problem_type: z.string(),
    features: z.record(z.string(), summary),
    label: summary,
    constraints: z.array(z.record(z.string(), z.unknown())),
    lime: z.record(z.string(), z.unknown()).nullable(),
    computed_at: z.string(),
  },
  { error: "expected training statistics as a monitor's get_details().parameters.training_statistics holds them" },
);

/** The figures of `rows` (features and label of the subscription), or a ValidationError naming what is missing. */
export function computeTrainingStatistics(row: SubscriptionRow, rows: TrainingRows, subject: string): TrainingStatistics {
  const p = row.asset_properties;
  const features = p.feature_fields ?? [];
  const label = p.label_column;
  if (!label) throw new ValidationError(subject, [{ path: "training_data", message: "the subscription has no label_column: add one to the asset to give training data" }]);
  const table = trainingColumns(rows, [...features, label], subject);
  const categoricalFields = new Set(p.categorical_fields ?? []);
  const summaries: Record<string, ColumnSummary> = {};
  const columns = features.map((name) => {
    const values = table.column(name);
    const kind = categoricalFields.has(name) ? ("categorical" as const) : ("numeric" as const);
    if (kind === "numeric") {
      const bad = values.findIndex((v) => v !== null && v !== undefined && v !== "" && !(typeof v === "number" || (typeof v === "string" && Number.isFinite(Number(v)))));
      if (bad >= 0) throw new ValidationError(subject, [{ path: `training_data[${bad}].${name}`, message: `is ${JSON.stringify(values[bad])}: '${name}' is a numeric feature (not in categorical_columns), so its values must be numbers` }]);
    }
    summaries[name] = kind === "numeric" ? summarizeNumeric(values) : summarizeCategorical(values);
    return { name, kind, values };
  });
  const labels = table.column(label);
  const missingLabel = labels.findIndex((l) => l === null || l === undefined || l === "");
  if (missingLabel >= 0) throw new ValidationError(subject, [{ path: `training_data[${missingLabel}].${label}`, message: "is missing: every training row needs its label" }]);
  const problem_type = p.problem_type ?? "binary";
  return {
    version: TRAINING_STATISTICS_VERSION,
    rows: table.count,
    label_column: label,
    problem_type,
    features: summaries,
    label: problem_type === "regression" ? summarizeNumeric(labels) : summarizeCategorical(labels.map(String)),
    constraints: learnConstraints(columns),
    lime: limeSummaryOf(columns),
    computed_at: new Date().toISOString(),
  };
}

/** LIME's summary over the training rows that have every feature (lime itself takes no missing values); null if none do. */
function limeSummaryOf(columns: readonly { name: string; kind: "numeric" | "categorical"; values: unknown[] }[]): LimeTrainingSummary | null {
  if (columns.length === 0) return null;
  const missing = (v: unknown) => v === null || v === undefined || v === "" || (typeof v === "number" && !Number.isFinite(v));
  const complete = columns[0]!.values.map((_, r) => r).filter((r) => columns.every((c) => !missing(c.values[r])));
  if (complete.length === 0) return null;
  return limeTrainingSummary(
    columns.map((c) => ({
      name: c.name,
      categorical: c.kind === "categorical",
      values: c.kind === "categorical" ? complete.map((r) => String(c.values[r])) : Float64Array.from(complete, (r) => Number(c.values[r])),
    })),
  );
}

/** Given statistics, checked against the subscription's features. */
export function checkTrainingStatistics(row: SubscriptionRow, statistics: unknown, subject: string, path = "training_data_statistics"): TrainingStatistics {
  const parsed = trainingStatisticsSchema.safeParse(statistics);
  if (!parsed.success) {
    throw new ValidationError(subject, parsed.error.issues.slice(0, 5).map((i) => ({ path: [path, ...i.path.map(String)].join("."), message: i.message })));
  }
  const missing = (row.asset_properties.feature_fields ?? []).filter((f) => !(f in parsed.data.features));
  if (missing.length) throw new ValidationError(subject, [{ path: `${path}.features`, message: `lacks the feature(s) ${missing.join(", ")}: compute the statistics from rows with every feature of the subscription` }]);
  return parsed.data as unknown as TrainingStatistics;
}

export async function storeTrainingStatistics(db: Queryable, subscription_guid: string, statistics: TrainingStatistics): Promise<void> {
  await db.query(
    `INSERT INTO training_statistics (subscription_guid, statistics, computed_at) VALUES ($1, $2, $3)
     ON CONFLICT (subscription_guid) DO UPDATE SET statistics = EXCLUDED.statistics, computed_at = EXCLUDED.computed_at`,
    [subscription_guid, JSON.stringify(statistics), statistics.computed_at],
  );
}

export async function readTrainingStatistics(db: Queryable, subscription_guid: string): Promise<TrainingStatistics | undefined> {
  const [found] = await db.query<{ statistics: TrainingStatistics }>("SELECT statistics FROM training_statistics WHERE subscription_guid = $1", [subscription_guid]);
  return found?.statistics;
}

/**
 * The statistics a monitor's enable() runs on: computed from `training_data`, checked from `training_data_statistics`,
 * or the ones kept from an earlier enable. Neither given nor kept: a StateError saying what to give.
 */
export async function trainingStatisticsFor(db: Queryable, row: SubscriptionRow, parameters: { training_data?: unknown; training_data_statistics?: unknown }, subject: string): Promise<{ statistics: TrainingStatistics; fresh: boolean }> {
  if (parameters.training_data !== undefined) return { statistics: computeTrainingStatistics(row, parameters.training_data as TrainingRows, subject), fresh: true };
  if (parameters.training_data_statistics !== undefined) return { statistics: checkTrainingStatistics(row, parameters.training_data_statistics, subject), fresh: true };
  const kept = await readTrainingStatistics(db, row.guid);
  if (kept) return { statistics: kept, fresh: false };
  if (row.asset_properties.training_data_reference) {
    throw new StateError(
      `${subject}: the subscription's training_data_reference points at data this data mart cannot read (no cloud storage here); ` +
        "give the rows as training_data (they are summarised and not kept) or training_data_statistics.",
    );
  }
  throw new ValidationError(subject, [{ path: "training_data", message: "is missing: give the training rows (training_data), figures computed before (training_data_statistics), or subscribe with a training_data_reference" }]);
}
