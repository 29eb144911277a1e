/** Helpers of the local data mart service: the database a setup request names, the data mart's details, and which binding is the same engine. */
import { redact, redactUrl } from "../secrets";
import type { SecretBox } from "../store/secret-box";
import type { DataMartPointer, DatabaseChoice } from "../store/data-mart-location";
import { resolvePostgresCredentials } from "../store/postgres-credentials";
import type { Queryable, Store } from "../store/store";
import { openBindingSecrets, type BindingRow } from "./binding-credentials";
import type { DataMartDetails, DataMartSetupRequest, ServiceBindingCreateRequest } from "./resources";

/** Schema used on PostgreSQL when setup() names none. */
export const DEFAULT_SCHEMA = "openscale";

/**
 * The binding of the same engine, if any: the same instance id, or the same credentials and request headers. Secrets
 * are sealed at rest, so credentials are compared after opening them (a data mart holds few bindings).
 */
export async function sameEngine(db: Queryable, request: ServiceBindingCreateRequest, box: SecretBox): Promise<BindingRow[]> {
  const rows = await db.query<BindingRow>("SELECT * FROM service_bindings WHERE service_type = $1 ORDER BY created_at", [request.service_type]);
  const byInstance = rows.find((r) => r.instance_id === request.instance_id);
  if (byInstance) return [byInstance];
  const wanted = stableJson({ credentials: request.credentials, request_headers: request.request_headers ?? null });
  const same = rows.find((r) => {
    const secrets = openBindingSecrets(box, r);
    return stableJson({ credentials: secrets.credentials, request_headers: secrets.request_headers ?? null }) === wanted;
  });
  return same ? [same] : [];
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys were given in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function toDatabaseChoice(request: DataMartSetupRequest): DatabaseChoice {
  if ("internal_database" in request) return { database_type: "internal" };
  const config = request.database_configuration;
  resolvePostgresCredentials(config.credentials); // validates now: a bad field fails before anything is written
  return {
    database_type: "postgresql",
    credentials: config.credentials as Extract<DatabaseChoice, { database_type: "postgresql" }>["credentials"],
    schema: config.location.schema ?? DEFAULT_SCHEMA,
    ...(config.name ? { name: config.name } : {}),
  };
}

export function sameDatabase(a: DatabaseChoice, b: DatabaseChoice): boolean {
  if (a.database_type === "internal" || b.database_type === "internal") return a.database_type === b.database_type;
  return (
    a.schema === b.schema &&
    resolvePostgresCredentials(a.credentials).display === resolvePostgresCredentials(b.credentials).display
  );
}

export function describeChoice(choice: DatabaseChoice): string {
  return choice.database_type === "internal"
    ? "the embedded database"
    : `PostgreSQL at ${resolvePostgresCredentials(choice.credentials).display} (schema ${choice.schema})`;
}

export function detailsOf(pointer: DataMartPointer, store: Store): DataMartDetails {
  const base = {
    data_mart_id: pointer.data_mart_id,
    created_at: pointer.created_at,
    status: { state: "active" as const },
    service_instance_crn: "N/A",
    location: store.describe(),
  };
  if (pointer.database.database_type === "internal") {
    return { ...base, internal_database: true, database_configuration: {} };
  }
  const credentials = pointer.database.credentials;
  return {
    ...base,
    database_configuration: {
      database_type: "postgresql",
      name: pointer.database.name ?? "postgresql",
      credentials: typeof credentials === "string" ? redactUrl(credentials) : redact(credentials as Record<string, unknown>),
      location: { schema: pointer.database.schema },
    },
  };
}
