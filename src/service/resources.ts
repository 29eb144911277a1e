/**
 * The v1 REST resource shapes the data mart service speaks: `{metadata, entity}` objects and named collections.
 * Secrets are masked in every resource the service returns.
 */
import type { EngineDeployment } from "../engines/adapter";
import type { ServiceType } from "../engines/service-types";

export interface ResourceMetadata {
  guid: string;
  url: string;
  created_at: string;
  modified_at?: string;
}

/** GET /v1/data_marts/{dm} */
export interface DataMartDetails {
  data_mart_id: string;
  created_at: string;
  internal_database?: true;
  database_configuration:
    | Record<string, never>
    | {
        database_type: "postgresql";
        name: string;
        credentials: Record<string, unknown> | string;
        location: { schema: string };
      };
  status: { state: "active" };
  service_instance_crn: string;
  /** Where the data lives, for humans (no password). */
  location: string;
}

/** PUT /v1/data_marts/{dm} */
export type DataMartSetupRequest =
  | { internal_database: true }
  | {
      database_configuration: {
        database_type: "postgresql";
        name?: string;
        credentials: unknown;
        location: { schema?: string };
      };
    };

export interface DataMartSetupOutcome {
  /** false when a data mart already existed (v1: 409, "Warning during setup of data mart."). */
  created: boolean;
  details: DataMartDetails;
}

/** POST /v1/data_marts/{dm}/service_bindings */
export interface ServiceBindingCreateRequest {
  name: string;
  service_type: ServiceType;
  instance_id: string;
  credentials: Record<string, unknown>;
  request_headers?: Record<string, string>;
}

export interface ServiceBinding {
  metadata: ResourceMetadata;
  entity: {
    name: string;
    service_type: ServiceType;
    instance_id: string;
    credentials: Record<string, unknown>;
    request_headers?: Record<string, string>;
    status: { state: string };
  };
}

export interface ServiceBindingCreateOutcome {
  /** false when the same engine instance was bound already (v1: 409, the existing uid is returned). */
  created: boolean;
  binding: ServiceBinding;
}

/** GET /v1/ml_instances/{binding}/deployments: what the engine behind a binding serves right now. */
export interface MlInstanceDeployments {
  binding_uid: string;
  deployments: EngineDeployment[];
}
