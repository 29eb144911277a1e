import fs from "node:fs";
import path from "node:path";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { DatabaseError } from "../errors";
import { pgliteSnapshot, pgliteStartParams } from "./pglite-snapshot";
import type { Queryable, Store } from "./store";

async function loadPGlite(): Promise<typeof import("@electric-sql/pglite")> {
  return import("@electric-sql/pglite");
}

/** The embedded store: PGlite persisted in a folder, or in memory when `dataDir` is undefined. */
export class PGliteStore implements Store {
  readonly kind = "pglite" as const;

  private constructor(
    private readonly db: PGlite,
    private readonly dataDir: string | undefined,
  ) {}

  static async open(dataDir?: string): Promise<PGliteStore> {
    const { PGlite } = await loadPGlite();
    try {
      const startParams = await pgliteStartParams();
      // A new database starts from the snapshot (see ./pglite-snapshot), not from PGlite's initdb.
      if (dataDir === undefined) return new PGliteStore(await PGlite.create({ startParams, loadDataDir: await snapshotOrNothing() }), undefined);
      fs.mkdirSync(dataDir, { recursive: true });
      const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
      const loadDataDir = fresh ? await snapshotOrNothing() : undefined;
      return new PGliteStore(await PGlite.create({ dataDir, startParams, ...(loadDataDir ? { loadDataDir } : {}) }), dataDir);
    } catch (error) {
      throw new DatabaseError(
        `Could not open the embedded data mart database${dataDir ? ` in ${dataDir}` : ""}: ${(error as Error).message}. ` +
          "If another process has it open, close that process first.",
        { cause: error },
      );
    }
  }

  async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return runOn(this.db, sql, params);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work({ query: (sql, params) => runOn(tx, sql, params) }));
  }

  describe(): string {
    return this.dataDir ? `embedded PGlite in ${this.dataDir}` : "embedded PGlite in memory";
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

/** The snapshot, or nothing when it cannot be had (PGlite then runs initdb: slower, same result). */
async function snapshotOrNothing(): Promise<Blob | undefined> {
  return pgliteSnapshot().catch(() => undefined);
}

async function runOn<R>(db: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<R[]> {
  const result = await db.query<R>(sql, params ? [...params] : undefined);
  return result.rows;
}
