import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { APIClient } from "../../src/index";
import { MIGRATIONS, migrate } from "../../src/store/migrations";
import { pgliteSnapshot, snapshotFile } from "../../src/store/pglite-snapshot";
import { fillSpare, spareDir } from "../../src/store/pglite-spare";
import { PGliteStore } from "../../src/store/pglite-store";
import { RecordingOutput } from "../support/recording-output";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-snapshot-"));
const savedCacheDir = process.env.OPENSCALE_CACHE_DIR;
after(() => {
  if (savedCacheDir === undefined) delete process.env.OPENSCALE_CACHE_DIR;
  else process.env.OPENSCALE_CACHE_DIR = savedCacheDir;
  // A background child may still be unpacking a spare in there.
  fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** Makes a snapshot of `migrations` and files it under the name of the current migrations, in a cache of its own. */
async function cacheHolding(name: string, migrations: typeof MIGRATIONS): Promise<string> {
  const maker = path.join(tempDir, `${name}-maker`);
  const cache = path.join(tempDir, name);
  process.env.OPENSCALE_CACHE_DIR = maker;
  await pgliteSnapshot(migrations);
  const made = snapshotFile(migrations);
  process.env.OPENSCALE_CACHE_DIR = cache;
  fs.mkdirSync(cache, { recursive: true });
  fs.copyFileSync(made, snapshotFile());
  return cache;
}

describe("new embedded data marts start from a snapshot", () => {
  test("a new data mart, in memory and in a folder, is a copy of the cached snapshot", async () => {
    const marker = { version: 999, name: "snapshot marker", sql: "CREATE TABLE snapshot_marker (x integer)" };
    await cacheHolding("marked", [...MIGRATIONS, marker]);
    const present = async (store: PGliteStore) => {
      const rows = await store.query<{ present: boolean }>("SELECT to_regclass('snapshot_marker') IS NOT NULL AS present");
      await store.close();
      return rows[0]!.present;
    };
    // In memory: what `new APIClient({ in_memory: true })` opens.
    assert.equal(await present(await PGliteStore.open()), true, "the in-memory database was not made from the snapshot");
    // In a folder: set up through the client, then the folder's database reopened.
    const dataDir = path.join(tempDir, "marked-dm");
    const client = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    await client.data_mart.setup();
    await client.close();
    assert.equal(await present(await PGliteStore.open(path.join(dataDir, "db"))), true, "the folder's database was not made from the snapshot");
  });

  test("a snapshot taken at an older migration version migrates forward", async () => {
    await cacheHolding("old", MIGRATIONS.slice(0, 1));
    const store = await PGliteStore.open(path.join(tempDir, "old-dm", "db"));
    try {
      const before = await store.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      assert.deepEqual(before.map((r) => r.version), [1]);
      assert.equal(await migrate(store), MIGRATIONS.length - 1);
      const [{ present }] = (await store.query<{ present: boolean }>("SELECT to_regclass('subscriptions') IS NOT NULL AS present")) as [{ present: boolean }];
      assert.equal(present, true);
    } finally {
      await store.close();
    }
  });

  /** Runs a script that sets up new data marts (in a folder and in memory) and queries them; resolves when it exits. */
  async function runScript(name: string, close: boolean): Promise<{ code: number | null; stderr: string; lingeredMs: number }> {
    process.env.OPENSCALE_CACHE_DIR = path.join(tempDir, "script-cache");
    await pgliteSnapshot();
    fillSpare(); // the new data mart takes it and starts a background child (which must not hold the script)
    const script = path.join(tempDir, `${name}.ts`);
    fs.writeFileSync(
      script,
      `import { APIClient } from ${JSON.stringify(path.resolve(__dirname, "../../src/index"))};
       const quiet = { table() {}, chart() {}, print() {}, warn() {} };
       (async () => {
         for (const options of [{ data_dir: ${JSON.stringify(path.join(tempDir, `${name}-dm`))} }, { in_memory: true }]) {
           const client = new APIClient(options, quiet);
           await client.data_mart.setup();
           await client.data_mart.bindings.get_uids();
           ${close ? "await client.close();" : ""}
         }
         console.log("done");
       })();`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let doneAt = 0;
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("done")) doneAt = performance.now();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 90_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.notEqual(code, null, "the script never exited");
    assert.equal(code, 0, stderr);
    assert.ok(doneAt > 0, "the script did not reach its end");
    return { code, stderr, lingeredMs: performance.now() - doneAt };
  }

  test("a script that sets up a new data mart, queries and closes exits promptly", async () => {
    const { lingeredMs } = await runScript("closing", true);
    assert.equal(fs.existsSync(path.join(tempDir, "closing-dm", "db", "PG_VERSION")), true);
    assert.ok(lingeredMs < 3000, `the process lingered ${lingeredMs.toFixed(0)} ms after close()`);
  });

  test("a script that forgets close() still exits (after postgres's 10 s statistics timer), not never", async () => {
    const { lingeredMs } = await runScript("forgetful", false);
    assert.ok(lingeredMs < 30_000, `the process lingered ${lingeredMs.toFixed(0)} ms`);
  });

  /** Waits until `check` holds (the background child's work), failing after `ms`. */
  async function eventually(what: string, check: () => boolean, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) assert.fail(`${what}: not within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const hasAllMigrations = async (dataDir: string) => {
    const store = await PGliteStore.open(dataDir);
    try {
      const rows = await store.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      return rows.length === MIGRATIONS.length;
    } finally {
      await store.close();
    }
  };

  test("a new data mart takes the spare folder, and a background child unpacks the next one", async () => {
    await cacheHolding("spare", MIGRATIONS);
    assert.equal(fillSpare(), true);
    const spare = spareDir();
    fs.writeFileSync(path.join(spare, "sentinel"), "this spare was taken");
    const dataDir = path.join(tempDir, "spare-dm");
    const client = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    await client.data_mart.setup();
    await client.data_mart.bindings.get_uids();
    await client.close();
    const db = path.join(dataDir, "db");
    assert.equal(fs.existsSync(path.join(db, "sentinel")), true, "the new data mart did not take the spare");
    assert.equal(fs.statSync(db).mode & 0o777, 0o700);
    for (const entry of fs.readdirSync(db, { withFileTypes: true, recursive: true })) {
      const mode = fs.statSync(path.join(entry.parentPath, entry.name)).mode & 0o777;
      assert.equal(mode, entry.isDirectory() ? 0o700 : 0o600, `${entry.name} is ${mode.toString(8)}`);
    }
    assert.equal(await hasAllMigrations(db), true);
    await eventually("the spare refilled", () => fs.existsSync(spare));
    assert.equal(fs.existsSync(path.join(spare, "sentinel")), false, "the refilled spare is the old one");
    assert.equal(fs.existsSync(path.join(spare, "PG_VERSION")), true);
  });

  test("a spare of other migrations, or one half unpacked, is never taken, and is cleaned away", async () => {
    const cache = await cacheHolding("stale", MIGRATIONS);
    process.env.OPENSCALE_CACHE_DIR = cache;
    // A spare made under the name of an older migration list, and one a killed child left half unpacked.
    const stale = spareDir(snapshotFile(MIGRATIONS.slice(0, 1)));
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const half = `${spareDir()}.unpacking-${deadPid}`;
    for (const folder of [stale, half]) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "sentinel"), "never take this");
    }
    assert.equal(fs.existsSync(spareDir()), false);
    const db = path.join(tempDir, "stale-dm", "db");
    assert.equal(await hasAllMigrations(db), true);
    assert.equal(fs.existsSync(path.join(db, "sentinel")), false, "a stale or half-unpacked spare was taken");
    await eventually("the spare refilled and the leftovers removed", () => fs.existsSync(spareDir()) && !fs.existsSync(stale) && !fs.existsSync(half));
    assert.deepEqual(
      fs.readdirSync(cache).filter((name) => !name.endsWith(".tar")),
      [path.basename(spareDir())],
    );
  });

  test("two processes creating data marts at once each get a working database of their own", async () => {
    await cacheHolding("race", MIGRATIONS);
    assert.equal(fillSpare(), true); // one spare, two takers: one takes it, the other unpacks the snapshot
    fs.writeFileSync(path.join(spareDir(), "sentinel"), "taken once");
    const script = path.join(tempDir, "race.ts");
    fs.writeFileSync(
      script,
      `import { openEmbeddedStore } from ${JSON.stringify(path.resolve(__dirname, "../../src/store/embedded-stores"))};
       import { migrate } from ${JSON.stringify(path.resolve(__dirname, "../../src/store/migrations"))};
       (async () => {
         const name = process.argv[2]!;
         const store = await openEmbeddedStore(${JSON.stringify(tempDir)} + "/race-" + name + "/db");
         await migrate(store);
         await store.query("CREATE TABLE mine (name text)");
         await store.query("INSERT INTO mine VALUES ($1)", [name]);
         await store.close();
       })();`,
    );
    const run = (name: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, name], { env: { ...process.env }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run("a"), run("b")]);
    for (const { code, stderr } of results) assert.equal(code, 0, stderr);
    for (const name of ["a", "b"]) {
      const store = await PGliteStore.open(path.join(tempDir, `race-${name}`, "db"));
      try {
        assert.deepEqual(await store.query("SELECT name FROM mine"), [{ name }]);
        const rows = await store.query<{ version: number }>("SELECT version FROM schema_migrations");
        assert.equal(rows.length, MIGRATIONS.length);
      } finally {
        await store.close();
      }
    }
    const takers = ["a", "b"].filter((name) => fs.existsSync(path.join(tempDir, `race-${name}`, "db", "sentinel")));
    assert.equal(takers.length, 1, `the spare was taken by ${takers.length} processes`);
    await eventually("the spare refilled", () => fs.existsSync(spareDir()));
  });
});
