import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { MIGRATIONS, migrate, type Migration } from "./migrations";

/**
 * A new embedded data mart starts from a snapshot: the data folder of a PGlite database already initialised and
 * migrated, dumped once as a tar file into a per-user cache. Loading it takes a fraction of PGlite's initdb (seconds),
 * so `setup()` on a fresh folder costs about what reopening an existing data mart costs. The snapshot is made at
 * `npm run build` and, failing that, at the first new data mart; `migrate()` still runs on every open, so a
 * snapshot taken at an older migration version moves forward.
 */

/**
 * Postgres options for every embedded database. `log_startup_progress_interval=0`: PGlite arms postgres's startup
 * progress timer (10 s, repeating) when it starts from a loaded data folder and never disarms it, which keeps Node
 * from exiting, ever.
 */
export async function pgliteStartParams(): Promise<string[]> {
  const { PGlite } = await import("@electric-sql/pglite");
  return [...PGlite.defaultStartParams, "-c", "log_startup_progress_interval=0"];
}

/** PGlite's version, from its package.json (which its `exports` do not expose to require). */
const PGLITE_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json"), "utf8")) as { version: string }
).version;

/** The cache folder: OPENSCALE_CACHE_DIR, else $XDG_CACHE_HOME/openscale-ts, else ~/.cache/openscale-ts. */
export function snapshotCacheDir(): string {
  if (process.env.OPENSCALE_CACHE_DIR) return path.resolve(process.env.OPENSCALE_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "openscale-ts");
}

/** Bumped whenever `makeSnapshot` makes a different database from the same migrations. */
const SNAPSHOT_FORMAT = 2;

/** The snapshot's file: one per PGlite version, snapshot format and migration list, so it never outlives any of them. */
export function snapshotFile(migrations: readonly Migration[] = MIGRATIONS): string {
  const digest = createHash("sha256").update(JSON.stringify({ format: SNAPSHOT_FORMAT, migrations })).digest("hex").slice(0, 12);
  return path.join(snapshotCacheDir(), `pglite-${PGLITE_VERSION}-migrations-${migrations.length}-${digest}.tar`);
}

const loaded = new Map<string, Promise<Blob>>();

/** The snapshot as PGlite's `loadDataDir` takes it: read from the cache, or made (and cached) when missing. */
export function pgliteSnapshot(migrations: readonly Migration[] = MIGRATIONS): Promise<Blob> {
  const file = snapshotFile(migrations);
  let snapshot = loaded.get(file);
  if (!snapshot) {
    snapshot = readOrMake(file, migrations);
    loaded.set(file, snapshot);
    snapshot.catch(() => loaded.delete(file));
  }
  return snapshot;
}

async function readOrMake(file: string, migrations: readonly Migration[]): Promise<Blob> {
  try {
    return new Blob([await fs.promises.readFile(file)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const tar = await makeSnapshot(migrations);
  try {
    // Written beside its final name and renamed: a reader never sees half a file, two writers never mix.
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, tar, { mode: 0o600 });
    await fs.promises.rename(temp, file);
  } catch {
    // An unwritable cache only costs speed: the next new data mart makes the snapshot again.
  }
  return new Blob([tar]);
}

/**
 * Runs initdb in memory, applies `migrations`, and dumps the data folder. The template databases go: a data mart
 * never creates a database, and each template is 300 files that a new folder would otherwise write (file creation,
 * not bytes, is what a new data mart's time goes to).
 */
async function makeSnapshot(migrations: readonly Migration[]): Promise<Uint8Array> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db: PGlite = await PGlite.create({ startParams: await pgliteStartParams() });
  try {
    for (const template of ["template0", "template1"]) {
      await db.exec(`ALTER DATABASE ${template} WITH IS_TEMPLATE false`);
      await db.exec(`DROP DATABASE ${template}`);
    }
    await migrate(
      {
        kind: "pglite",
        query: async (sql, params) => (await db.query<never>(sql, params ? [...params] : undefined)).rows,
        transaction: (work) => db.transaction((tx) => work({ query: async (sql, params) => (await tx.query<never>(sql, params ? [...params] : undefined)).rows })),
        describe: () => "snapshot",
        close: async () => undefined,
      },
      migrations,
    );
    await db.query("CHECKPOINT");
    const dump = await db.dumpDataDir("none");
    return new Uint8Array(await dump.arrayBuffer());
  } finally {
    await db.close();
  }
}

/**
 * `node dist/store/pglite-snapshot.js` (run by `npm run build`): makes the snapshot when the cache lacks it, and the
 * first spare (the snapshot unpacked, see ./pglite-spare) that the first new data mart takes.
 */
if (require.main === module) {
  const started = performance.now();
  const file = snapshotFile();
  const existed = fs.existsSync(file);
  pgliteSnapshot()
    .then(async () => {
      if (!existed) console.log(`openscale-ts: embedded database snapshot made in ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}`);
      const { fillSpare } = await import("./pglite-spare");
      fillSpare(file);
    })
    .catch((error: unknown) => {
      console.warn(`openscale-ts: no embedded database snapshot (new data marts will start slower): ${(error as Error).message}`);
    });
}
