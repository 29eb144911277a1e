import type { Pool, PoolClient } from "pg";
import { DatabaseError } from "../errors";
import type { PostgresConnection } from "./postgres-credentials";
import { binaryCopyStatement, copyOutcome, quoteIdentifier, SCHEMA_CHANGE_LOCK, type Queryable, type Store } from "./store";

/** Options for a store on a PostgreSQL server. */
export interface PostgresStoreOptions {
  /** Milliseconds to wait for a connection. @default 10000 */
  connect_timeout_ms?: number;
  /** Connections kept open at most. @default 4 */
  max_connections?: number;
}

/** The data mart on a PostgreSQL server, inside one schema (created when missing). */
export class PostgresStore implements Store {
  readonly kind = "postgresql" as const;
  private readonly prepared = new WeakSet<PoolClient>();
  /**
   * PGlite served over the wire protocol (the tests' stand-in for PostgreSQL) rather than PostgreSQL: it loses sync on
   * `COPY … FROM STDIN`, and runs every connection in one session.
   */
  pgliteOverWire = false;

  private constructor(
    private readonly pool: Pool,
    private readonly connection: PostgresConnection,
    readonly schema: string,
  ) {}

  /** Connects, checks the login, and makes sure `schema` exists. */
  static async open(connection: PostgresConnection, schema: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = createPool(connection, options);
    pool.on("error", () => undefined); // an idle client dropped by the server; the next query reconnects
    const store = new PostgresStore(pool, connection, schema);
    try {
      await createSchemaOnce(pool, schema);
      const [{ version }] = (await pool.query<{ version: string }>("SELECT version()")).rows as [{ version: string }];
      store.pgliteOverWire = /\bPGlite\b/.test(version);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toDatabaseError(error, connection);
    }
    return store;
  }

  async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    const client = await this.checkout();
    try {
      return (await client.query(sql, params ? [...params] : undefined)).rows as R[];
    } catch (error) {
      throw toDatabaseError(error, this.connection);
    } finally {
      client.release();
    }
  }

  /** A pooled connection whose search_path is the data mart's schema (set once per connection). */
  private async checkout(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
      if (!this.prepared.has(client)) {
        // A connection lost while checked out (between two statements of a transaction) emits 'error'; the
        // statement that follows fails and reports it, so the event itself must not crash the process.
        client.on("error", () => undefined);
        await client.query(`SET search_path TO ${quoteIdentifier(this.schema)}`);
        this.prepared.add(client);
      }
    } catch (error) {
      throw toDatabaseError(error, this.connection);
    }
    return client;
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    let broken = false;
    // BEGIN and COMMIT fail as any statement does (a connection lost at COMMIT leaves the outcome unknown: callers
    // retry, and every write here is idempotent).
    const control = async (sql: string) => {
      try {
        await client.query(sql);
      } catch (error) {
        throw toDatabaseError(error, this.connection);
      }
    };
    try {
      await control("BEGIN");
      const result = await work({
        query: async <R>(sql: string, params?: readonly unknown[]) => {
          try {
            return (await client.query(sql, params ? [...params] : undefined)).rows as R[];
          } catch (error) {
            throw toDatabaseError(error, this.connection);
          }
        },
        ...(!this.pgliteOverWire
          ? {
              copyBinary: (table: string, columns: readonly string[], data: Uint8Array) =>
                copyFrom(client, binaryCopyStatement(table, columns, "STDIN"), data).catch((error: unknown) => {
                  throw toDatabaseError(error, this.connection);
                }),
            }
          : {}),
      });
      await control("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true; // the connection died mid-transaction: the server rolls back by itself
      }
      throw error instanceof DatabaseError || !isPgError(error) ? error : toDatabaseError(error, this.connection);
    } finally {
      client.release(broken);
    }
  }

  describe(): string {
    return `PostgreSQL at ${this.connection.display} (schema ${this.schema})`;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Sends data to `COPY … FROM STDIN` on one connection (pg-copy-streams). */
async function copyFrom(client: PoolClient, sql: string, data: Uint8Array): Promise<"ok" | "unique_violation"> {
  const { from } = require("pg-copy-streams") as typeof import("pg-copy-streams");
  const stream = client.query(from(sql));
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
      stream.end(data);
    });
    return "ok";
  } catch (error) {
    return copyOutcome(error);
  }
}

function createPool(connection: PostgresConnection, options: PostgresStoreOptions): Pool {
  const { Pool } = require("pg") as typeof import("pg");
  return new Pool({
    connectionString: connection.connectionString,
    ssl: connection.ca ? { ca: connection.ca, rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: options.connect_timeout_ms ?? 10_000,
    max: options.max_connections ?? 4,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
}

function isPgError(error: unknown): boolean {
  return typeof error === "object" && error !== null && ("code" in error || "errno" in error);
}

/** Turns a pg or socket error into a message that names the server and the fix, never the password. */
export function toDatabaseError(error: unknown, connection: PostgresConnection): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = error as { code?: string; message?: string };
  const where = `PostgreSQL at ${connection.display}`;
  const hints: Record<string, string> = {
    ECONNREFUSED: `${where} refused the connection. Check the host and port in db_credentials, and that the server is running.`,
    ENOTFOUND: `${where}: the host name does not resolve. Check the host in db_credentials.`,
    EAI_AGAIN: `${where}: the host name does not resolve. Check the host in db_credentials.`,
    ETIMEDOUT: `${where} did not answer in time. Check the host, port and any firewall.`,
    "28P01": `${where} refused the login of user '${connection.user}': password authentication failed. Check the password in db_credentials.`,
    "28000": `${where} refused the login of user '${connection.user}'. Check the user name and pg_hba.conf access rules.`,
    "3D000": `${where}: the database does not exist. Check the database name in db_credentials.`,
    "42501": `${where}: user '${connection.user}' lacks a privilege this needs. Grant it, or choose a schema the user owns.`,
  };
  const message = e.message ?? String(error);
  const known =
    (e.code && hints[e.code]) ||
    (/timeout/i.test(message) ? `${where} did not answer in time (${message}). Check the host, port and any firewall.` : undefined) ||
    (/Connection terminated unexpectedly/i.test(message) || e.code === "ECONNRESET"
      ? `${where} closed the connection before answering. Check that the host and port are a PostgreSQL server's, that it is not shutting down, and that it takes more connections (max_connections).`
      : undefined);
  return new DatabaseError(known ?? `${where}: ${message}`);
}

/** Creates `schema` unless it exists, under SCHEMA_CHANGE_LOCK: safe when several servers open a fresh database. */
async function createSchemaOnce(pool: Pool, schema: string): Promise<void> {
  const exists = async (q: Pool | PoolClient) => (await q.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema])).rowCount! > 0;
  if (await exists(pool)) return;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_CHANGE_LOCK]);
    if (!(await exists(client))) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
