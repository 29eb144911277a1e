/**
 * Monitor definitions: the ones the data mart brings (v1 `monitors.list()` outputs) and the ones users add. A
 * definition names its metrics (with default limits) and tags; every measurement is checked against it.
 */
import { z } from "zod";
import { NotFoundError, StateError, ValidationError } from "../../errors";
import type { Queryable } from "../../store/store";
import { parseOrThrow } from "../../validation";
import type {
  MonitorDefinition,
  MonitorDefinitionCreateOutcome,
  MonitorDefinitionCreateRequest,
  MonitorMetricDefinition,
  MonitorTagDefinition,
} from "../monitor-resources";

/** v1's quality metric ids, in the order `monitors.list()` shows them. */
export const QUALITY_METRIC_IDS = [
  "area_under_roc", "area_under_pr", "explained_variance", "mean_absolute_error", "mean_squared_error", "r2",
  "root_mean_squared_error", "accuracy", "weighted_true_positive_rate", "true_positive_rate", "weighted_false_positive_rate",
  "false_positive_rate", "weighted_recall", "recall", "weighted_precision", "precision", "weighted_f_measure", "f1_measure", "log_loss",
] as const;

/** Metrics where smaller is better: their threshold is an upper limit. */
const DECREASING = new Set(["mean_absolute_error", "mean_squared_error", "root_mean_squared_error", "false_positive_rate", "weighted_false_positive_rate", "log_loss"]);

function builtinMetric(id: string, lower?: number): MonitorMetricDefinition {
  return {
    id,
    name: id,
    required: false,
    expected_direction: DECREASING.has(id) ? "decreasing" : "increasing",
    thresholds: lower === undefined ? [] : [{ type: "lower_limit", default: lower }],
  };
}

const CREATED = "2026-01-01T00:00:00.000Z";

function builtin(guid: string, name: string, description: string, metrics: MonitorMetricDefinition[], tags: MonitorTagDefinition[] = []): MonitorDefinition {
  return { metadata: { guid, url: "", created_at: CREATED }, entity: { name, description, metrics, tags, builtin: true } };
}

/** The built-in definitions: quality with its 19 metrics (default lower limit 0.8 on the thresholded ones), fairness, performance, drift. */
export const BUILTIN_DEFINITIONS: readonly MonitorDefinition[] = [
  builtin(
    "quality",
    "Accuracy Monitoring",
    "How often the model is right, from feedback rows re-scored by the deployment",
    QUALITY_METRIC_IDS.map((id) => builtinMetric(id, id === "area_under_roc" || id === "accuracy" || id === "r2" ? 0.8 : undefined)),
    [{ id: "model_type", name: "model_type", description: "original, or the debiased model", required: false }],
  ),
  builtin("fairness", "Fairness Monitoring", "Disparate impact of the model's outcomes between groups", [builtinMetric("fairness_value", 0.8)]),
  builtin("debiased_fairness", "Debiased Fairness", "Disparate impact of the debiased outcomes (each fairness run measures both)", [builtinMetric("fairness_value", 0.8)]),
  builtin("performance", "Performance Monitoring", "Scoring requests and records", [{ ...builtinMetric("record_count"), expected_direction: "increasing" }]),
  builtin("drift", "Drift Monitoring", "Drop in accuracy and change of the data since training", [
    { ...builtinMetric("drift_magnitude"), expected_direction: "decreasing" },
    builtinMetric("predicted_accuracy"),
    { ...builtinMetric("data_drift_magnitude"), expected_direction: "decreasing" },
  ]),
  builtin("feature_drift", "Feature Drift", "Each feature's distribution against the training data's, by a statistical test (beyond v1)", [
    { ...builtinMetric("drifted_features_share"), expected_direction: "decreasing" },
    { ...builtinMetric("drifted_features"), expected_direction: "decreasing" },
    { ...builtinMetric("output_drift"), expected_direction: "decreasing" },
  ]),
];

/** v1 derives ids from names: `model performance` → `model_performance`. */
export function idFromName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

const limitType = z.enum(["lower_limit", "upper_limit"], { error: "expected 'lower_limit' or 'upper_limit'" });
const finite = z.number({ error: "expected a number" }).refine(Number.isFinite, "expected a finite number");
const name = z
  .string({ error: "expected a name (text)" })
  .trim()
  .min(1, "expected a name, not empty")
  .max(100, "is too long: 100 characters at most")
  .refine((n) => !n.includes("\u0000"), "must not hold NUL characters")
  .refine((n) => idFromName(n) !== "", "needs at least one letter or digit (the id is made from it)");

export const createSchema = z.strictObject({
  name,
  description: z.string().max(1000).optional(),
  metrics: z
    .array(
      z.strictObject({
        name,
        required: z.boolean().optional(),
        expected_direction: z.enum(["increasing", "decreasing"]).optional(),
        thresholds: z.array(z.strictObject({ type: limitType, default: finite })).optional(),
      }),
      { error: "expected a list of Metric objects: [new Metric({ name: \"sensitivity\", lower_limit_default: 0.8 })]" },
    )
    .min(1, "a monitor needs at least one metric"),
  tags: z.array(z.strictObject({ name, description: z.string().max(1000).optional(), required: z.boolean().optional() })).optional(),
  parameters_schema: z.record(z.string(), z.unknown()).optional(),
});

interface DefinitionRow {
  guid: string;
  name: string;
  description: string | null;
  metrics: MonitorMetricDefinition[];
  tags: MonitorTagDefinition[];
  parameters_schema: Record<string, unknown> | null;
  created_at: Date | string;
}

export function definitionUrl(dataMartId: string, guid: string): string {
  return `/v1/data_marts/${dataMartId}/monitor_definitions/${guid}`;
}

function withUrl(definition: MonitorDefinition, dataMartId: string): MonitorDefinition {
  return { ...definition, metadata: { ...definition.metadata, url: definitionUrl(dataMartId, definition.metadata.guid) } };
}

function toDefinition(row: DefinitionRow, dataMartId: string): MonitorDefinition {
  return {
    metadata: { guid: row.guid, url: definitionUrl(dataMartId, row.guid), created_at: new Date(row.created_at).toISOString() },
    entity: {
      name: row.name,
      ...(row.description ? { description: row.description } : {}),
      metrics: row.metrics,
      tags: row.tags,
      ...(row.parameters_schema ? { parameters_schema: row.parameters_schema } : {}),
      builtin: false,
    },
  };
}

export async function listDefinitions(db: Queryable, dataMartId: string): Promise<MonitorDefinition[]> {
  const rows = await db.query<DefinitionRow>("SELECT * FROM monitor_definitions ORDER BY created_at, guid");
  return [...BUILTIN_DEFINITIONS.map((d) => withUrl(d, dataMartId)), ...rows.map((r) => toDefinition(r, dataMartId))];
}

/** The definition with this guid, or undefined. */
export async function findDefinition(db: Queryable, guid: string, dataMartId: string): Promise<MonitorDefinition | undefined> {
  const known = BUILTIN_DEFINITIONS.find((d) => d.metadata.guid === guid);
  if (known) return withUrl(known, dataMartId);
  const [row] = await db.query<DefinitionRow>("SELECT * FROM monitor_definitions WHERE guid = $1", [guid]);
  return row ? toDefinition(row, dataMartId) : undefined;
}

export async function requireDefinition(db: Queryable, guid: unknown, dataMartId: string): Promise<MonitorDefinition> {
  if (typeof guid !== "string" || guid.trim() === "") {
    throw new ValidationError("monitor uid", [{ path: "monitor_uid", message: "expected the uid of a monitor definition (see client.data_mart.monitors.list())" }]);
  }
  const found = await findDefinition(db, guid, dataMartId);
  if (!found) throw new NotFoundError("monitor definition", guid, "See the existing ones with `await client.data_mart.monitors.list()`.");
  return found;
}

export async function createDefinition(db: Queryable, request: MonitorDefinitionCreateRequest, dataMartId: string): Promise<MonitorDefinitionCreateOutcome> {
  const valid = parseOrThrow(createSchema, request, "monitor definition");
  const guid = idFromName(valid.name);
  const issues = [
    ...duplicates(valid.metrics.map((m) => idFromName(m.name))).map((id) => ({ path: "metrics", message: `two metrics have the id '${id}': give them distinct names` })),
    ...duplicates([...valid.metrics.map((m) => idFromName(m.name)), ...(valid.tags ?? []).map((t) => idFromName(t.name))])
      .filter((id) => valid.metrics.some((m) => idFromName(m.name) === id) && (valid.tags ?? []).some((t) => idFromName(t.name) === id))
      .map((id) => ({ path: "tags", message: `'${id}' is a metric and a tag: a tag needs a name of its own` })),
    ...duplicates((valid.tags ?? []).map((t) => idFromName(t.name))).map((id) => ({ path: "tags", message: `two tags have the id '${id}': give them distinct names` })),
    ...valid.metrics.flatMap((m, i) => limitIssues(m.thresholds ?? [], `metrics[${i}].thresholds`)),
  ];
  if (issues.length) throw new ValidationError("monitor definition", issues);
  const existing = await findDefinition(db, guid, dataMartId);
  if (existing) return { created: false, definition: existing };
  const metrics: MonitorMetricDefinition[] = valid.metrics.map((m) => ({
    id: idFromName(m.name),
    name: m.name,
    required: m.required ?? true,
    ...(m.expected_direction ? { expected_direction: m.expected_direction } : {}),
    thresholds: m.thresholds ?? [],
  }));
  const tags: MonitorTagDefinition[] = (valid.tags ?? []).map((t) => ({ id: idFromName(t.name), name: t.name, ...(t.description ? { description: t.description } : {}), required: t.required ?? true }));
  const [row] = await db.query<DefinitionRow>(
    `INSERT INTO monitor_definitions (guid, name, description, metrics, tags, parameters_schema) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (guid) DO NOTHING RETURNING *`,
    [guid, valid.name, valid.description ?? null, JSON.stringify(metrics), JSON.stringify(tags), valid.parameters_schema ? JSON.stringify(valid.parameters_schema) : null],
  );
  if (!row) return { created: false, definition: (await findDefinition(db, guid, dataMartId))! }; // added meanwhile by another client
  return { created: true, definition: toDefinition(row, dataMartId) };
}

/** Deletes a user's definition with its configurations and measurements; the built-in ones stay. */
export async function deleteDefinition(db: Queryable, guid: string, dataMartId: string): Promise<void> {
  const definition = await requireDefinition(db, guid, dataMartId);
  if (definition.entity.builtin) throw new StateError(`'${guid}' is a monitor the data mart brings: it cannot be deleted (disable it on a subscription instead).`);
  await db.query("DELETE FROM measurements WHERE monitor_definition_id = $1", [guid]);
  await db.query("DELETE FROM monitor_configurations WHERE monitor = $1", [guid]);
  await db.query("DELETE FROM monitor_definitions WHERE guid = $1", [guid]);
}

/** A lower limit above the upper one can never be met. */
export function limitIssues(limits: readonly { type: string; default?: number; value?: number }[], path: string): { path: string; message: string }[] {
  const value = (type: string) => limits.filter((l) => l.type === type).map((l) => l.default ?? l.value);
  const issues = [];
  if (value("lower_limit").length > 1 || value("upper_limit").length > 1) issues.push({ path, message: "give at most one lower and one upper limit" });
  const [lower] = value("lower_limit");
  const [upper] = value("upper_limit");
  if (lower !== undefined && upper !== undefined && lower > upper) issues.push({ path, message: `the lower limit (${lower}) is above the upper limit (${upper}): no value could meet both` });
  return issues;
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}
