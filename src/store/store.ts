/**
 * The data mart's database, embedded (PGlite) or a PostgreSQL server (pg), behind one interface.
 * Both speak the same SQL: PostgreSQL's, with `$1` placeholders; unqualified table names resolve through the
 * store's schema (`search_path`).
 */

/** Something SQL can be sent to: the store itself, or an open transaction. */
export interface Queryable {
  /** Runs one statement and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Loads rows into `table`'s `columns` with `COPY … WITH (FORMAT binary)`, the data written by src/store/binary-copy.ts,
   * where the store can: the fast path for bulk rows. Returns "unique_violation" when a row's key exists already
   * (nothing of the COPY is kept then, but the transaction is aborted: run it inside a savepoint).
   */
  copyBinary?(table: string, columns: readonly string[], data: Uint8Array): Promise<"ok" | "unique_violation">;
}

export interface Store extends Queryable {
  readonly kind: "pglite" | "postgresql";
  /** Runs `work` in one transaction: all of its statements land, or none do. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Where the data lives, for humans; never contains a password. */
  describe(): string;
  close(): Promise<void>;
}

/** A schema name: a plain SQL identifier, so it can be quoted safely everywhere. */
/**
 * The PostgreSQL advisory lock held (for one transaction) while a schema or a migration is made: two servers or
 * clients starting at once on a fresh database would otherwise both run `CREATE … IF NOT EXISTS`, and one fails on
 * the catalog's unique index (IF NOT EXISTS is not atomic).
 */
export const SCHEMA_CHANGE_LOCK = 7351001;

export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * Quotes any table or column name (a model's column may be `Scored Labels` or `$N-Risk`). PostgreSQL cuts names
 * at 63 bytes, so longer ones are refused rather than silently merged.
 */
export function quoteName(name: string): string {
  if (name.length === 0 || name.includes("\u0000") || Buffer.byteLength(name) > 63) {
    throw new Error(`not a usable SQL name: ${JSON.stringify(name)} (1 to 63 bytes, no NUL)`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** The COPY statement for copyBinary, reading from `source` (STDIN, or PGlite's '/dev/blob'). */
export function binaryCopyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${quoteName(table)} (${columns.map(quoteName).join(", ")}) FROM ${source} WITH (FORMAT binary)`;
}

/** What copyBinary tells of a failed COPY: a duplicate key is an answer (the caller inserts otherwise), the rest an error. */
export function copyOutcome(error: unknown): "unique_violation" {
  if ((error as { code?: string } | null)?.code === "23505") return "unique_violation";
  throw error;
}
