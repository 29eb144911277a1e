import type { ServiceType } from "./service-types";

/** Rows in OpenScale's engine-neutral form: column names plus one array of values per row. */
export interface FieldsValues {
  fields: string[];
  values: unknown[][];
  /** Class labels, in the order of each probability vector (custom engines may send them). */
  labels?: string[];
}

/** A model (or function) that an engine serves, as `bindings.list_assets()` shows it. */
export interface EngineAsset {
  source_uid: string;
  name: string;
  /** ISO 8601 time the engine reports for the asset (or its first deployment). */
  created: string;
  type: string;
  frameworks: string[];
  url?: string;
  problem_type?: string;
  input_data_type?: string;
  /** The model's input columns, where the engine tells them: subscribing checks feature_columns against them. */
  input_fields?: string[];
}

/** One deployment of an asset, with what is needed to score it. */
export interface EngineDeployment {
  deployment_id: string;
  name: string;
  created_at: string;
  deployment_type: string;
  /** The URL (or, for SageMaker, the endpoint name) that scores this deployment. */
  scoring_url: string;
  url?: string;
  description?: string;
  asset: EngineAsset;
}

/** What the data mart needs from an engine: list what it serves, and score rows. One adapter per binding. */
export interface EngineAdapter {
  readonly serviceType: ServiceType;
  /** Every deployment the engine serves, each with its asset. */
  listDeployments(): Promise<EngineDeployment[]>;
  /** Scores rows on one deployment and returns the engine's answer normalised to `{fields, values}`. */
  score(deployment: EngineDeployment, payload: FieldsValues): Promise<FieldsValues>;
  /**
   * Proves the credentials with the engine's cheapest authenticated call (a token exchange, a signed listing), so that
   * a wrong key fails when binding, before anything is stored. Absent where the protocol offers no such call.
   */
  verifyCredentials?(): Promise<void>;
}

/** Options every adapter takes from the client: how long to wait, how often to retry idempotent calls. */
export interface AdapterOptions {
  /** Milliseconds one attempt at a request may take in all (a deadline, not an idle timer). @default 10000 */
  timeout_ms?: number;
  /** Extra attempts for idempotent requests (GET) after a refused connection, a timeout or a 502/503/504. @default 2 */
  retries?: number;
}

/** Groups deployments by asset: the asset list `list_assets()` shows. */
export function assetsOf(deployments: readonly EngineDeployment[]): EngineAsset[] {
  const byUid = new Map<string, EngineAsset>();
  for (const d of deployments) if (!byUid.has(d.asset.source_uid)) byUid.set(d.asset.source_uid, d.asset);
  return [...byUid.values()];
}
