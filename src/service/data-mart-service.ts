import type { FieldsValues } from "../engines/adapter";
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
  DataMartDetails,
  DataMartSetupOutcome,
  DataMartSetupRequest,
  MlInstanceDeployments,
  ServiceBinding,
  ServiceBindingCreateOutcome,
  ServiceBindingCreateRequest,
} from "./resources";
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

/**
 * Every data mart operation, one method per v1 REST call. The local implementation runs them in-process on the
 * embedded or PostgreSQL store; an HTTP server and a remote client can each be a thin layer over this interface.
 */
export interface DataMartService {
  /** PUT /v1/data_marts/{dm} */
  setupDataMart(request: DataMartSetupRequest): Promise<DataMartSetupOutcome>;
  /** GET /v1/data_marts/{dm} */
  getDataMart(): Promise<DataMartDetails>;
  /** DELETE /v1/data_marts/{dm}?force=true; false when there was none. */
  deleteDataMart(): Promise<boolean>;

  /** POST /v1/data_marts/{dm}/service_bindings */
  createServiceBinding(request: ServiceBindingCreateRequest): Promise<ServiceBindingCreateOutcome>;
  /** GET /v1/data_marts/{dm}/service_bindings */
  listServiceBindings(): Promise<{ service_bindings: ServiceBinding[] }>;
  /** GET /v1/data_marts/{dm}/service_bindings/{b} */
  getServiceBinding(binding_uid: string): Promise<ServiceBinding>;
  /** DELETE /v1/data_marts/{dm}/service_bindings/{b}?force=true */
  deleteServiceBinding(binding_uid: string): Promise<void>;

  /** GET /v1/ml_instances/{b}/deployments: asks the engine live. */
  listMlInstanceDeployments(binding_uid: string): Promise<MlInstanceDeployments>;

  /** POST /v1/ml_instances/{b}/deployments/{d}/online (engine gateway): scores rows with the engine's own protocol. */
  scoreDeployment(binding_uid: string, deployment_id: string, payload: FieldsValues): Promise<FieldsValues>;

  /** PUT /v1/data_marts/{dm}/service_bindings/{b}/subscriptions/{s}: the uid is made by the service. */
  createSubscription(binding_uid: string, request: SubscriptionCreateRequest): Promise<SubscriptionCreateOutcome>;
  /** GET …/service_bindings/{b}/subscriptions, or every binding's when no binding is given. */
  listSubscriptions(binding_uid?: string): Promise<{ subscriptions: Subscription[] }>;
  /** GET …/subscriptions/{s} (the binding is looked up). */
  getSubscription(subscription_uid: string): Promise<Subscription>;
  /** PATCH …/subscriptions/{s} with JSON-Patch operations on `/asset_properties/…`. */
  updateSubscription(subscription_uid: string, operations: SubscriptionPatchOperation[]): Promise<Subscription>;
  /** DELETE …/subscriptions/{s}?force=true: the subscription, its payload table and its metrics. */
  deleteSubscription(subscription_uid: string): Promise<void>;
  /** GET …/subscriptions/{s}/file */
  exportSubscriptionConfiguration(subscription_uid: string): Promise<SubscriptionConfiguration>;
  /** PUT …/subscriptions/{s}/file */
  importSubscriptionConfiguration(binding_uid: string, configuration: SubscriptionConfiguration): Promise<SubscriptionCreateOutcome>;

  /** GET …/subscriptions/{s}/configurations/{monitor}: a built-in monitor, or a custom monitor's definition guid. */
  getMonitorConfiguration(subscription_uid: string, monitor: MonitorName | string): Promise<MonitorConfiguration>;
  /** PUT …/subscriptions/{s}/configurations/{monitor}: checked against the monitor's rules and definition. */
  setMonitorConfiguration(subscription_uid: string, monitor: MonitorName | string, configuration: { enabled: boolean; parameters?: Record<string, unknown>; thresholds?: MetricThreshold[] }): Promise<MonitorConfiguration>;

  /** POST /v1/data_marts/{dm}/scoring_payloads: all records stored, or none; a scoring_id stored already is kept once. */
  storeScoringPayloads(records: Iterable<ScoringPayloadRecord> | AsyncIterable<ScoringPayloadRecord>): Promise<ScoringPayloadOutcome>;
  /** GET /v1/data_marts/{dm}/scoring_transactions?subscription_id&limit&offset&include_total_count */
  getScoringTransactions(query: { subscription_id: string; limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions>;
  /** GET …/subscriptions/{s}/payload_table_schema */
  getPayloadTableSchema(subscription_uid: string): Promise<PayloadTableSchema>;
  /** Summary statistics of the numeric payload columns (no v1 call: the SDK computed them with pandas). */
  describeScoringTransactions(subscription_uid: string, limit?: number): Promise<PayloadDescription>;

  /**
   * GET /v1/data_marts/{dm}/metrics?metric_type=performance|monitor_definition_id=…&format=samples|time_series&…:
   * performance samples and hours, or one monitor's measurements (newest first) and their hourly aggregates.
   */
  getMetrics(query: MetricsQuery): Promise<{ metrics: (PerformanceSample | PerformanceHour | MeasurementSample | MeasurementHour)[] }>;
  /** GET /v1/data_marts/{dm}/deployment_metrics */
  getDeploymentMetrics(query?: { subscription_id?: string; deployment_id?: string }): Promise<{ deployment_metrics: DeploymentMetrics[] }>;

  /** POST …/subscriptions/{s}/data_distributions: checked at once, computed in the database; poll the run. */
  createDataDistribution(subscription_uid: string, request: DataDistributionRequest): Promise<{ id: string; status: DataDistributionRun["status"] }>;
  /** GET …/subscriptions/{s}/data_distributions/{id} */
  getDataDistribution(subscription_uid: string, run_id: string): Promise<DataDistributionRun>;

  /**
   * POST /v1/data_marts/{dm}/feedback_payloads (WML `{fields, values}`) or POST …/subscriptions/{s}/feedback_payloads
   * (objects, or CSV text or stream): every row checked against the feedback table's columns; all stored, or none.
   */
  storeFeedbackPayloads(subscription_uid: string, request: FeedbackPayloadRequest): Promise<FeedbackPayloadOutcome>;
  /** GET …/subscriptions/{s}/feedback_payloads?limit&offset&include_total_count: newest first. */
  getFeedbackPayloads(subscription_uid: string, query?: { limit?: number; offset?: number; include_total_count?: boolean }): Promise<ScoringTransactions>;
  /** The feedback table's name and columns (v1 read them from the training data schema). */
  getFeedbackTableSchema(subscription_uid: string): Promise<PayloadTableSchema>;
  /** Summary statistics of the numeric feedback columns, computed in SQL. */
  describeFeedbackPayloads(subscription_uid: string): Promise<PayloadDescription>;

  /** GET /v1/data_marts/{dm}/monitor_definitions: the built-in monitors and the users'. */
  listMonitorDefinitions(): Promise<{ monitor_definitions: MonitorDefinition[] }>;
  /** GET /v1/data_marts/{dm}/monitor_definitions/{id} */
  getMonitorDefinition(monitor_uid: string): Promise<MonitorDefinition>;
  /** POST /v1/data_marts/{dm}/monitor_definitions: the guid comes from the name; a name that exists returns its definition. */
  createMonitorDefinition(request: MonitorDefinitionCreateRequest): Promise<MonitorDefinitionCreateOutcome>;
  /** DELETE /v1/data_marts/{dm}/monitor_definitions/{id}: with its configurations and measurements. */
  deleteMonitorDefinition(monitor_uid: string): Promise<void>;

  /** POST /v1/data_marts/{dm}/measurements: every record checked against its monitor's definition; all stored, or none. */
  storeMeasurements(records: MeasurementCreateRequest[]): Promise<{ measurements: MeasurementSample[] }>;
  /** GET /v1/data_marts/{dm}/measurements/{id}?monitor_definition_id=…: with its sources. */
  getMeasurement(measurement_id: string, monitor_definition_id?: string): Promise<MeasurementSample>;

  /** POST …/subscriptions/{s}/evaluations?model_type=original: a quality run, checked at once, computed in the background. */
  createQualityEvaluation(subscription_uid: string, options?: { model_type?: string }): Promise<MonitorRun>;
  /** GET …/subscriptions/{s}/evaluations/{id} */
  getQualityEvaluation(subscription_uid: string, run_id: string): Promise<MonitorRun>;
  /** GET …/subscriptions/{s}/evaluations: newest first. */
  listQualityEvaluations(subscription_uid: string): Promise<{ evaluations: MonitorRun[] }>;

  /** POST /v1/fairness_monitoring/{s}/runs: checked at once, computed in the background; poll the run. */
  createFairnessRun(subscription_uid: string): Promise<FairnessRun>;
  /** The run's status (v1 `last_run_status`: RUNNING, FINISHED, FINISHED WITH ERRORS with `last_run_info_code`). */
  getFairnessRun(subscription_uid: string, run_id: string): Promise<FairnessRun>;
  /** GET /v1/fairness_monitoring?asset_id={s}&…: newest first. */
  listFairnessRuns(subscription_uid: string): Promise<{ runs: FairnessRun[] }>;
  /** POST …/subscriptions/{s}/deployments/{d}/online: scored with debiasing; logged with the debiased columns when payload logging is on. */
  debiasedScoring(subscription_uid: string, payload: FieldsValues, deployment_id?: string): Promise<DebiasedScoringOutcome>;
  /** POST …/subscriptions/{s}/drift_tasks: checked at once, computed in the background; poll the run. */
  createDriftRun(subscription_uid: string): Promise<MonitorRun>;
  /** GET …/subscriptions/{s}/drift_tasks/{id} */
  getDriftRun(subscription_uid: string, run_id: string): Promise<MonitorRun>;
  /** GET …/subscriptions/{s}/drift_tasks: newest first. */
  listDriftRuns(subscription_uid: string): Promise<{ runs: MonitorRun[] }>;
  /** PUT …/subscriptions/{s}/models/drift: a drift model (.tar.gz) trained elsewhere. */
  uploadDriftModel(subscription_uid: string, archive: Uint8Array): Promise<void>;
  /** GET …/subscriptions/{s}/models/drift (beyond v1): the trained drift model as a .tar.gz. */
  downloadDriftModel(subscription_uid: string): Promise<Uint8Array>;
  /** POST /v1/data_marts/{dm}/explanation_tasks: the transaction checked at once, explained in the background. */
  createExplanationTask(request: ExplanationTaskRequest): Promise<ExplanationTask>;
  /** GET /v1/data_marts/{dm}/explanation_tasks/{id} */
  getExplanationTask(request_id: string): Promise<ExplanationTask>;
  /** GET /v1/data_marts/{dm}/explanations[?subscription_id=…]: newest first. */
  listExplanations(query?: { subscription_id?: string; limit?: number }): Promise<{ explanations: ExplanationTask[] }>;

  /** Releases the database connection. The service reopens it on the next call. */
  close(): Promise<void>;
}
