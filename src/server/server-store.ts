/**
 * The server's own tables (API keys, the token signing secret), apart from the data marts': in the schema
 * `openscale_server` of the server's PostgreSQL, so several servers over one database share them (embedded: of the
 * database in `<dir>/server`).
 * Migrated at start, safely when two servers start at once (the migration takes an advisory lock on PostgreSQL).
 */
import path from "node:path";
import { openEmbeddedStore } from "../store/embedded-stores";
import { migrate, type Migration } from "../store/migrations";
import { resolvePostgresCredentials, type PostgresCredentials } from "../store/postgres-credentials";
import { PostgresStore } from "../store/postgres-store";
import type { Store } from "../store/store";

export const SERVER_SCHEMA = "openscale_server";

const SERVER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "api keys and the token signing secret",
    sql: `
      CREATE TABLE openscale_server.api_keys (
        id text PRIMARY KEY,
        secret_hash text NOT NULL,
        role text NOT NULL,
        data_mart_id text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE openscale_server.server_secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** Where the server keeps its data: a PostgreSQL server, or a folder for the embedded database. */
export type ServerDatabase = { kind: "postgresql"; credentials: PostgresCredentials } | { kind: "embedded"; dir: string };

export async function openServerStore(database: ServerDatabase): Promise<Store> {
  const store = database.kind === "postgresql" ? await PostgresStore.open(resolvePostgresCredentials(database.credentials), SERVER_SCHEMA) : await openEmbeddedStore(path.join(database.dir, "server"));
  try {
    // Every server table is named with its schema: a connection's search_path (a data mart's) never matters.
    await store.query(`CREATE SCHEMA IF NOT EXISTS ${SERVER_SCHEMA}`);
    await migrate(store, SERVER_MIGRATIONS, `${SERVER_SCHEMA}.server_migrations`);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
