import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { APIClient } from "../../src/index";
import { MIGRATIONS, migrate } from "../../src/store/migrations";
import { pgliteSnapshot, snapshotFile } from "../../src/store/pglite-snapshot";
import { PGliteStore } from "../../src/store/pglite-store";
import { RecordingOutput } from "../support/recording-output";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-snapshot-"));
const savedCacheDir = process.env.OPENSCALE_CACHE_DIR;
after(() => {
  if (savedCacheDir === undefined) delete process.env.OPENSCALE_CACHE_DIR;
  else process.env.OPENSCALE_CACHE_DIR = savedCacheDir;
  fs.rmSync(tempDir, { recursive: true, force: true });
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
    assert.ok(lingeredMs < 3000, `the process lingered ${lingeredMs.toFixed(0)} ms after close()`);
  });

  test("a script that forgets close() still exits (after postgres's 10 s statistics timer), not never", async () => {
    const { lingeredMs } = await runScript("forgetful", false);
    assert.ok(lingeredMs < 30_000, `the process lingered ${lingeredMs.toFixed(0)} ms`);
  });
});
