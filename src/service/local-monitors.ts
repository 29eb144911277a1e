/**
 * The monitor half of the local data mart service: monitor definitions, monitor configurations beyond payload
 * logging and performance, measurements and the metrics query over them, and quality evaluations.
 */
import type { FieldsValues } from "../engines/adapter";
import { NotFoundError, StateError, ValidationError } from "../errors";
import type { Store } from "../store/store";
import { checkCustomConfiguration, configurationOf, planCustomMeasurements } from "./monitors/custom";
import { createDefinition, deleteDefinition, listDefinitions, requireDefinition } from "./monitors/definitions";
import { latestMeasurements, readHours, readSamples, writeMeasurement, type NewMeasurement } from "./monitors/measurements";
import { checkQualityConfiguration, evaluateQuality, THRESHOLD_METRIC, type QualityParameters } from "./monitors/quality";
import { MonitorRuns } from "./monitors/runs";
import type {
  MeasurementCreateRequest,
  MeasurementHour,
  MeasurementSample,
  MetricThreshold,
  MonitorDefinition,
  MonitorDefinitionCreateOutcome,
  MonitorDefinitionCreateRequest,
  MonitorRun,
} from "./monitor-resources";
import { LocalDrift } from "./local-drift";
import { LocalExplainability } from "./local-explainability";
import { LocalFairness } from "./local-fairness";
import type { DeploymentMetrics, MetricsQuery, ScoringPayloadOutcome, ScoringPayloadRecord } from "./resources";
import { DEFINITION_IDS, MONITORS, setConfiguration, type SubscriptionRow } from "./subscription-rows";

export interface MonitorContext {
  store(): Promise<Store>;
  dataMartId(): string;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
  score(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;
  storePayloads(records: ScoringPayloadRecord[]): Promise<ScoringPayloadOutcome>;
}

const MODEL_TYPES = ["original", "all", "recommended"];

export class LocalMonitors {
  private readonly runs = new MonitorRuns();
  /** Fairness configurations, runs and debiased scoring. */
  readonly fairness: LocalFairness;
  /** Drift configurations (with their training statistics) and runs. */
  readonly drift: LocalDrift;
  /** Explainability configurations and explanation tasks. */
  readonly explainability: LocalExplainability;

  constructor(private readonly context: MonitorContext) {
    this.fairness = new LocalFairness(context, this.runs);
    this.drift = new LocalDrift(context, this.runs);
    this.explainability = new LocalExplainability(context);
  }

  // ---- definitions -------------------------------------------------------------------------------------------

  async listDefinitions(): Promise<{ monitor_definitions: MonitorDefinition[] }> {
    return { monitor_definitions: await listDefinitions(await this.context.store(), this.context.dataMartId()) };
  }

  async getDefinition(guid: string): Promise<MonitorDefinition> {
    return requireDefinition(await this.context.store(), guid, this.context.dataMartId());
  }

  async createDefinition(request: MonitorDefinitionCreateRequest): Promise<MonitorDefinitionCreateOutcome> {
    const store = await this.context.store();
    return store.transaction((tx) => createDefinition(tx, request, this.context.dataMartId()));
  }

  async deleteDefinition(guid: string): Promise<void> {
    const store = await this.context.store();
    await store.transaction((tx) => deleteDefinition(tx, guid, this.context.dataMartId()));
  }

  // ---- configurations ----------------------------------------------------------------------------------------

  /** Whether `monitor` is configured here rather than by the subscriptions (payload logging, performance). */
  handles(monitor: string): boolean {
    return monitor !== "payload_logging" && monitor !== "performance_monitoring";
  }

  /** The checked parameters and thresholds of a quality or custom monitor's configuration, stored. */
  async setConfiguration(subscription_uid: string, monitor: string, configuration: { enabled: boolean; parameters?: Record<string, unknown>; thresholds?: MetricThreshold[] }): Promise<void> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const store = await this.context.store();
    const enabled = configuration?.enabled === true;
    if (monitor === "fairness_monitoring") return this.fairness.configure(subscription_uid, enabled, configuration.parameters ?? {});
    if (monitor === "drift_monitoring") return this.drift.configure(subscription_uid, enabled, configuration.parameters ?? {});
    if (monitor === "explainability") return this.explainability.configure(subscription_uid, enabled, configuration.parameters ?? {});
    if (monitor === "quality_monitoring") {
      const parameters = checkQualityConfiguration(row, enabled, configuration.parameters ?? {});
      await setConfiguration(store, row.guid, monitor, enabled, parameters);
      return;
    }
    const definition = await this.customDefinition(monitor);
    const checked = checkCustomConfiguration(definition, configuration ?? {});
    await setConfiguration(store, row.guid, definition.metadata.guid, enabled, checked.parameters, checked.thresholds);
  }

  /** Throws unless `monitor` names a custom monitor definition (the built-in ones have monitors of their own). */
  async requireCustom(monitor: string): Promise<void> {
    await this.customDefinition(monitor);
  }

  private async customDefinition(monitor: string): Promise<MonitorDefinition> {
    const definition = await requireDefinition(await this.context.store(), monitor, this.context.dataMartId());
    if (definition.entity.builtin) {
      const own = MONITORS.find((m) => DEFINITION_IDS[m] === monitor);
      throw new ValidationError("monitor configuration", [
        { path: "monitor_uid", message: `'${monitor}' is a built-in monitor: configure it through ${own ? `subscription.${own}` : "its own monitor (coming with the next issues)"}, not subscription.monitoring` },
      ]);
    }
    return definition;
  }

  // ---- measurements ------------------------------------------------------------------------------------------

  /** POST /v1/data_marts/{dm}/measurements: all records checked, then stored in one transaction, or none. */
  async storeMeasurements(records: MeasurementCreateRequest[]): Promise<{ measurements: MeasurementSample[] }> {
    if (!Array.isArray(records) || records.length === 0) {
      throw new ValidationError("measurements", [{ path: "measurements", message: "expected a list of one or more measurement records" }]);
    }
    const store = await this.context.store();
    const dataMartId = this.context.dataMartId();
    const planned: NewMeasurement[] = [];
    for (const [i, record] of records.entries()) {
      const path = records.length === 1 ? "measurement" : `measurements[${i}]`;
      if (record === null || typeof record !== "object") throw new ValidationError("measurements", [{ path, message: "expected a measurement record" }]);
      const definition = await requireDefinition(store, record.monitor_definition_id, dataMartId);
      if (definition.entity.builtin) {
        throw new ValidationError("measurements", [{ path: `${path}.monitor_definition_id`, message: `'${definition.metadata.guid}' measurements are written by its monitor's runs, not stored by hand` }]);
      }
      const row = await this.context.subscriptionRow(record.subscription_id);
      planned.push(...planCustomMeasurements(definition, row, await configurationOf(store, row.guid, definition.metadata.guid), record, path));
    }
    const measurements = await store.transaction(async (tx) => {
      const out: MeasurementSample[] = [];
      for (const m of planned) out.push(await writeMeasurement(tx, m));
      return out;
    });
    return { measurements };
  }

  /** GET /v1/data_marts/{dm}/measurements/{id}[?monitor_definition_id=…]: with its sources (a confusion matrix…). */
  async getMeasurement(measurement_id: string, monitor_definition_id?: string): Promise<MeasurementSample> {
    if (typeof measurement_id !== "string" || measurement_id.trim() === "") {
      throw new ValidationError("measurement id", [{ path: "measurement_id", message: "expected a measurement id (see get_metrics() or show_table())" }]);
    }
    const [found] = await readSamples(await this.context.store(), { measurement_id, with_sources: true, ...(monitor_definition_id ? { monitor_definition_id } : {}) });
    if (!found) throw new NotFoundError("measurement", measurement_id, "Measurement ids are in get_metrics() and show_table().");
    return found;
  }

  /** GET /v1/data_marts/{dm}/metrics?monitor_definition_id=…: samples, or per-hour series aggregated in SQL. */
  async metrics(query: MetricsQuery): Promise<{ metrics: (MeasurementSample | MeasurementHour)[] }> {
    const store = await this.context.store();
    await requireDefinition(store, query.monitor_definition_id, this.context.dataMartId());
    const format = query.format ?? "samples";
    if (format !== "samples" && format !== "time_series") throw new ValidationError("metrics query", [{ path: "format", message: "expected 'samples' or 'time_series'" }]);
    if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1)) throw new ValidationError("metrics query", [{ path: "limit", message: "expected a whole number, 1 or more" }]);
    for (const key of ["start", "end"] as const) {
      if (query[key] !== undefined && Number.isNaN(Date.parse(query[key]!))) throw new ValidationError("metrics query", [{ path: key, message: "expected an ISO 8601 date and time" }]);
    }
    const subscription_ids = query.subscription_id !== undefined ? [(await this.context.subscriptionRow(query.subscription_id)).guid] : undefined;
    const q = {
      monitor_definition_id: query.monitor_definition_id!,
      ...(subscription_ids ? { subscription_ids } : {}),
      ...(query.binding_id !== undefined ? { binding_id: query.binding_id } : {}),
      ...(query.deployment_id !== undefined ? { deployment_id: query.deployment_id } : {}),
      ...(query.start !== undefined ? { start: query.start } : {}),
      ...(query.end !== undefined ? { end: query.end } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.include_sources ? { with_sources: true } : {}),
    };
    return { metrics: format === "samples" ? await readSamples(store, q) : await readHours(store, q) };
  }

  /** Each deployment's latest measurement of every monitor, as `deployment_metrics` entries, with its limits. */
  async deploymentEntries(subscription_ids: readonly string[]): Promise<Map<string, DeploymentMetrics["metrics"]>> {
    const latest = await latestMeasurements(await this.context.store(), [...new Set(subscription_ids)]);
    const out = new Map<string, DeploymentMetrics["metrics"]>();
    for (const m of latest) {
      const key = `${m.subscription_id}/${m.deployment_id}`;
      const thresholded = m.monitor_definition_id === "quality" ? m.metrics.find((v) => v.lower_limit !== undefined) : undefined;
      out.set(key, [
        ...(out.get(key) ?? []),
        {
          metric_type: m.monitor_definition_id,
          timestamp: m.ts,
          value: {
            measurement_id: m.measurement_id,
            metrics: m.metrics,
            violations: m.violations,
            ...(thresholded ? { quality: thresholded.value, threshold: thresholded.lower_limit, metric_id: thresholded.id } : {}),
            ...(m.tags.length ? { tags: m.tags } : {}),
          },
        },
      ]);
    }
    return out;
  }

  // ---- quality evaluations -----------------------------------------------------------------------------------

  /** POST …/subscriptions/{s}/evaluations?model_type=…: checked now, computed in the background; poll the run. */
  async createEvaluation(subscription_uid: string, options: { model_type?: string } = {}): Promise<MonitorRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    const model_type = options?.model_type ?? "original";
    if (!MODEL_TYPES.includes(model_type)) throw new ValidationError("quality_monitoring.run() options", [{ path: "model_type", message: `expected one of ${MODEL_TYPES.join(", ")}` }]);
    if (model_type !== "original") throw new ValidationError("quality_monitoring.run() options", [{ path: "model_type", message: "only 'original' models are evaluated: this data mart does not debias models" }]);
    const store = await this.context.store();
    const configuration = await configurationOf(store, row.guid, "quality_monitoring");
    if (!configuration?.enabled) {
      throw new StateError(`Quality monitoring is not enabled for subscription '${row.guid}': enable it first with \`await subscription.quality_monitoring.enable({ threshold: 0.7, min_records: 50 })\`.`);
    }
    const parameters = configuration.parameters as unknown as QualityParameters;
    return this.runs.start(store, row, "quality", { model_type, threshold_metric: THRESHOLD_METRIC[parameters.evaluation_definition.method], ...configuration.parameters }, () =>
      evaluateQuality({ db: store, row, parameters, model_type, score: (deployment_id, payload) => this.context.score(row.binding_guid, deployment_id, payload) }),
    );
  }

  /** GET …/evaluations/{id} */
  async getEvaluation(subscription_uid: string, run_id: string): Promise<MonitorRun> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return this.runs.get(await this.context.store(), row, "quality", run_id);
  }

  /** GET …/evaluations: newest first. */
  async listEvaluations(subscription_uid: string): Promise<{ evaluations: MonitorRun[] }> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return { evaluations: await this.runs.list(await this.context.store(), row, "quality") };
  }

  async settle(): Promise<void> {
    await this.runs.settle();
    await this.explainability.settle();
    await this.drift.settle();
  }
}
