/** Performance samples (one per scoring request) and their per-hour aggregates, read from `performance_metrics`. */
import type { Queryable } from "../store/store";
import type { DeploymentMetrics, PerformanceHour, PerformanceSample } from "./resources";
import { iso, type SubscriptionRow } from "./subscription-rows";

export interface PerformanceWindow {
  start?: string;
  end?: string;
  deployment_id?: string;
  limit?: number;
}

function windowSql(window: PerformanceWindow, params: unknown[]): string {
  const clauses = ["subscription_guid = $1"];
  if (window.start) clauses.push(`ts >= $${params.push(window.start)}::timestamptz`);
  if (window.end) clauses.push(`ts <= $${params.push(window.end)}::timestamptz`);
  if (window.deployment_id) clauses.push(`deployment_id = $${params.push(window.deployment_id)}`);
  return clauses.join(" AND ");
}

/** One sample per scoring request, newest first. */
export async function performanceSamples(db: Queryable, row: SubscriptionRow, window: PerformanceWindow = {}): Promise<PerformanceSample[]> {
  const params: unknown[] = [row.guid];
  const where = windowSql(window, params);
  const limit = window.limit === undefined ? "" : ` LIMIT ${Math.trunc(window.limit)}`;
  const rows = await db.query<{ ts: Date | string; scoring_id: string; deployment_id: string; response_time: number | null; records: number }>(
    `SELECT ts, scoring_id, deployment_id, response_time, records FROM performance_metrics WHERE ${where} ORDER BY ts DESC, scoring_id${limit}`,
    params,
  );
  return rows.map((r) => ({
    timestamp: iso(r.ts),
    scoring_id: r.scoring_id,
    binding_id: row.binding_guid,
    subscription_id: row.guid,
    deployment_id: r.deployment_id,
    value: { response_time: r.response_time === null ? null : Number(r.response_time), records: Number(r.records) },
  }));
}

/** Requests, records and response times (mean, 95th percentile, max) per hour and deployment, newest hour first. */
export async function performanceHours(db: Queryable, row: SubscriptionRow, window: PerformanceWindow = {}): Promise<PerformanceHour[]> {
  const params: unknown[] = [row.guid];
  const where = windowSql(window, params);
  const limit = window.limit === undefined ? "" : ` LIMIT ${Math.trunc(window.limit)}`;
  const rows = await db.query<{ hour: string; deployment_id: string; requests: number; records: number; mean: number | null; p95: number | null; max: number | null }>(
    `SELECT to_char(date_trunc('hour', ts AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00.000"Z"') AS hour, deployment_id, count(*)::int AS requests, sum(records)::bigint AS records,
            avg(response_time) AS mean, percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time) AS p95, max(response_time) AS max
     FROM performance_metrics WHERE ${where} GROUP BY 1, 2 ORDER BY 1 DESC, 2${limit}`,
    params,
  );
  return rows.map((r) => ({
    timestamp: String(r.hour),
    binding_id: row.binding_guid,
    subscription_id: row.guid,
    deployment_id: r.deployment_id,
    value: { requests: Number(r.requests), records: Number(r.records), response_time: num(r.mean), response_time_p95: num(r.p95), response_time_max: num(r.max) },
  }));
}

/** Latest performance figures of each deployment of the given subscriptions: the last sample, and the totals. */
export async function deploymentMetrics(db: Queryable, rows: readonly SubscriptionRow[]): Promise<DeploymentMetrics[]> {
  const out: DeploymentMetrics[] = [];
  for (const row of rows) {
    const figures = await db.query<{ deployment_id: string; last_ts: Date | string; requests: number; records: number; mean: number | null; last_time: number | null; last_records: number }>(
      `SELECT deployment_id, max(ts) AS last_ts, count(*)::int AS requests, sum(records)::bigint AS records, avg(response_time) AS mean,
              (array_agg(response_time ORDER BY ts DESC))[1] AS last_time, (array_agg(records ORDER BY ts DESC))[1] AS last_records
       FROM performance_metrics WHERE subscription_guid = $1 GROUP BY deployment_id`,
      [row.guid],
    );
    for (const deployment of row.deployments) {
      const f = figures.find((x) => x.deployment_id === deployment.deployment_id);
      out.push({
        binding_id: row.binding_guid,
        subscription_id: row.guid,
        asset: { asset_id: row.asset.asset_id, name: row.asset.name },
        deployment: { deployment_id: deployment.deployment_id, name: deployment.name },
        metrics: f
          ? [{
              metric_type: "performance",
              timestamp: iso(f.last_ts),
              value: { response_time: num(f.last_time), records: Number(f.last_records), total_requests: Number(f.requests), total_records: Number(f.records), average_response_time: num(f.mean) },
            }]
          : [],
      });
    }
  }
  return out;
}

function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
