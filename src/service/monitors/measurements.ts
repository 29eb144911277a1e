/**
 * The measurement store every monitor writes to and the metrics query that serves them all: samples, per-hour time
 * series (aggregated in SQL) and each deployment's latest measurement per monitor.
 */
import { randomUUID } from "node:crypto";
import type { Queryable } from "../../store/store";
import type { MeasurementHour, MeasurementMetricValue, MeasurementSample, MeasurementSource, MetricThreshold, MonitorDefinition } from "../monitor-resources";
import type { SubscriptionRow } from "../subscription-rows";

/** The limits in force for each metric: the subscription's thresholds over the definition's defaults. */
export type MetricLimits = Map<string, { lower_limit?: number; upper_limit?: number }>;

export function resolveLimits(definition: MonitorDefinition, thresholds: readonly MetricThreshold[] = []): MetricLimits {
  const limits: MetricLimits = new Map();
  for (const metric of definition.entity.metrics) {
    const entry: { lower_limit?: number; upper_limit?: number } = {};
    for (const t of metric.thresholds) entry[t.type] = t.default;
    for (const t of thresholds) if (t.metric_id === metric.id) entry[t.type] = t.value;
    if (entry.lower_limit !== undefined || entry.upper_limit !== undefined) limits.set(metric.id, entry);
  }
  return limits;
}

export function breaks(value: number | null, limit: { lower_limit?: number; upper_limit?: number } | undefined): boolean {
  if (value === null || !limit) return false;
  return (limit.lower_limit !== undefined && value < limit.lower_limit) || (limit.upper_limit !== undefined && value > limit.upper_limit);
}

export interface NewMeasurement {
  monitor_definition_id: string;
  subscription: SubscriptionRow;
  deployment_id: string;
  timestamp?: string;
  run_id?: string;
  process?: string;
  /** Metric values in the order they are shown. */
  values: { id: string; value: number | null }[];
  tags: { id: string; value: string }[];
  sources?: MeasurementSource[];
  limits: MetricLimits;
}

/** Writes one measurement and its values (inside the caller's transaction) and returns it as a sample. */
export async function writeMeasurement(tx: Queryable, m: NewMeasurement): Promise<MeasurementSample> {
  const id = randomUUID();
  const ts = m.timestamp ?? new Date().toISOString();
  await tx.query(
    `INSERT INTO measurements (id, monitor_definition_id, subscription_guid, binding_guid, asset_id, deployment_id, ts, run_id, process, tags, sources)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8, $9, $10, $11)`,
    [id, m.monitor_definition_id, m.subscription.guid, m.subscription.binding_guid, m.subscription.asset.asset_id, m.deployment_id, ts, m.run_id ?? null, m.process ?? null, JSON.stringify(m.tags), JSON.stringify(m.sources ?? [])],
  );
  const metrics = m.values.map((v) => ({ ...v, ...m.limits.get(v.id) }));
  if (metrics.length) {
    const params: unknown[] = [id];
    const rows = metrics.map((v, i) => {
      const at = params.push(i, v.id, v.value, v.lower_limit ?? null, v.upper_limit ?? null, breaks(v.value, v));
      return `($1, $${at - 5}, $${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}, $${at})`;
    });
    await tx.query(`INSERT INTO measurement_values (measurement_id, position, metric_id, value, lower_limit, upper_limit, violated) VALUES ${rows.join(", ")}`, params);
  }
  // What was written, as readSamples would read it back (no second round trip).
  return {
    measurement_id: id,
    monitor_definition_id: m.monitor_definition_id,
    ts: new Date(ts).toISOString(),
    binding_id: m.subscription.binding_guid,
    subscription_id: m.subscription.guid,
    asset_id: m.subscription.asset.asset_id,
    deployment_id: m.deployment_id,
    ...(m.run_id ? { run_id: m.run_id } : {}),
    ...(m.process ? { process: m.process } : {}),
    metrics: metrics.map((v) => ({ id: v.id, value: v.value, ...(v.lower_limit !== undefined ? { lower_limit: v.lower_limit } : {}), ...(v.upper_limit !== undefined ? { upper_limit: v.upper_limit } : {}) })),
    tags: m.tags,
    violations: metrics.filter((v) => breaks(v.value, v)).map((v) => v.id),
    sources: m.sources ?? [],
  };
}

export interface MeasurementQuery {
  monitor_definition_id?: string;
  measurement_id?: string;
  subscription_ids?: readonly string[];
  binding_id?: string;
  deployment_id?: string;
  start?: string;
  end?: string;
  limit?: number;
  with_sources?: boolean;
}

interface SampleRow {
  id: string;
  monitor_definition_id: string;
  ts: Date | string;
  binding_guid: string;
  subscription_guid: string;
  asset_id: string;
  deployment_id: string;
  run_id: string | null;
  process: string | null;
  tags: { id: string; value: string }[];
  sources: MeasurementSource[];
  metric_values: { id: string; value: number | null; lower_limit: number | null; upper_limit: number | null; violated: boolean }[] | null;
}

function whereSql(q: MeasurementQuery, params: unknown[], alias = "m"): string {
  const clauses: string[] = [];
  if (q.measurement_id !== undefined) clauses.push(`${alias}.id = $${params.push(q.measurement_id)}`);
  if (q.monitor_definition_id !== undefined) clauses.push(`${alias}.monitor_definition_id = $${params.push(q.monitor_definition_id)}`);
  if (q.subscription_ids !== undefined) clauses.push(`${alias}.subscription_guid = ANY($${params.push(q.subscription_ids)}::text[])`);
  if (q.binding_id !== undefined) clauses.push(`${alias}.binding_guid = $${params.push(q.binding_id)}`);
  if (q.deployment_id !== undefined) clauses.push(`${alias}.deployment_id = $${params.push(q.deployment_id)}`);
  if (q.start !== undefined) clauses.push(`${alias}.ts >= $${params.push(q.start)}::timestamptz`);
  if (q.end !== undefined) clauses.push(`${alias}.ts <= $${params.push(q.end)}::timestamptz`);
  return clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
}

const VALUES_JSON = `(SELECT json_agg(json_build_object('id', v.metric_id, 'value', v.value, 'lower_limit', v.lower_limit, 'upper_limit', v.upper_limit, 'violated', v.violated) ORDER BY v.position)
   FROM measurement_values v WHERE v.measurement_id = m.id) AS metric_values`;

/** Measurements with their values, newest first. */
export async function readSamples(db: Queryable, q: MeasurementQuery): Promise<MeasurementSample[]> {
  const params: unknown[] = [];
  const where = whereSql(q, params);
  const limit = q.limit === undefined ? "" : ` LIMIT ${Math.trunc(q.limit)}`;
  const rows = await db.query<SampleRow>(`SELECT m.*, ${VALUES_JSON} FROM measurements m ${where} ORDER BY m.ts DESC, m.id${limit}`, params);
  return rows.map((r) => toSample(r, q.with_sources === true));
}

function toSample(r: SampleRow, withSources: boolean): MeasurementSample {
  const values = r.metric_values ?? [];
  return {
    measurement_id: r.id,
    monitor_definition_id: r.monitor_definition_id,
    ts: new Date(r.ts).toISOString(),
    binding_id: r.binding_guid,
    subscription_id: r.subscription_guid,
    asset_id: r.asset_id,
    deployment_id: r.deployment_id,
    ...(r.run_id ? { run_id: r.run_id } : {}),
    ...(r.process ? { process: r.process } : {}),
    metrics: values.map((v): MeasurementMetricValue => ({
      id: v.id,
      value: v.value === null ? null : Number(v.value),
      ...(v.lower_limit !== null ? { lower_limit: Number(v.lower_limit) } : {}),
      ...(v.upper_limit !== null ? { upper_limit: Number(v.upper_limit) } : {}),
    })),
    tags: r.tags,
    violations: values.filter((v) => v.violated).map((v) => v.id),
    ...(withSources ? { sources: r.sources } : {}),
  };
}

/** Per hour, deployment and metric: mean, min, max, count and violations, computed in SQL; newest hour first. */
export async function readHours(db: Queryable, q: MeasurementQuery): Promise<MeasurementHour[]> {
  const params: unknown[] = [];
  const where = whereSql(q, params);
  const rows = await db.query<{
    hour: string; monitor_definition_id: string; subscription_guid: string; binding_guid: string; deployment_id: string; metric_id: string;
    position: number; mean: number | null; min: number | null; max: number | null; count: number; measurements: number;
    lower_limit: number | null; upper_limit: number | null; violations: number;
  }>(
    `SELECT to_char(date_trunc('hour', m.ts AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00.000"Z"') AS hour, m.monitor_definition_id, m.subscription_guid,
            m.binding_guid, m.deployment_id, v.metric_id, min(v.position) AS position, avg(v.value) AS mean, min(v.value) AS min, max(v.value) AS max,
            count(v.value)::int AS count, count(*)::int AS measurements,
            (array_agg(v.lower_limit ORDER BY m.ts DESC))[1] AS lower_limit, (array_agg(v.upper_limit ORDER BY m.ts DESC))[1] AS upper_limit,
            sum(CASE WHEN v.violated THEN 1 ELSE 0 END)::int AS violations
     FROM measurements m JOIN measurement_values v ON v.measurement_id = m.id ${where}
     GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1 DESC, 3, 5, 7`,
    params,
  );
  const hours: MeasurementHour[] = [];
  for (const r of rows) {
    let hour = hours.at(-1);
    if (!hour || hour.ts !== r.hour || hour.subscription_id !== r.subscription_guid || hour.deployment_id !== r.deployment_id || hour.monitor_definition_id !== r.monitor_definition_id) {
      if (q.limit !== undefined && hours.length >= q.limit) break;
      hour = { ts: r.hour, monitor_definition_id: r.monitor_definition_id, binding_id: r.binding_guid, subscription_id: r.subscription_guid, deployment_id: r.deployment_id, measurements: 0, metrics: [] };
      hours.push(hour);
    }
    hour.measurements = Math.max(hour.measurements, Number(r.measurements));
    hour.metrics.push({
      id: r.metric_id,
      value: num(r.mean),
      min: num(r.min),
      max: num(r.max),
      count: Number(r.count),
      ...(r.lower_limit !== null ? { lower_limit: Number(r.lower_limit) } : {}),
      ...(r.upper_limit !== null ? { upper_limit: Number(r.upper_limit) } : {}),
      violations: Number(r.violations),
    });
  }
  return hours;
}

/** The newest measurement of every monitor for each deployment of the given subscriptions. */
export async function latestMeasurements(db: Queryable, subscriptionIds: readonly string[]): Promise<MeasurementSample[]> {
  if (subscriptionIds.length === 0) return [];
  const rows = await db.query<SampleRow>(
    `SELECT * FROM (SELECT DISTINCT ON (subscription_guid, deployment_id, monitor_definition_id) * FROM measurements
                    WHERE subscription_guid = ANY($1::text[]) ORDER BY subscription_guid, deployment_id, monitor_definition_id, ts DESC, id) m,
            LATERAL (SELECT ${VALUES_JSON}) x
     ORDER BY m.monitor_definition_id`,
    [subscriptionIds],
  );
  return rows.map((r) => toSample(r, false));
}

function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
