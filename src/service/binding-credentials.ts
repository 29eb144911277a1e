/**
 * How a service binding's credentials are kept: `credentials` and `request_headers` hold only what get_details shows
 * (secret fields masked as `****`, header values masked), and `sealed_credentials` holds the whole credentials JSON,
 * request headers included, sealed with the data mart's key (../store/secret-box.ts). Adapters are built from the
 * sealed copy; tables and details from the clear, masked one, so listing bindings never needs the key.
 */
import type { ServiceType } from "../engines/service-types";
import { MASK, redact } from "../secrets";
import type { SecretBox } from "../store/secret-box";
import type { Store } from "../store/store";
import type { ServiceBinding } from "./resources";

export interface BindingRow {
  guid: string;
  name: string;
  service_type: ServiceType;
  instance_id: string;
  /** What get_details shows: secrets masked. (A row an earlier version wrote holds them in clear until the data mart is opened.) */
  credentials: Record<string, unknown>;
  request_headers: Record<string, string> | null;
  /** The whole credentials and request headers, sealed; NULL only in rows an earlier version wrote in clear. */
  sealed_credentials: string | null;
  state: string;
  created_at: Date | string;
  modified_at: Date | string;
}

/** The clear credentials of a binding: what its adapter is built from. */
export interface BindingSecrets {
  credentials: Record<string, unknown>;
  request_headers?: Record<string, string>;
}

/** Column values for a binding's credentials: the masked copy shown in details, and the sealed whole. */
export function sealBindingSecrets(box: SecretBox, guid: string, secrets: BindingSecrets): {
  credentials: string;
  request_headers: string | null;
  sealed_credentials: string;
} {
  return {
    credentials: JSON.stringify(redact(secrets.credentials)),
    request_headers: secrets.request_headers ? JSON.stringify(maskAll(secrets.request_headers)) : null,
    sealed_credentials: box.seal(JSON.stringify(secrets), contextOf(guid)),
  };
}

/** The clear credentials of a row, opened with the data mart's key; a wrong key or an altered row is a SecretKeyError naming the binding. */
export function openBindingSecrets(box: SecretBox, row: BindingRow): BindingSecrets {
  if (row.sealed_credentials === null) {
    // Only between the schema upgrade and sealClearBindings, which runs before any row is read: kept for safety.
    return { credentials: row.credentials, ...(row.request_headers ? { request_headers: row.request_headers } : {}) };
  }
  const subject = `binding '${row.guid}' (${row.name})`;
  return JSON.parse(box.open(row.sealed_credentials, contextOf(row.guid), subject)) as BindingSecrets;
}

/**
 * Seals every row an earlier version stored in clear, in one transaction, then compacts the table so the old
 * tuples leave its files. Copies may remain in the database's write-ahead log and in backups until those are
 * recycled: rotate credentials that were stored in clear. Asks for the key only when such rows exist.
 */
export async function sealClearBindings(store: Store, box: () => SecretBox): Promise<number> {
  const clear = await store.query<{ guid: string }>("SELECT guid FROM service_bindings WHERE sealed_credentials IS NULL");
  if (clear.length === 0) return 0;
  const key = box();
  const sealed = await store.transaction(async (tx) => {
    const rows = await tx.query<BindingRow>("SELECT * FROM service_bindings WHERE sealed_credentials IS NULL FOR UPDATE");
    for (const row of rows) {
      const columns = sealBindingSecrets(key, row.guid, {
        credentials: row.credentials,
        ...(row.request_headers ? { request_headers: row.request_headers } : {}),
      });
      await tx.query("UPDATE service_bindings SET credentials = $2, request_headers = $3, sealed_credentials = $4 WHERE guid = $1", [
        row.guid,
        columns.credentials,
        columns.request_headers,
        columns.sealed_credentials,
      ]);
    }
    return rows.length;
  });
  // Best effort: a PostgreSQL user who does not own the table may not compact it; the rows are sealed either way.
  await store.query("VACUUM FULL service_bindings").catch(() => undefined);
  return sealed;
}

/** The v1 resource of a binding row: the masked copy only, never the sealed one. */
export function toBindingResource(row: BindingRow, dataMartId: string): ServiceBinding {
  return {
    metadata: {
      guid: row.guid,
      url: `/v1/data_marts/${dataMartId}/service_bindings/${row.guid}`,
      created_at: iso(row.created_at),
      modified_at: iso(row.modified_at),
    },
    entity: {
      name: row.name,
      service_type: row.service_type,
      instance_id: row.instance_id,
      credentials: redact(row.credentials),
      ...(row.request_headers ? { request_headers: maskAll(row.request_headers) } : {}),
      status: { state: row.state },
    },
  };
}

/** Header values may be API keys: show which headers are sent, not their values. */
function maskAll(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, MASK]));
}

/** Binds a sealed value to its row: moved onto another binding, it fails its integrity check. */
function contextOf(guid: string): string {
  return `service_bindings:${guid}`;
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
