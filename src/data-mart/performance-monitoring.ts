import { ValidationError } from "../errors";
import { buildTable } from "../display/index";
import type { DataMartService } from "../service/data-mart-service";
import type { MonitorConfiguration, PerformanceHour, PerformanceSample } from "../service/resources";
import type { Output } from "./output";
import type { SubscriptionRef } from "./subscription-ref";
import { checkKeys, checkLimit } from "./table-options";

const SAMPLE_COLUMNS = ["ts", "scoring_time", "scoring_records", "binding_id", "subscription_id", "deployment_id", "process", "asset_revision"];
const HOUR_COLUMNS = ["hour", "requests", "records", "avg_response_time", "p95_response_time", "max_response_time", "deployment_id"];

/** Per request (default), or per hour. */
export type PerformanceInterval = "request" | "hour";

/** `subscription.performance_monitoring`: records and response time of every scoring request, and per-hour figures. */
export class PerformanceMonitoring {
  constructor(
    private readonly service: DataMartService,
    private readonly output: Output,
    private readonly subscription: SubscriptionRef,
  ) {}

  /** Turns performance monitoring on (`subscriptions.add` does this already), with optional thresholds. */
  async enable(options: { apt_threshold?: number; rpm_threshold?: number } = {}): Promise<void> {
    const o = checkKeys(options, ["apt_threshold", "rpm_threshold"], "performance_monitoring.enable() options");
    for (const key of ["apt_threshold", "rpm_threshold"]) {
      if (o[key] !== undefined && (typeof o[key] !== "number" || !Number.isFinite(o[key]) || (o[key] as number) < 0)) {
        throw new ValidationError("performance_monitoring.enable() options", [{ path: key, message: "expected a number, 0 or more" }]);
      }
    }
    const metrics = [
      ...(o.apt_threshold !== undefined ? [{ name: "average_processing_time", threshold: o.apt_threshold }] : []),
      ...(o.rpm_threshold !== undefined ? [{ name: "records_per_minute", threshold: o.rpm_threshold }] : []),
    ];
    await this.service.setMonitorConfiguration(this.subscription.uid, "performance_monitoring", { enabled: true, parameters: metrics.length ? { metrics } : {} });
  }

  async disable(): Promise<void> {
    await this.service.setMonitorConfiguration(this.subscription.uid, "performance_monitoring", { enabled: false });
  }

  async get_details(): Promise<MonitorConfiguration> {
    return this.service.getMonitorConfiguration(this.subscription.uid, "performance_monitoring");
  }

  /** v1 `get_metrics`: samples (one per scoring request) or `time_series` (per hour), newest first. */
  async get_metrics(options: { deployment_uid?: string; format?: "samples" | "time_series"; start_time?: string; end_time?: string } = {}): Promise<{ metrics: (PerformanceSample | PerformanceHour)[] }> {
    const o = checkKeys(options, ["deployment_uid", "format", "start_time", "end_time"], "performance_monitoring.get_metrics() options");
    return (await this.service.getMetrics({
      metric_type: "performance",
      subscription_id: this.subscription.uid,
      ...(o.format !== undefined ? { format: o.format as "samples" | "time_series" } : {}),
      ...(o.deployment_uid !== undefined ? { deployment_id: String(o.deployment_uid) } : {}),
      ...(o.start_time !== undefined ? { start: String(o.start_time) } : {}),
      ...(o.end_time !== undefined ? { end: String(o.end_time) } : {}),
    })) as { metrics: (PerformanceSample | PerformanceHour)[] };
  }

  /** Shows the newest scoring requests (`interval: "hour"`: the newest hours), 10 unless `limit` says otherwise. */
  async show_table(options: { limit?: number; interval?: PerformanceInterval } = {}): Promise<void> {
    const o = checkKeys(options, ["limit", "interval"], "performance_monitoring.show_table() options");
    const limit = checkLimit(o.limit, "performance_monitoring.show_table() options") ?? 10;
    const hourly = this.interval(o.interval) === "hour";
    const records = hourly ? await this.hours(limit + 1) : await this.samples(limit + 1);
    const title = `PerformanceMetrics${hourly ? " per hour" : ""} (binding_id=${this.subscription.binding_uid}, subscription_id=${this.subscription.uid})`;
    this.output.table(buildTable({ title, columns: hourly ? HOUR_COLUMNS : SAMPLE_COLUMNS, records, limit, sort_by: hourly ? "hour" : "ts" }));
  }

  /** The table's rows as objects, newest first (1000 at most unless `limit` says otherwise). */
  async get_table_content(options: { limit?: number; interval?: PerformanceInterval } = {}): Promise<Record<string, unknown>[]> {
    const o = checkKeys(options, ["limit", "interval", "format"], "performance_monitoring.get_table_content() options");
    const limit = checkLimit(o.limit, "performance_monitoring.get_table_content() options") ?? 1000;
    return this.interval(o.interval) === "hour" ? this.hours(limit) : this.samples(limit);
  }

  /** Shows the columns of the table `show_table` draws. */
  async print_table_schema(): Promise<void> {
    const types: Record<string, string> = { ts: "timestamp", scoring_time: "double", scoring_records: "integer", process: "string", asset_revision: "string" };
    const records = SAMPLE_COLUMNS.map((name) => ({ name, type: types[name] ?? "string", nullable: name !== "ts" && name !== "scoring_records" }));
    this.output.table(buildTable({ title: "Schema of PerformanceMetrics", columns: ["name", "type", "nullable"], records }));
  }

  private interval(value: unknown): PerformanceInterval {
    if (value === undefined) return "request";
    if (value !== "request" && value !== "hour") {
      throw new ValidationError("performance_monitoring options", [{ path: "interval", message: "expected 'request' (one row per scoring request) or 'hour'" }]);
    }
    return value;
  }

  private async samples(limit: number): Promise<Record<string, unknown>[]> {
    const { metrics } = await this.service.getMetrics({ metric_type: "performance", format: "samples", subscription_id: this.subscription.uid, limit });
    return (metrics as PerformanceSample[]).map((m) => ({
      ts: m.timestamp,
      scoring_time: m.value.response_time,
      scoring_records: m.value.records,
      binding_id: m.binding_id,
      subscription_id: m.subscription_id,
      deployment_id: m.deployment_id,
      process: null,
      asset_revision: null,
    }));
  }

  private async hours(limit: number): Promise<Record<string, unknown>[]> {
    const { metrics } = await this.service.getMetrics({ metric_type: "performance", format: "time_series", subscription_id: this.subscription.uid, limit });
    return (metrics as PerformanceHour[]).map((m) => ({
      hour: m.timestamp,
      requests: m.value.requests,
      records: m.value.records,
      avg_response_time: m.value.response_time,
      p95_response_time: m.value.response_time_p95,
      max_response_time: m.value.response_time_max,
      deployment_id: m.deployment_id,
    }));
  }
}
