import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { DatabaseError, DataMartInUseError } from "../errors";
import { PGliteStore } from "./pglite-store";
import { isAlive } from "./process-alive";
import type { Queryable, Store } from "./store";

/**
 * An embedded database folder has one holder at a time. Two PGlite instances on one folder (two notebooks, or two
 * clients in one kernel) each keep their own buffers and WAL position, and the last to write wins: rows vanish and
 * indexes break. So a folder is locked (proper-lockfile: a `.lock` directory whose mtime the holder refreshes) by
 * the first process that opens it, and inside that process every client on the folder shares one database,
 * counted, closed when the last of them closes.
 */

/** A refreshed lock older than this is stale (its holder hung or vanished on another host). */
const STALE_MS = 30_000;

interface Holder {
  pid: number;
  hostname: string;
  since: string;
}

interface OpenDatabase {
  store: Promise<PGliteStore>;
  users: number;
  release: () => Promise<void>;
  /** Set when the lock was lost (another process judged it stale): writing on would lose data. */
  compromised?: Error;
}

const openDatabases = new Map<string, OpenDatabase>();

/** Whether this process has the embedded database in `dir` open (through any client). */
export function isEmbeddedStoreOpen(dir: string): boolean {
  return openDatabases.has(path.resolve(dir));
}

/** Opens (or joins) the embedded database in `dir`, a folder's `db/`; the folder itself holds the lock. */
export async function openEmbeddedStore(dir: string): Promise<Store> {
  const key = path.resolve(dir);
  let database = openDatabases.get(key);
  if (!database) {
    const entry: OpenDatabase = { users: 0, release: async () => undefined, store: Promise.resolve(undefined as never) };
    entry.store = (async () => {
      entry.release = await lockFolder(path.dirname(key), (error) => (entry.compromised = error));
      try {
        return await PGliteStore.open(key);
      } catch (error) {
        await entry.release();
        throw error;
      }
    })();
    entry.store.catch(() => {
      if (openDatabases.get(key) === entry) openDatabases.delete(key);
    });
    openDatabases.set(key, entry);
    database = entry;
  }
  const shared = database;
  shared.users++;
  try {
    return new SharedStore(await shared.store, shared, () => closeUse(key, shared));
  } catch (error) {
    shared.users--;
    throw error;
  }
}

async function closeUse(key: string, database: OpenDatabase): Promise<void> {
  database.users--;
  if (database.users > 0) return;
  if (openDatabases.get(key) === database) openDatabases.delete(key);
  try {
    await (await database.store).close();
  } finally {
    await database.release();
  }
}

/** One client's use of a shared embedded database: closing it closes the database only for the last user. */
class SharedStore implements Store {
  readonly kind = "pglite" as const;
  private closed = false;

  constructor(
    private readonly store: PGliteStore,
    private readonly database: OpenDatabase,
    private readonly onClose: () => Promise<void>,
  ) {}

  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    this.check();
    return this.store.query<R>(sql, params);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.check();
    return this.store.transaction(work);
  }

  describe(): string {
    return this.store.describe();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.onClose();
  }

  private check(): void {
    if (this.closed) throw new DatabaseError("This client closed its data mart database; a new call reopens it through the client.");
    if (this.database.compromised) {
      throw new DatabaseError(
        `The lock on the embedded data mart was lost (${this.database.compromised.message}); nothing more is written. ` +
          "Close this client and open it again.",
      );
    }
  }
}

/** Takes the folder's lock, recovering one left by a dead process on this host. Returns its release. */
async function lockFolder(folder: string, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  const lockPath = path.join(folder, ".lock");
  const holderFile = path.join(folder, ".lock-holder.json");
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  fs.chmodSync(folder, 0o700); // whatever the umask: the folder holds credentials and the database
  const options = { realpath: false, lockfilePath: lockPath, stale: STALE_MS, retries: 0, onCompromised };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(folder, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    const holder = readHolder(holderFile);
    if (!holder || holder.hostname !== os.hostname() || isAlive(holder.pid)) throw new DataMartInUseError(folder, holder?.pid);
    // Its holder died without unlocking (killed with SIGKILL, or the machine stopped): the lock is stale.
    fs.rmSync(lockPath, { recursive: true, force: true });
    try {
      release = await lockfile.lock(folder, options);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== "ELOCKED") throw again;
      throw new DataMartInUseError(folder, readHolder(holderFile)?.pid);
    }
  }
  fs.chmodSync(lockPath, 0o700);
  const holder: Holder = { pid: process.pid, hostname: os.hostname(), since: new Date().toISOString() };
  fs.writeFileSync(holderFile, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  return async () => {
    fs.rmSync(holderFile, { force: true });
    await release().catch(() => undefined); // already released, or compromised: nothing left to free
  };
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, "utf8")) as Holder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}
