import fs from "node:fs";
import path from "node:path";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { DatabaseError } from "../errors";
import { pgliteSnapshot, pgliteStartParams } from "./pglite-snapshot";
import { refillSpareInBackground, takeSpare } from "./pglite-spare";
import { binaryCopyStatement, copyOutcome, type Queryable, type Store } from "./store";

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
      // A new folder takes the spare (the snapshot unpacked in advance) when there is one, else unpacks the snapshot.
      const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
      const tookSpare = fresh && takeSpare(dataDir);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dataDir, 0o700); // mkdir's mode is cut by the umask; chmod's is not
      const loadDataDir = fresh && !tookSpare ? await snapshotOrNothing() : undefined;
      const store = new PGliteStore(await PGlite.create({ dataDir, startParams, ...(loadDataDir ? { loadDataDir } : {}) }), dataDir);
      if (fresh) refillSpareInBackground();
      restrictToOwner(dataDir);
      return store;
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
    return this.db.transaction((tx) =>
      work({
        query: (sql, params) => runOn(tx, sql, params),
        // PGlite has no STDIN: COPY reads the data as a file, which the blob option provides.
        copyBinary: (table, columns, data) =>
          tx.query(binaryCopyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([data]) }).then(() => "ok" as const, copyOutcome),
      }),
    );
  }

  describe(): string {
    return this.dataDir ? `embedded PGlite in ${this.dataDir}` : "embedded PGlite in memory";
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.dataDir) restrictToOwner(this.dataDir);
  }
}

/**
 * PGlite creates its files with mode 0666 less the umask (0666 itself under umask 0). The folder is 0700 from the
 * start, so nobody else can reach them; they are made 0600 (folders 0700) when the database opens and closes.
 */
export function restrictToOwner(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const mode = entry.isDirectory() ? 0o700 : 0o600;
    try {
      if ((fs.statSync(file).mode & 0o777) !== mode) fs.chmodSync(file, mode);
    } catch {
      // removed meanwhile
    }
  }
  fs.chmodSync(dir, 0o700);
}

/** The snapshot, or nothing when it cannot be had (PGlite then runs initdb: slower, same result). */
async function snapshotOrNothing(): Promise<Blob | undefined> {
  return pgliteSnapshot().catch(() => undefined);
}

async function runOn<R>(db: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<R[]> {
  const result = await db.query<R>(sql, params ? [...params] : undefined);
  return result.rows;
}
