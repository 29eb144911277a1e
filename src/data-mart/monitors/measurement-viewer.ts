/**
 * What the quality monitor and custom monitors show of their measurements, shared: v1's metrics table (one row per
 * metric of each measurement), its schema, a description per metric, the samples, and the metric-over-time chart.
 */
import { z } from "zod";
import { ValidationError } from "../../errors";
import { buildTable, type TimeSeriesChartInput } from "../../display/index";
import { DESCRIBE_STATISTICS, describeNumbers } from "../../metrics/index";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementHour, MeasurementSample } from "../../service/monitor-resources";
import { parseOrThrow } from "../../validation";
import type { Output } from "../output";
import type { TableContentFormat } from "../payload-logging";
import type { SubscriptionRef } from "../subscription-ref";
import { checkLimit } from "../table-options";

/** v1's columns (2.1.19+). */
export const MEASUREMENT_COLUMNS = ["ts", "id", "measurement_id", "value", "lower limit", "upper limit", "tags", "binding_id", "subscription_id", "deployment_id"];
const COLUMN_TYPES: Record<string, string> = { ts: "timestamp", value: "double", "lower limit": "double", "upper limit": "double" };

const time = z
  .union([z.string(), z.date()], { error: "expected an ISO 8601 time such as '2026-12-01T10:00:00Z', or a Date" })
  .refine((t) => !Number.isNaN((t instanceof Date ? t : new Date(t)).getTime()), "is not a time: use ISO 8601 or a valid Date")
  .transform((t) => (t instanceof Date ? t : new Date(t)).toISOString());

const metricsQuery = z.strictObject({
  deployment_uid: z.string().optional(),
  format: z.enum(["samples", "time_series"], { error: "expected 'samples' or 'time_series'" }).optional(),
  start_time: time.optional(),
  end_time: time.optional(),
  limit: z.number().int("expected a whole number").min(1, "expected 1 or more").optional(),
});

export type MeasurementQueryOptions = z.input<typeof metricsQuery>;

/** One table row per metric value, newest measurement first; tags as v1 shows them, `k: v, …`. */
export function measurementRows(samples: readonly MeasurementSample[]): Record<string, unknown>[] {
  return samples.flatMap((s) =>
    s.metrics.map((m) => ({
      ts: s.ts,
      id: m.id,
      measurement_id: s.measurement_id,
      value: m.value,
      "lower limit": m.lower_limit ?? null,
      "upper limit": m.upper_limit ?? null,
      tags: s.tags.map((t) => `${t.id}: ${t.value}`).join(", "),
      binding_id: s.binding_id,
      subscription_id: s.subscription_id,
      deployment_id: s.deployment_id,
    })),
  );
}

export class MeasurementViewer {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
    /** v1's table name: QualityMetrics, CustomMetrics. */
    private readonly tableName: string,
  ) {}

  /** Samples (default: one per measurement, newest first) or `time_series` (per hour and metric, aggregated in the database). */
  async metrics(monitor: string, options: MeasurementQueryOptions | undefined, subject: string, include_sources = false): Promise<MeasurementSample[] | MeasurementHour[]> {
    const o = parseOrThrow(metricsQuery, options ?? {}, `${subject} options`);
    const { metrics } = await this.service.getMetrics({
      monitor_definition_id: monitor,
      subscription_id: this.subscription.uid,
      format: o.format ?? "samples",
      ...(o.deployment_uid !== undefined ? { deployment_id: o.deployment_uid } : {}),
      ...(o.start_time !== undefined ? { start: o.start_time } : {}),
      ...(o.end_time !== undefined ? { end: o.end_time } : {}),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(include_sources ? { include_sources } : {}),
    });
    return metrics as MeasurementSample[] | MeasurementHour[];
  }

  private async samples(monitor: string, limit?: number): Promise<MeasurementSample[]> {
    const { metrics } = await this.service.getMetrics({ monitor_definition_id: monitor, subscription_id: this.subscription.uid, format: "samples", ...(limit ? { limit } : {}) });
    return metrics as MeasurementSample[];
  }

  /** The newest `limit` measurements (10 by default), one row per metric. */
  async showTable(monitor: string, limit: unknown, subject: string): Promise<void> {
    const count = checkLimit(limit, `${subject} options`) ?? 10;
    const samples = await this.samples(monitor, count + 1);
    const shown = samples.slice(0, count);
    const table = buildTable({ title: this.title(), columns: MEASUREMENT_COLUMNS, records: measurementRows(shown), sort_by: "none" });
    const note = samples.length > count ? `Note: the newest ${count} measurement${count === 1 ? " is" : "s are"} shown. To show more use the 'limit' parameter.` : undefined;
    this.output.table(note ? { ...table, note } : table);
  }

  /** The table's rows: objects (`"pandas"` is the same), or `{fields, values}` with `format: "python"`; the newest `limit` measurements (1000). */
  async tableContent(monitor: string, format: unknown, limit: unknown, subject: string): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const f = (format ?? "objects") as TableContentFormat;
    if (!["objects", "pandas", "python"].includes(f)) {
      throw new ValidationError(`${subject} options`, [{ path: "format", message: `Unsupported format chosen: '${String(f)}'. Use 'objects' (rows as objects; 'pandas' is the same) or 'python' ({fields, values})` }]);
    }
    const rows = measurementRows(await this.samples(monitor, checkLimit(limit, `${subject} options`) ?? 1000));
    if (f !== "python") return rows;
    return { fields: MEASUREMENT_COLUMNS, values: rows.map((r) => MEASUREMENT_COLUMNS.map((c) => r[c])) };
  }

  /** count, mean, std, min, quartiles, max of each metric over the measurements (pandas `describe()`). */
  async describeTable(monitor: string, limit: unknown, subject: string): Promise<void> {
    const samples = await this.samples(monitor, checkLimit(limit, `${subject} options`) ?? 1000);
    const ids = [...new Set(samples.flatMap((s) => s.metrics.map((m) => m.id)))];
    const stats = ids.map((id) => describeNumbers(samples.map((s) => s.metrics.find((m) => m.id === id)?.value)));
    const records = DESCRIBE_STATISTICS.map((name, i) => Object.fromEntries([["statistic", name], ...ids.map((id, j) => [id, stats[j]![i]])]));
    this.output.table(buildTable({ title: `Description of ${this.tableName}`, columns: ["statistic", ...ids], records }));
  }

  printTableSchema(): void {
    const records = MEASUREMENT_COLUMNS.map((name) => ({ name, type: COLUMN_TYPES[name] ?? "string", nullable: !["ts", "id", "measurement_id"].includes(name) }));
    this.output.table(buildTable({ title: `Schema of ${this.tableName}`, columns: ["name", "type", "nullable"], records }));
  }

  /** Each metric over time with its limits and violations (beyond v1, which left charts to its dashboard). */
  async showChart(monitor: string, options: { metrics?: string[]; limit?: number } | undefined, subject: string): Promise<void> {
    const o = parseOrThrow(z.strictObject({ metrics: z.array(z.string()).optional(), limit: z.number().int().min(1).optional() }), options ?? {}, `${subject} options`);
    const samples = (await this.samples(monitor, o.limit ?? 500)).reverse();
    const ids = [...new Set(samples.flatMap((s) => s.metrics.map((m) => m.id)))];
    const unknown = (o.metrics ?? []).filter((m) => !ids.includes(m));
    if (unknown.length && samples.length) {
      throw new ValidationError(`${subject} options`, [{ path: "metrics", message: `${unknown.map((m) => `'${m}'`).join(", ")} not measured; the metrics are ${ids.join(", ")}` }]);
    }
    const chosen = o.metrics ?? ids;
    const series = chosen.map((id) => {
      const latest = [...samples].reverse().find((s) => s.metrics.some((m) => m.id === id))?.metrics.find((m) => m.id === id);
      return {
        metric: id,
        points: samples.filter((s) => s.metrics.some((m) => m.id === id)).map((s) => ({ ts: s.ts, value: s.metrics.find((m) => m.id === id)!.value, violation: s.violations.includes(id) })),
        ...(latest?.lower_limit !== undefined ? { lower_limit: latest.lower_limit } : {}),
        ...(latest?.upper_limit !== undefined ? { upper_limit: latest.upper_limit } : {}),
      };
    });
    const chart: TimeSeriesChartInput = { kind: "time_series", title: this.title(), series };
    this.output.chart(chart);
  }

  title(): string {
    return `${this.tableName} (binding_id=${this.subscription.binding_uid}, subscription_id=${this.subscription.uid})`;
  }
}

