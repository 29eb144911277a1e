import type {
  DataMartDetails,
  DataMartSetupOutcome,
  DataMartSetupRequest,
  MlInstanceDeployments,
  ServiceBinding,
  ServiceBindingCreateOutcome,
  ServiceBindingCreateRequest,
} from "./resources";

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

  /** Releases the database connection. The service reopens it on the next call. */
  close(): Promise<void>;
}
