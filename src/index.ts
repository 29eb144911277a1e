/**
 * openscale-ts: model monitoring for TypeScript notebooks, after IBM Watson OpenScale's v1 Python SDK.
 * Everything a notebook imports comes from here.
 */
export { APIClient, VERSION, type APIClientOptions } from "./client";
export { DataMart, type SetupOptions } from "./data-mart/data-mart";
export { Bindings, type AssetDetails, type AssetDeploymentDetails, type TableOptions } from "./data-mart/bindings";
export type { Output } from "./data-mart/output";

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
export type { DataMartDetails, ServiceBinding } from "./service/resources";
export type { PostgresCredentials } from "./store/postgres-credentials";
export { create_postgres_schema } from "./store/create-postgres-schema";

export { startLocalEngines, type LocalEngines } from "./local-engines/index";
export { credentialsFromEnvironment } from "./environment";
export { buildTable, renderTableHtml, renderTableText, showTable, type TableModel } from "./display/index";
export { runNotebook, type RunNotebookOptions, type NotebookRunResult } from "./notebook/index";
export { generateCreditRisk, generateIris, rowsOf, type Dataset } from "./datasets/index";
