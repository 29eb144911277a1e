import { inspect } from "node:util";
import { randomUUID } from "node:crypto";
import type { AdapterOptions, FieldsValues } from "../engines/adapter";
import { StateError } from "../errors";
import type { SecretBox } from "../store/secret-box";
import type { DataMartLocation, DataMartPointer } from "../store/data-mart-location";
import { dropAll, holdSchemaChangeLock } from "../store/migrations";
import { openStore } from "../store/open-store";
import type { Store } from "../store/store";
import { describeChoice, detailsOf, sameDatabase, toDatabaseChoice } from "./data-mart-details";
import { LocalMonitors } from "./local-monitors";
import { LocalFeedback } from "./local-feedback";
import type { FeedbackPayloadOutcome, FeedbackPayloadRequest } from "./feedback-writer";
import type {
  MeasurementCreateRequest,
  MeasurementHour,
  MeasurementSample,
  MetricThreshold,
  MonitorDefinition,
  MonitorDefinitionCreateOutcome,
  MonitorDefinitionCreateRequest,
  MonitorRun,
  ExplanationTask,
  ExplanationTaskRequest,
  FairnessRun,
  DebiasedScoringOutcome,
} from "./monitor-resources";
import { iso, sealClearBindings } from "./binding-credentials";
import { LocalBindings } from "./local-bindings";
import type { DataMartService } from "./data-mart-service";
import type {
  DataMartDetails,
  DataMartSetupOutcome,
  DataMartSetupRequest,
  MlInstanceDeployments,
  ServiceBinding,
  ServiceBindingCreateOutcome,
  ServiceBindingCreateRequest,
} from "./resources";
import { validateSetupRequest } from "./validate-requests";
import { LocalSubscriptions } from "./local-subscriptions";
import type {
  DataDistributionRequest,
  DataDistributionRun,
  DeploymentMetrics,
  MetricsQuery,
  MonitorConfiguration,
  MonitorName,
  PayloadDescription,
  PayloadTableSchema,
  PerformanceHour,
  PerformanceSample,
  ScoringPayloadOutcome,
  ScoringPayloadRecord,
  ScoringTransactions,
  Subscription,
  SubscriptionConfiguration,
  SubscriptionCreateOutcome,
  SubscriptionCreateRequest,
  SubscriptionPatchOperation,
} from "./resources";

export { DEFAULT_SCHEMA } from "./data-mart-details";

export interface LocalDataMartServiceOptions {
  location: DataMartLocation;
  engine?: AdapterOptions;
  /** The data mart's key for engine secrets at rest, asked for on first use (see ../store/secret-box.ts). */
  secrets: () => SecretBox;
  /** The id a new data mart gets (a server names its data marts); a random uuid by default. */
  dataMartId?: string;
}

const NOT_SET_UP =
  "The data mart is not set up yet: call `await client.data_mart.setup()` (embedded database) or " +
  "`await client.data_mart.setup({ db_credentials, schema })` (PostgreSQL) first.";

/**
 * The data mart service run in-process, on the store the data mart's pointer names. The pointer (which may hold
 * database credentials), the store and the engine adapters are true private fields: printing the client at any
 * depth shows none of them.
 */
export class LocalDataMartService implements DataMartService {
  #opened: Promise<{ store: Store; pointer: DataMartPointer }> | undefined;
  readonly #bindings: LocalBindings;
  readonly #subscriptions: LocalSubscriptions;
  readonly #monitors: LocalMonitors;
  readonly #feedback: LocalFeedback;
  readonly #options: LocalDataMartServiceOptions;

  constructor(options: LocalDataMartServiceOptions) {
    this.#options = options;
    this.#bindings = new LocalBindings({
      store: async () => (await this.open()).store,
      dataMartId: () => this.pointerId(),
      secrets: options.secrets,
      engine: options.engine,
      dropTablesOf: (binding_uid) => this.#subscriptions.dropPayloadTablesOf(binding_uid),
    });
    this.#subscriptions = new LocalSubscriptions({
      store: async () => (await this.open()).store,
      dataMartId: () => this.pointerId(),
      requireBinding: async (uid) => void (await this.#bindings.row(uid)),
      requireFeedback: async (row) => {
        if ((await this.#feedback.count(row)) === 0) throw new StateError(`Subscription '${row.guid}' has no feedback yet: store some with subscription.feedback_logging.store().`);
      },
    });
    this.#feedback = new LocalFeedback({ store: async () => (await this.open()).store, subscriptionRow: (uid) => this.#subscriptions.row(uid) });
    this.#monitors = new LocalMonitors({
      store: async () => (await this.open()).store,
      dataMartId: () => this.pointerId(),
      subscriptionRow: (uid) => this.#subscriptions.row(uid),
      score: (binding_uid, deployment_id, payload) => this.scoreDeployment(binding_uid, deployment_id, payload),
      storePayloads: (records) => this.#subscriptions.storePayloads(records),
    });
  }

  // ---- data mart -------------------------------------------------------------------------------------------

  async setupDataMart(request: DataMartSetupRequest): Promise<DataMartSetupOutcome> {
    validateSetupRequest(request);
    const database = toDatabaseChoice(request);
    const existing = this.#options.location.read();
    if (existing) {
      if (!sameDatabase(existing.database, database)) {
        throw new StateError(
          `This data mart is already set up on ${describeChoice(existing.database)}. ` +
            "Call `await client.data_mart.delete()` first to set it up elsewhere, or open another folder with `new APIClient({ data_dir })`.",
        );
      }
      return { created: false, details: await this.getDataMart() };
    }
    const store = await openStore(database, this.#options.location);
    try {
      const pointer: DataMartPointer = { data_mart_id: this.#options.dataMartId ?? randomUUID(), created_at: new Date().toISOString(), database };
      // Under the schema lock: clients (servers) setting up one schema at once make one data mart, and join it.
      const rows = await store.transaction(async (tx) => {
        await holdSchemaChangeLock(store, tx);
        const found = await tx.query<{ id: string; created_at: Date }>("SELECT id, created_at FROM data_mart LIMIT 1");
        if (found.length === 0) {
          await tx.query(
            "INSERT INTO data_mart (id, database_type, internal_database, created_at) VALUES ($1, $2, $3, $4)",
            [pointer.data_mart_id, database.database_type, database.database_type === "internal", pointer.created_at],
          );
        }
        return found;
      });
      if (rows[0]) {
        // The schema already holds a data mart (another client set it up): join it.
        pointer.data_mart_id = rows[0].id;
        pointer.created_at = iso(rows[0].created_at);
      }
      await sealClearBindings(store, this.#options.secrets); // a schema an earlier version filled
      this.#options.location.write(pointer);
      this.#opened = Promise.resolve({ store, pointer });
      return { created: rows.length === 0, details: detailsOf(pointer, store) };
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  async getDataMart(): Promise<DataMartDetails> {
    const { store, pointer } = await this.open();
    return detailsOf(pointer, store);
  }

  async deleteDataMart(): Promise<boolean> {
    const pointer = this.#options.location.read();
    if (!pointer) return false;
    const { store } = await this.open();
    await dropAll(store);
    await this.close();
    this.#options.location.clear();
    return true;
  }

  // ---- service bindings ------------------------------------------------------------------------------------

  createServiceBinding(request: ServiceBindingCreateRequest): Promise<ServiceBindingCreateOutcome> {
    return this.#bindings.create(request);
  }
  listServiceBindings(): Promise<{ service_bindings: ServiceBinding[] }> {
    return this.#bindings.list();
  }
  getServiceBinding(binding_uid: string): Promise<ServiceBinding> {
    return this.#bindings.get(binding_uid);
  }
  deleteServiceBinding(binding_uid: string): Promise<void> {
    return this.#bindings.delete(binding_uid);
  }
  listMlInstanceDeployments(binding_uid: string): Promise<MlInstanceDeployments> {
    return this.#bindings.deployments(binding_uid);
  }
  scoreDeployment(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues> {
    return this.#bindings.score(binding_uid, deployment_id, payload);
  }

  // ---- subscriptions and what they log ---------------------------------------------------------------------

  createSubscription(binding_uid: string, request: SubscriptionCreateRequest): Promise<SubscriptionCreateOutcome> {
    return this.#subscriptions.create(binding_uid, request);
  }
  listSubscriptions(binding_uid?: string): Promise<{ subscriptions: Subscription[] }> {
    return this.#subscriptions.list(binding_uid);
  }
  getSubscription(subscription_uid: string): Promise<Subscription> {
    return this.#subscriptions.get(subscription_uid);
  }
  updateSubscription(subscription_uid: string, operations: SubscriptionPatchOperation[]): Promise<Subscription> {
    return this.#subscriptions.update(subscription_uid, operations);
  }
  deleteSubscription(subscription_uid: string): Promise<void> {
    return this.#subscriptions.delete(subscription_uid);
  }
  exportSubscriptionConfiguration(subscription_uid: string): Promise<SubscriptionConfiguration> {
    return this.#subscriptions.exportConfiguration(subscription_uid);
  }
  importSubscriptionConfiguration(binding_uid: string, configuration: SubscriptionConfiguration): Promise<SubscriptionCreateOutcome> {
    return this.#subscriptions.importConfiguration(binding_uid, configuration);
  }
  async getMonitorConfiguration(subscription_uid: string, monitor: MonitorName | string): Promise<MonitorConfiguration> {
    const found = await this.#subscriptions.getConfiguration(subscription_uid, monitor);
    if (found) return found;
    await this.#monitors.requireCustom(monitor); // a custom monitor not configured yet: disabled
    const url = `${(await this.#subscriptions.get(subscription_uid)).metadata.url}/configurations/${monitor}`;
    return { enabled: false, monitor_definition_id: monitor, type: monitor, url, parameters: {} };
  }
  async setMonitorConfiguration(subscription_uid: string, monitor: MonitorName | string, configuration: { enabled: boolean; parameters?: Record<string, unknown>; thresholds?: MetricThreshold[] }): Promise<MonitorConfiguration> {
    if (!this.#monitors.handles(monitor)) return this.#subscriptions.setConfiguration(subscription_uid, monitor as MonitorName, configuration);
    await this.#monitors.setConfiguration(subscription_uid, monitor, configuration);
    return this.getMonitorConfiguration(subscription_uid, monitor);
  }
  storeScoringPayloads(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome> {
    return this.#subscriptions.storePayloads(records);
  }
  getScoringTransactions(query: { subscription_id: string; limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions> {
    return this.#subscriptions.transactions(query);
  }
  getPayloadTableSchema(subscription_uid: string): Promise<PayloadTableSchema> {
    return this.#subscriptions.payloadSchema(subscription_uid);
  }
  describeScoringTransactions(subscription_uid: string, limit?: number): Promise<PayloadDescription> {
    return this.#subscriptions.describe(subscription_uid, limit);
  }
  getMetrics(query: MetricsQuery): Promise<{ metrics: (PerformanceSample | PerformanceHour | MeasurementSample | MeasurementHour)[] }> {
    if (query?.monitor_definition_id !== undefined && query.metric_type === undefined) return this.#monitors.metrics(query);
    return this.#subscriptions.metrics(query);
  }
  async getDeploymentMetrics(query?: { subscription_id?: string; deployment_id?: string }): Promise<{ deployment_metrics: DeploymentMetrics[] }> {
    const { deployment_metrics } = await this.#subscriptions.deploymentMetrics(query);
    const measured = await this.#monitors.deploymentEntries(deployment_metrics.map((d) => d.subscription_id));
    return {
      deployment_metrics: deployment_metrics.map((d) => ({ ...d, metrics: [...d.metrics, ...(measured.get(`${d.subscription_id}/${d.deployment.deployment_id}`) ?? [])] })),
    };
  }
  createDataDistribution(subscription_uid: string, request: DataDistributionRequest): Promise<{ id: string; status: DataDistributionRun["status"] }> {
    return this.#subscriptions.createDistribution(subscription_uid, request);
  }
  getDataDistribution(subscription_uid: string, run_id: string): Promise<DataDistributionRun> {
    return this.#subscriptions.getDistribution(subscription_uid, run_id);
  }

  storeFeedbackPayloads(subscription_uid: string, request: FeedbackPayloadRequest): Promise<FeedbackPayloadOutcome> {
    return this.#feedback.store(subscription_uid, request);
  }
  getFeedbackPayloads(subscription_uid: string, query?: { limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions> {
    return this.#feedback.read(subscription_uid, query);
  }
  getFeedbackTableSchema(subscription_uid: string): Promise<PayloadTableSchema> {
    return this.#feedback.schema(subscription_uid);
  }
  describeFeedbackPayloads(subscription_uid: string): Promise<PayloadDescription> {
    return this.#feedback.describe(subscription_uid);
  }
  listMonitorDefinitions(): Promise<{ monitor_definitions: MonitorDefinition[] }> {
    return this.#monitors.listDefinitions();
  }
  getMonitorDefinition(monitor_uid: string): Promise<MonitorDefinition> {
    return this.#monitors.getDefinition(monitor_uid);
  }
  createMonitorDefinition(request: MonitorDefinitionCreateRequest): Promise<MonitorDefinitionCreateOutcome> {
    return this.#monitors.createDefinition(request);
  }
  deleteMonitorDefinition(monitor_uid: string): Promise<void> {
    return this.#monitors.deleteDefinition(monitor_uid);
  }
  storeMeasurements(records: MeasurementCreateRequest[]): Promise<{ measurements: MeasurementSample[] }> {
    return this.#monitors.storeMeasurements(records);
  }
  getMeasurement(measurement_id: string, monitor_definition_id?: string): Promise<MeasurementSample> {
    return this.#monitors.getMeasurement(measurement_id, monitor_definition_id);
  }
  createQualityEvaluation(subscription_uid: string, options?: { model_type?: string }): Promise<MonitorRun> {
    return this.#monitors.createEvaluation(subscription_uid, options);
  }
  getQualityEvaluation(subscription_uid: string, run_id: string): Promise<MonitorRun> {
    return this.#monitors.getEvaluation(subscription_uid, run_id);
  }
  listQualityEvaluations(subscription_uid: string): Promise<{ evaluations: MonitorRun[] }> {
    return this.#monitors.listEvaluations(subscription_uid);
  }

  createFairnessRun(subscription_uid: string): Promise<FairnessRun> {
    return this.#monitors.fairness.createRun(subscription_uid);
  }
  getFairnessRun(subscription_uid: string, run_id: string): Promise<FairnessRun> {
    return this.#monitors.fairness.getRun(subscription_uid, run_id);
  }
  listFairnessRuns(subscription_uid: string): Promise<{ runs: FairnessRun[] }> {
    return this.#monitors.fairness.listRuns(subscription_uid);
  }
  debiasedScoring(subscription_uid: string, payload: FieldsValues, deployment_id?: string): Promise<DebiasedScoringOutcome> {
    return this.#monitors.fairness.debias(subscription_uid, payload, deployment_id);
  }
  createDriftRun(subscription_uid: string): Promise<MonitorRun> {
    return this.#monitors.drift.createRun(subscription_uid);
  }
  getDriftRun(subscription_uid: string, run_id: string): Promise<MonitorRun> {
    return this.#monitors.drift.getRun(subscription_uid, run_id);
  }
  listDriftRuns(subscription_uid: string): Promise<{ runs: MonitorRun[] }> {
    return this.#monitors.drift.listRuns(subscription_uid);
  }
  uploadDriftModel(subscription_uid: string, archive: Uint8Array): Promise<void> {
    return this.#monitors.drift.uploadModel(subscription_uid, archive);
  }
  downloadDriftModel(subscription_uid: string): Promise<Uint8Array> {
    return this.#monitors.drift.downloadModel(subscription_uid);
  }
  createExplanationTask(request: ExplanationTaskRequest): Promise<ExplanationTask> {
    return this.#monitors.explainability.createTask(request);
  }
  getExplanationTask(request_id: string): Promise<ExplanationTask> {
    return this.#monitors.explainability.getTask(request_id);
  }
  listExplanations(query?: { subscription_id?: string; limit?: number }): Promise<{ explanations: ExplanationTask[] }> {
    return this.#monitors.explainability.list(query);
  }

  async close(): Promise<void> {
    await this.#subscriptions.settle();
    await this.#monitors.settle();
    const opened = this.#opened;
    this.#opened = undefined;
    this.#bindings.clear();
    if (opened) await (await opened.catch(() => undefined))?.store.close();
  }

  [inspect.custom](): string {
    return `LocalDataMartService(data_mart='${this.#options.location.describe()}')`;
  }

  toJSON(): { data_mart: string } {
    return { data_mart: this.#options.location.describe() };
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private open(): Promise<{ store: Store; pointer: DataMartPointer }> {
    if (!this.#opened) {
      const pointer = this.#options.location.read();
      if (!pointer) return Promise.reject(new StateError(NOT_SET_UP));
      this.#opened = openStore(pointer.database, this.#options.location).then(async (store) => {
        try {
          await sealClearBindings(store, this.#options.secrets); // rows an earlier version stored in clear
        } catch (error) {
          await store.close().catch(() => undefined);
          throw error;
        }
        return { store, pointer };
      });
      this.#opened.catch(() => (this.#opened = undefined));
    }
    return this.#opened;
  }

  private pointerId(): string {
    return this.#options.location.read()?.data_mart_id ?? "";
  }
}
