/**
 * openscale-ts: model monitoring for TypeScript notebooks, after IBM Watson OpenScale's v1 Python SDK.
 * Everything a notebook imports comes from here.
 */
export { APIClient, VERSION, type APIClientOptions } from "./client";
export { DataMart, type SetupOptions } from "./data-mart/data-mart";
export { Bindings, type AssetDetails, type AssetDeploymentDetails, type TableOptions } from "./data-mart/bindings";
export type { Output } from "./data-mart/output";
export { Subscriptions } from "./data-mart/subscriptions";
export { Subscription, type ScoredRows, type ScoringRows, type SubscriptionUpdateOptions } from "./data-mart/subscription";
export { PayloadLogging, type TableContentFormat } from "./data-mart/payload-logging";
export { PayloadRecord, type PayloadRecordOptions } from "./data-mart/payload-record";
export { PerformanceMonitoring, type PerformanceInterval } from "./data-mart/performance-monitoring";
export { DataDistribution, type DataDistributionRunOptions } from "./data-mart/data-distribution";
export { Monitors } from "./data-mart/monitors/monitors";
export { FeedbackLogging, type FeedbackData, type FeedbackStoreOptions } from "./data-mart/monitors/feedback-logging";
export type { FeedbackPayloadOutcome, FeedbackPayloadRequest } from "./service/feedback-writer";
export { QualityMonitoring } from "./data-mart/monitors/quality-monitoring";
export { CustomMonitoring } from "./data-mart/monitors/custom-monitoring";
export { Metric, Tag, Threshold, MeasurementRecord } from "./data-mart/monitors/supporting-classes";
export { Feature, type FeatureOptions } from "./data-mart/monitors/feature";
export type { FairnessEnableOptions } from "./data-mart/monitors/fairness-monitoring";
export type { FairnessFeatureMetric, FairnessGroupEntry, FairnessSample } from "./data-mart/monitors/fairness-viewer";
export type { DriftEnableOptions, DriftRun } from "./data-mart/monitors/drift-monitoring";
export type { FeatureDriftSample } from "./data-mart/monitors/feature-drift-viewer";
export type { ExplanationTask } from "./service/monitor-resources";
export type { MeasurementQueryOptions } from "./data-mart/monitors/measurement-viewer";
export type {
  MeasurementCreateRequest,
  MeasurementHour,
  MeasurementMetricValue,
  MeasurementSample,
  MeasurementSource,
  MetricThreshold,
  MonitorDefinition,
  MonitorMetricDefinition,
  MonitorRun,
  FairnessRun,
  FairnessRunStatus,
  DebiasedScoringOutcome,
  MonitorTagDefinition,
} from "./service/monitor-resources";
export { ProblemType, InputDataType, FeedbackFormat, MetricTypes, MetricsFormat } from "./enums";
export { MachineLearningAsset, type AssetOptions } from "./engines/asset";
export { WatsonMachineLearningAsset } from "./engines/watson-machine-learning/asset";
export { AzureMachineLearningAsset, AzureMachineLearningStudioAsset } from "./engines/azure-machine-learning-studio/asset";
export { AzureMachineLearningServiceAsset } from "./engines/azure-machine-learning-service/asset";
export { SageMakerMachineLearningAsset } from "./engines/sagemaker/asset";
export { CustomMachineLearningAsset } from "./engines/custom/asset";

export { MachineLearningInstance } from "./engines/instance";
export { WatsonMachineLearningInstance } from "./engines/watson-machine-learning/instance";
export {
  AzureMachineLearningInstance,
  AzureMachineLearningStudioInstance,
} from "./engines/azure-machine-learning-studio/instance";
export { AzureMachineLearningServiceInstance } from "./engines/azure-machine-learning-service/instance";
export { SageMakerMachineLearningInstance } from "./engines/sagemaker/instance";
export { CustomMachineLearningInstance } from "./engines/custom/instance";
export type { CustomCredentials } from "./engines/custom/credentials";
export type { WatsonMachineLearningCredentials } from "./engines/watson-machine-learning/credentials";
export type { AzureCredentials } from "./engines/azure-credentials";
export type { SageMakerCredentials } from "./engines/sagemaker/credentials";
export { ServiceTypes, type ServiceType } from "./engines/service-types";
export type { EngineAdapter, EngineAsset, EngineDeployment, FieldsValues } from "./engines/adapter";

export {
  OpenScaleError,
  ValidationError,
  NotFoundError,
  StateError,
  DatabaseError,
  DataMartInUseError,
  SecretKeyError,
  type ValidationIssue,
} from "./errors";
export {
  EngineError,
  EngineConnectionError,
  EngineTimeoutError,
  EngineAuthenticationError,
  EngineRequestError,
  EngineServerError,
  EngineResponseError,
} from "./engines/errors";

export type { DataMartService } from "./service/data-mart-service";
export type {
  DataMartDetails,
  ServiceBinding,
  Subscription as SubscriptionDetails,
  SubscriptionConfiguration,
  ScoringPayloadOutcome,
  DataDistributionRun,
  DeploymentMetrics,
  PerformanceSample,
  PerformanceHour,
} from "./service/resources";
export type { PayloadField, PayloadColumnType } from "./service/payload-schema";
export type { PostgresCredentials } from "./store/postgres-credentials";
export { create_postgres_schema } from "./store/create-postgres-schema";

export { startLocalEngines, type LocalEngines } from "./local-engines/index";
export { credentialsFromEnvironment } from "./environment";
export {
  buildTable,
  renderTableHtml,
  renderTableText,
  showTable,
  renderBarChartHtml,
  renderBarChartText,
  type TableModel,
  type TableData,
  type ShowTableOptions,
  type BarChartInput,
} from "./display/index";
export { runNotebook, type RunNotebookOptions, type NotebookRunResult } from "./notebook/index";
export { generateCreditRisk, generateIris, rowsOf, type Dataset } from "./datasets/index";
export * from "./metrics/index";
