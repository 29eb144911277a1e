import { ValidationError } from "../../errors";
import type { DataMartService } from "../../service/data-mart-service";
import type { MeasurementHour, MeasurementSample } from "../../service/monitor-resources";
import type { MonitorConfiguration } from "../../service/resources";
import type { Output } from "../output";
import type { SubscriptionRef } from "../subscription-ref";
import { checkKeys } from "../table-options";
import { MeasurementViewer, type MeasurementQueryOptions } from "./measurement-viewer";
import { MeasurementRecord, Threshold } from "./supporting-classes";

/** `subscription.monitoring`: custom monitors (defined with `client.data_mart.monitors.add`) on this subscription. */
export class CustomMonitoring {
  private readonly viewer: MeasurementViewer;

  constructor(
    private readonly service: DataMartService,
    output: Output,
    private readonly subscription: SubscriptionRef,
  ) {
    this.viewer = new MeasurementViewer(service, output, subscription, "CustomMetrics");
  }

  /**
   * Turns a custom monitor on for this subscription, with limits that replace the definition's defaults and
   * parameter values from the definition's parameters_schema:
   * `enable({ monitor_uid, thresholds: [new Threshold({ metric_uid: "sensitivity", lower_limit: 0.9 })] })`.
   */
  async enable(options: { monitor_uid: string; thresholds?: Threshold[]; [parameter: string]: unknown }): Promise<MonitorConfiguration> {
    const { monitor_uid, thresholds, ...parameters } = requireMonitor(options, "monitoring.enable()");
    if (thresholds !== undefined && (!Array.isArray(thresholds) || thresholds.some((t) => !(t instanceof Threshold)))) {
      throw new ValidationError("monitoring.enable() options", [{ path: "thresholds", message: "expected a list of Threshold objects: [new Threshold({ metric_uid: \"sensitivity\", lower_limit: 0.9 })]" }]);
    }
    return this.service.setMonitorConfiguration(this.subscription.uid, monitor_uid, {
      enabled: true,
      parameters,
      thresholds: ((thresholds ?? []) as Threshold[]).flatMap((t) => t.to_json()),
    });
  }

  /** `{enabled, monitor_definition_id, parameters, thresholds, monitor_definition}`. */
  async get_details(options: { monitor_uid: string }): Promise<MonitorConfiguration & { monitor_definition: unknown }> {
    const { monitor_uid } = requireMonitor(options, "monitoring.get_details()", []);
    const [configuration, monitor_definition] = await Promise.all([
      this.service.getMonitorConfiguration(this.subscription.uid, monitor_uid),
      this.service.getMonitorDefinition(monitor_uid),
    ]);
    return { ...configuration, monitor_definition };
  }

  async disable(options: { monitor_uid: string }): Promise<void> {
    const { monitor_uid } = requireMonitor(options, "monitoring.disable()", []);
    const current = await this.service.getMonitorConfiguration(this.subscription.uid, monitor_uid);
    if (!current.enabled) throw new ValidationError("monitoring.disable()", [{ path: "monitor_uid", message: `monitor '${monitor_uid}' is not enabled: nothing to disable` }]);
    await this.service.setMonitorConfiguration(this.subscription.uid, monitor_uid, { enabled: false, parameters: current.parameters, thresholds: current.thresholds ?? [] });
  }

  /**
   * Stores one measurement from metric and tag values (and optionally `timestamp`):
   * `store_metrics({ monitor_uid, metrics: { sensitivity: 0.67, region: "us-south" } })`. Returns what was stored.
   */
  async store_metrics(options: { monitor_uid: string; metrics: Record<string, unknown>; deployment_uid?: string }): Promise<MeasurementSample[]> {
    const { monitor_uid, metrics, deployment_uid } = requireMonitor(options, "monitoring.store_metrics()", ["metrics", "deployment_uid"]);
    if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) {
      throw new ValidationError("monitoring.store_metrics() options", [{ path: "metrics", message: "expected an object of metric and tag values, e.g. { sensitivity: 0.67, region: \"us-south\" }" }]);
    }
    const { timestamp, ...values } = metrics as Record<string, unknown>;
    const record = new MeasurementRecord({ metrics: values, ...(timestamp !== undefined ? { timestamp: timestamp as string } : {}) });
    return this.storeRecords(monitor_uid, [record], deployment_uid as string | undefined);
  }

  /** Stores several MeasurementRecord objects in one transaction: all, or none. */
  async store_measurements(options: { monitor_uid: string; measurements: MeasurementRecord[]; deployment_uid?: string }): Promise<MeasurementSample[]> {
    const { monitor_uid, measurements, deployment_uid } = requireMonitor(options, "monitoring.store_measurements()", ["measurements", "deployment_uid"]);
    if (!Array.isArray(measurements) || measurements.length === 0 || measurements.some((m) => !(m instanceof MeasurementRecord))) {
      throw new ValidationError("monitoring.store_measurements() options", [{ path: "measurements", message: "expected a list of MeasurementRecord objects: [new MeasurementRecord({ metrics: { sensitivity: 0.67 } })]" }]);
    }
    return this.storeRecords(monitor_uid, measurements as MeasurementRecord[], deployment_uid as string | undefined);
  }

  private async storeRecords(monitor_uid: string, records: MeasurementRecord[], deployment_uid: string | undefined): Promise<MeasurementSample[]> {
    const { measurements } = await this.service.storeMeasurements(
      records.map((r) => ({
        monitor_definition_id: monitor_uid,
        subscription_id: this.subscription.uid,
        binding_id: this.subscription.binding_uid,
        ...(deployment_uid !== undefined ? { deployment_id: deployment_uid } : {}),
        metrics: [r.metrics],
        ...(r.sources ? { sources: r.sources } : {}),
        ...(r.timestamp ? { timestamp: r.timestamp } : {}),
      })),
    );
    return measurements;
  }

  /** The monitor's measurements: samples (newest first) or `time_series` per hour. */
  async get_metrics(options: { monitor_uid: string } & MeasurementQueryOptions & { format: "time_series" }): Promise<MeasurementHour[]>;
  async get_metrics(options: { monitor_uid: string } & MeasurementQueryOptions & { format?: "samples" }): Promise<MeasurementSample[]>;
  async get_metrics(options: { monitor_uid: string } & MeasurementQueryOptions): Promise<MeasurementSample[] | MeasurementHour[]> {
    const { monitor_uid, ...query } = requireMonitor(options, "monitoring.get_metrics()", ["deployment_uid", "format", "start_time", "end_time", "limit"]);
    return this.viewer.metrics(monitor_uid, query as MeasurementQueryOptions, "monitoring.get_metrics()");
  }

  /** One measurement, with its sources. */
  async get_measurements(options: { monitor_uid: string; measurement_uid: string }): Promise<MeasurementSample> {
    const { monitor_uid, measurement_uid } = requireMonitor(options, "monitoring.get_measurements()", ["measurement_uid"]);
    return this.service.getMeasurement(String(measurement_uid), monitor_uid);
  }

  /** Shows the newest measurements (10 unless `limit` says otherwise), one row per metric: v1's CustomMetrics table. */
  async show_table(options: { monitor_uid: string; limit?: number }): Promise<void> {
    const { monitor_uid, limit } = requireMonitor(options, "monitoring.show_table()", ["limit"]);
    await this.service.getMonitorDefinition(monitor_uid);
    await this.viewer.showTable(monitor_uid, limit, "monitoring.show_table()");
  }

  async get_table_content(options: { monitor_uid: string; format: "python"; limit?: number }): Promise<{ fields: string[]; values: unknown[][] }>;
  async get_table_content(options: { monitor_uid: string; format?: "objects" | "pandas"; limit?: number }): Promise<Record<string, unknown>[]>;
  async get_table_content(options: { monitor_uid: string; format?: "objects" | "pandas" | "python"; limit?: number }): Promise<Record<string, unknown>[] | { fields: string[]; values: unknown[][] }> {
    const { monitor_uid, format, limit } = requireMonitor(options, "monitoring.get_table_content()", ["format", "limit"]);
    await this.service.getMonitorDefinition(monitor_uid);
    return this.viewer.tableContent(monitor_uid, format, limit, "monitoring.get_table_content()");
  }

  async describe_table(options: { monitor_uid: string; limit?: number }): Promise<void> {
    const { monitor_uid, limit } = requireMonitor(options, "monitoring.describe_table()", ["limit"]);
    await this.service.getMonitorDefinition(monitor_uid);
    await this.viewer.describeTable(monitor_uid, limit, "monitoring.describe_table()");
  }

  print_table_schema(): void {
    this.viewer.printTableSchema();
  }

  /** Each metric of the monitor over time, with its limits and violations marked (beyond v1). */
  async show_chart(options: { monitor_uid: string; metrics?: string[]; limit?: number }): Promise<void> {
    const { monitor_uid, ...rest } = requireMonitor(options, "monitoring.show_chart()", ["metrics", "limit"]);
    await this.service.getMonitorDefinition(monitor_uid);
    await this.viewer.showChart(monitor_uid, rest as { metrics?: string[]; limit?: number }, "monitoring.show_chart()");
  }
}

/** The options with their `monitor_uid` checked; `allowed` lists the other keys (undefined: any, as enable's parameters). */
function requireMonitor(options: unknown, subject: string, allowed?: string[]): Record<string, unknown> & { monitor_uid: string } {
  // enable() takes the monitor's parameters beside monitor_uid, so its keys are checked by the service instead.
  const o = checkKeys(options, allowed ? ["monitor_uid", ...allowed] : Object.keys(options ?? {}), `${subject} options`);
  if (typeof o.monitor_uid !== "string" || o.monitor_uid.trim() === "") {
    throw new ValidationError(`${subject} options`, [{ path: "monitor_uid", message: "expected the monitor's uid, e.g. my_monitor.metadata.guid (see client.data_mart.monitors.list())" }]);
  }
  return o as Record<string, unknown> & { monitor_uid: string };
}
