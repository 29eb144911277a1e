/**
 * Payload analytics: counts and aggregates of the payload table grouped by columns, in one SQL query, so the
 * work runs where the data is. Requests are checked against the table's columns before anything runs.
 */
import { z } from "zod";
import { ValidationError, type ValidationIssue } from "../errors";
import { quoteName, type Queryable } from "../store/store";
import { toIssues } from "../validation";
import { fromDatabase } from "./payload-reader";
import type { PayloadField } from "./payload-schema";
import type { DataDistributionRequest } from "./resources";

export const AGGREGATIONS = ["count", "sum", "min", "max", "avg", "stddev"] as const;
type Aggregation = (typeof AGGREGATIONS)[number];
const OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "in"] as const;
type Operator = (typeof OPERATORS)[number];
const SQL_OPERATORS: Record<Exclude<Operator, "in">, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

export interface DistributionPlan {
  group: PayloadField[];
  aggs: { label: string; fn: Aggregation; column?: PayloadField }[];
  filters: { column: PayloadField; op: Operator; values: unknown[] }[];
  start: string;
  end: string;
  limit?: number;
  max_bins?: number;
}

/** The parts of a distribution request, shared with `data_distribution.run()`'s options (same names, same messages). */
export const distributionFields = {
  group: z
    .array(z.string({ error: "expected a column name as text" }).min(1, "is empty: give a column name"), {
      error: "expected a list of one or two column names, e.g. group: ['Scored Labels', 'Sex']",
    })
    .min(1, "is empty: give one or two column names to group by, e.g. ['Scored Labels', 'Sex']")
    .max(2, "holds more than two columns: group by one or two, e.g. ['Scored Labels', 'Sex']"),
  agg: z
    .array(z.string({ error: "expected an aggregation as text, e.g. 'count' or 'Age:avg'" }), {
      error: "expected a list of aggregations, e.g. agg: ['count', 'Age:avg'] (a single one is still a list: ['count'])",
    })
    .min(1, "is empty: leave agg out for ['count'], or list aggregations such as ['count', 'Age:avg']"),
  filter: z.string({ error: "expected the filter as text, e.g. 'Age:gt:30,Sex:in:[male,female]'" }),
  limit: z.number({ error: "expected a whole number of groups, 1 or more" }).int("expected a whole number of groups, 1 or more").min(1, "expected a whole number of groups, 1 or more"),
  max_bins: z.number({ error: "expected a whole number of bins, 1 or more" }).int("expected a whole number of bins, 1 or more").min(1, "expected a whole number of bins, 1 or more"),
};

const isoTime = z.string({ error: "expected an ISO 8601 time such as '2026-11-25T10:00:00Z'" }).refine((t) => !Number.isNaN(new Date(t).getTime()), "is not a time: use ISO 8601, such as '2026-11-25T10:00:00Z'");

export const distributionRequest = z.strictObject({
  dataset: z.enum(["payload", "feedback"], { error: "expected 'payload' or 'feedback': the table the distribution is computed on" }),
  start: isoTime,
  end: isoTime,
  ...distributionFields,
  agg: distributionFields.agg.optional(),
  filter: distributionFields.filter.optional(),
  limit: distributionFields.limit.optional(),
  max_bins: distributionFields.max_bins.optional(),
});

/** Parses with a zod schema, or throws a ValidationError whose paths index lists as `agg[0]`. */
export function parseDistribution<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = toIssues(result.error).map((issue, i) => {
    const zodIssue = result.error.issues[i]!;
    const missing = zodIssue.code === "invalid_type" && (zodIssue as { input?: unknown }).input === undefined;
    return { path: issue.path.replace(/\.(\d+)(?=\.|$)/g, "[$1]"), message: missing ? `is required: ${zodIssue.message}` : issue.message };
  });
  // One message per field: zod may add a length check's message to a value of the wrong type.
  throw new ValidationError(subject, issues.filter((issue, i) => issues.findIndex((other) => other.path === issue.path) === i));
}

const isNumeric = (f: PayloadField) => f.type === "double" || f.type === "integer";
const isGroupable = (f: PayloadField) => f.type !== "json" && f.type !== "array<double>";

/** Checks a request against the payload columns; every problem is named at once. */
export function planDistribution(schema: readonly PayloadField[], given: DataDistributionRequest): DistributionPlan {
  const request = parseDistribution(distributionRequest, given, "data distribution request");
  const issues: ValidationIssue[] = [];
  const byName = new Map(schema.map((f) => [f.name, f]));
  const known = schema.filter(isGroupable).map((f) => f.name).join(", ");
  const column = (name: string, path: string, need?: "numeric"): PayloadField | undefined => {
    const field = byName.get(name);
    if (!field || !isGroupable(field)) issues.push({ path, message: `'${name}' is not a column of the payload table; its columns: ${known}` });
    else if (need === "numeric" && !isNumeric(field)) issues.push({ path, message: `'${name}' holds ${field.type} values: sum, min, max, avg and stddev need a numeric column` });
    else return field;
    return undefined;
  };

  const group = request.group.flatMap((name, i) => column(name, `group[${i}]`) ?? []);

  const aggs: DistributionPlan["aggs"] = [];
  (request.agg ?? ["count"]).forEach((spec, i) => {
    const path = `agg[${i}]`;
    const [first, fn, ...rest] = spec.split(":");
    if (fn === undefined && first === "count") return void aggs.push({ label: "count", fn: "count" });
    if (fn === undefined || rest.length || !(AGGREGATIONS as readonly string[]).includes(fn)) {
      return void issues.push({ path, message: `'${spec}' is not an aggregation: use 'count' or '<column>:<${AGGREGATIONS.join("|")}>', e.g. 'Age:avg'` });
    }
    const field = column(first!, path, fn === "count" ? undefined : "numeric");
    if (field) aggs.push({ label: String(spec), fn: fn as Aggregation, column: field });
  });

  const filters: DistributionPlan["filters"] = [];
  if (request.filter !== undefined && request.filter !== "") {
    splitFilter(request.filter).forEach((clause, i) => {
      const path = `filter[${i}]`;
      const match = /^([^:]+):([a-z]+):(.*)$/.exec(clause);
      if (!match || !(OPERATORS as readonly string[]).includes(match[2]!)) {
        return void issues.push({ path, message: `'${clause}' is not a filter: use '<column>:<${OPERATORS.join("|")}>:<value>', e.g. 'Age:gt:30' or 'Sex:in:[male,female]'` });
      }
      const field = column(match[1]!, path);
      if (!field) return;
      const op = match[2] as Operator;
      const text = match[3]!.trim();
      const raw = op === "in" ? text.replace(/^\[|\]$/g, "").split(",").map((v) => v.trim()) : [text];
      if (op === "in" && raw.every((v) => v === "")) {
        return void issues.push({ path, message: `'${clause}' lists no values: give at least one, e.g. '${field.name}:in:[a,b]'` });
      }
      if (raw.some((v) => v === "")) {
        return void issues.push({ path, message: op === "in" ? `'${clause}' has an empty value in its list: remove the extra comma` : `'${clause}' has no value after '${op}:': give one, e.g. '${field.name}:${op}:${isNumeric(field) ? "30" : "value"}'` });
      }
      if (isNumeric(field)) {
        const numbers = raw.map(Number);
        const bad = raw.find((_, k) => !Number.isFinite(numbers[k]));
        if (bad !== undefined) return void issues.push({ path, message: `'${bad}' is not a number, and '${field.name}' is numeric` });
        filters.push({ column: field, op, values: numbers });
      } else if (field.type === "boolean") {
        const bad = raw.find((v) => v !== "true" && v !== "false");
        if (bad !== undefined) return void issues.push({ path, message: `'${bad}' is not true or false, and '${field.name}' holds true/false values` });
        filters.push({ column: field, op, values: raw.map((v) => v === "true") });
      } else filters.push({ column: field, op, values: raw });
    });
  }

  const start = new Date(request.start);
  const end = new Date(request.end);
  if (start > end) issues.push({ path: "start_date", message: "is after end_date: give the earlier time first" });
  if (issues.length) throw new ValidationError("data distribution request", issues);
  return {
    group,
    aggs,
    filters,
    start: start.toISOString(),
    end: end.toISOString(),
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.max_bins !== undefined ? { max_bins: request.max_bins } : {}),
  };
}

/** Commas split clauses, except inside `[...]` lists. */
function splitFilter(filter: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of filter) {
    if (c === "[") depth++;
    if (c === "]") depth = Math.max(0, depth - 1);
    if (c === "," && depth === 0) (clauses.push(current.trim()), (current = ""));
    else current += c;
  }
  if (current.trim()) clauses.push(current.trim());
  return clauses;
}

/** Runs the plan on a payload table: `{fields: [...group, ...aggs], values}` ordered by the group columns. */
export async function computeDistribution(db: Queryable, table: string, plan: DistributionPlan, timeColumn = "scoring_timestamp"): Promise<{ fields: string[]; values: unknown[][] }> {
  const params: unknown[] = [plan.start, plan.end];
  const where = [`${quoteName(timeColumn)} >= $1::timestamptz`, `${quoteName(timeColumn)} <= $2::timestamptz`];
  for (const f of plan.filters) {
    const c = quoteName(f.column.name);
    if (f.op === "in") where.push(`${c} = ANY($${params.push(f.values)})`);
    else where.push(`${c} ${SQL_OPERATORS[f.op]} $${params.push(f.values[0])}`);
  }
  const groupExpressions = await Promise.all(plan.group.map((g) => groupExpression(db, table, g, plan, where, params)));
  const aggExpressions = plan.aggs.map((a) => {
    if (!a.column) return "count(*)::bigint";
    const c = quoteName(a.column.name);
    return a.fn === "count" ? `count(${c})::bigint` : a.fn === "stddev" ? `stddev_samp(${c})` : `${a.fn}(${c})`;
  });
  const select = [...groupExpressions.map((e, i) => `${e} AS g${i}`), ...aggExpressions.map((e, i) => `${e} AS a${i}`)];
  const groupBy = plan.group.map((_, i) => `${i + 1}`).join(", ");
  // Bins sort by where they start, not by their "[lo, hi)" text.
  const order = plan.group.map((g, i) => (plan.max_bins && isNumeric(g) ? `min(${quoteName(g.name)})` : `${i + 1}`)).join(", ");
  const limit = plan.limit === undefined ? "" : ` LIMIT ${plan.limit}`;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${select.join(", ")} FROM ${quoteName(table)} WHERE ${where.join(" AND ")} GROUP BY ${groupBy} ORDER BY ${order}${limit}`,
    params,
  );
  return {
    fields: [...plan.group.map((g) => g.name), ...plan.aggs.map((a) => a.label)],
    values: rows.map((r) => [
      ...plan.group.map((g, i) => (plan.max_bins && isNumeric(g) ? r[`g${i}`] : fromDatabase(g, r[`g${i}`]))),
      ...plan.aggs.map((_, i) => (r[`a${i}`] === null ? null : Number(r[`a${i}`]))),
    ]),
  };
}

/** A group column as is, or, for a numeric column when max_bins is set, the label of its equal-width bin ("[20, 30)"). */
async function groupExpression(db: Queryable, table: string, field: PayloadField, plan: DistributionPlan, where: string[], params: unknown[]): Promise<string> {
  const c = quoteName(field.name);
  if (!plan.max_bins || !isNumeric(field)) return c;
  const [range] = await db.query<{ lo: number | null; hi: number | null }>(`SELECT min(${c}) AS lo, max(${c}) AS hi FROM ${quoteName(table)} WHERE ${where.join(" AND ")}`, params);
  const lo = Number(range?.lo ?? 0);
  const hi = Number(range?.hi ?? 0);
  const width = hi > lo ? niceWidth((hi - lo) / plan.max_bins) : 1;
  const base = Math.floor(lo / width) * width;
  const bin = `floor((${c} - ${base}) / ${width})`;
  return `CASE WHEN ${c} IS NULL THEN NULL ELSE '[' || (${base} + ${bin} * ${width})::text || ', ' || (${base} + (${bin} + 1) * ${width})::text || ')' END`;
}

/** A bin width of 1, 2 or 5 times a power of ten, at least `raw`. */
function niceWidth(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((w) => w >= raw) ?? 10 * power;
}
