import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { APIClient, CustomMachineLearningInstance, DataMartInUseError, SageMakerMachineLearningInstance, startLocalEngines } from "../../src/index";
import { RecordingOutput } from "../support/recording-output";

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-lock-"));
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));
const src = JSON.stringify(path.resolve(__dirname, "../../src/index"));

/** A child process that sets up a data mart in `dataDir`, adds a binding, says "ready" and waits until killed. */
function holder(dataDir: string): { child: ChildProcess; ready: Promise<void> } {
  const script = path.join(tempDir, `holder-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(
    script,
    `import { APIClient, CustomMachineLearningInstance } from ${src};
     const quiet = { table() {}, chart() {}, print() {}, warn() {} };
     (async () => {
       const client = new APIClient({ data_dir: ${JSON.stringify(dataDir)} }, quiet);
       await client.data_mart.setup();
       await client.data_mart.bindings.get_uids();
       console.log("ready");
       setInterval(() => undefined, 1000);
     })();`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on("exit", () => resolve())));
}

describe("one holder per embedded data mart folder", () => {
  test("a second process gets a clear error naming the folder, the holder's pid and the ways out", async () => {
    const dataDir = path.join(tempDir, "shared");
    const { child, ready } = holder(dataDir);
    try {
      await ready;
      const client = new APIClient({ data_dir: dataDir }, new RecordingOutput());
      const error = await client.data_mart.bindings.get_uids().then(
        () => assert.fail("the second process opened a folder another process holds"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DataMartInUseError, String(error));
      assert.match(error.message, new RegExp(path.resolve(dataDir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      assert.match(error.message, new RegExp(`pid ${child.pid}`));
      assert.match(error.message, /data_dir/);
      assert.match(error.message, /server/);
      await client.close();
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });

  test("the lock of a holder killed with SIGKILL is recovered at once", async () => {
    const dataDir = path.join(tempDir, "killed");
    const { child, ready } = holder(dataDir);
    await ready;
    child.kill("SIGKILL");
    await exited(child);
    assert.ok(fs.existsSync(path.join(dataDir, ".lock")), "the killed holder left no lock (nothing to recover)");
    const client = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    assert.deepEqual(await client.data_mart.bindings.get_uids(), []);
    await client.close();
  });

  test("two clients in one process share the database: both see each other's writes, neither loses data", async (t) => {
    const dataDir = path.join(tempDir, "two-clients");
    const engines = await startLocalEngines();
    t.after(() => engines.stop());
    const a = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    const b = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    await a.data_mart.setup();
    const first = await a.data_mart.bindings.add("engine A", new CustomMachineLearningInstance(engines.custom));
    assert.deepEqual(await b.data_mart.bindings.get_uids(), [first]);
    const second = await b.data_mart.bindings.add("engine B", new SageMakerMachineLearningInstance(engines.sagemaker));
    assert.deepEqual((await a.data_mart.bindings.get_uids()).sort(), [first, second].sort());
    await a.close(); // b keeps the database open
    assert.deepEqual((await b.data_mart.bindings.get_uids()).sort(), [first, second].sort());
    await b.close();
    const reopened = new APIClient({ data_dir: dataDir }, new RecordingOutput());
    assert.deepEqual((await reopened.data_mart.bindings.get_uids()).sort(), [first, second].sort());
    await reopened.close();
    assert.ok(!fs.existsSync(path.join(dataDir, ".lock")), "the lock outlived the last client");
  });
});
