/** The `openscale` command, run as a user would (from dist/: `npm test` builds first). */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, describe, test } from "node:test";

const root = path.resolve(__dirname, "../..");
const cli = path.join(root, "dist", "cli.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-cli-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const run = promisify(execFile);

describe("openscale command", () => {
  test("--version prints the package version", async () => {
    const { stdout } = await run(process.execPath, [cli, "--version"]);
    assert.equal(stdout.trim(), JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version);
  });

  test("an unknown command exits 2 with the usage", async () => {
    const err = (await run(process.execPath, [cli, "frobnicate"]).catch((e: unknown) => e)) as { code: number; stderr: string };
    assert.equal(err.code, 2);
    assert.match(err.stderr, /unknown command 'frobnicate'/);
    assert.match(err.stderr, /run-notebook/);
  });

  test("demo binds the local engines and prints text tables in a plain terminal, with no secret", { timeout: 60_000 }, async () => {
    // Piped output is fitted to COLUMNS (80 without it); 200 leaves room for these content checks (fitting: text-table tests).
    const env = { ...process.env, COLUMNS: "200" };
    const { stdout } = await run(process.execPath, [cli, "demo", "--no-notebooks", "--data-dir", path.join(tmp, "demo")], { cwd: tmp, env });
    const tableLines = stdout.split("\n").filter((l) => /^([╔║╟╚]|--- |Note: )/.test(l));
    assert.ok(tableLines.length > 40 && tableLines.every((l) => l.length <= 200), "every table line fits 200 columns");
    assert.match(stdout, /Note: \d+ columns were left out to fit 200 characters: [^.]*prediction_probability/);
    assert.match(stdout, /--- Service bindings ---/);
    assert.match(stdout, /║ [0-9a-f-]{36} │ My custom engine +│ custom_machine_learning +│/);
    assert.match(stdout, /--- Available assets ---/);
    assert.match(stdout, /║ credit /);
    assert.match(stdout, /WML instance +│ watson_machine_learning/);
    assert.match(stdout, /My AWS SageMaker engine +│ sagemaker_machine_learning/);
    assert.match(stdout, /credit-risk-linear-learner/);
    assert.match(stdout, /My Azure ML Studio engine +│ azure_machine_learning /);
    assert.match(stdout, /My Azure ML Service +│ azure_machine_learning_service/);
    assert.match(stdout, /credit-risk-web-service/);
    assert.match(stdout, /scikit-learn_1\.1/);
    assert.match(stdout, /--- Subscriptions ---/);
    assert.match(stdout, /Scored 100 applicants in 5 requests/);
    assert.match(stdout, /--- Payload_[0-9a-f-]+ \(binding_id=/);
    const shown = [...stdout.matchAll(/^║ ([0-9a-f-]{36})-(\d+) +│/gm)].map((m) => m[2]);
    assert.deepEqual(shown, ["1", "2", "3"], "the newest request's first rows, in row order");
    assert.match(stdout, /--- PerformanceMetrics per hour/);
    assert.match(stdout, /║ [0-9T:.-]+Z │ +\d+ │ +\d+ │/, "numbers align right");
    assert.match(stdout, /Successfully finished run/);
    assert.match(stdout, /count by prediction and Sex\n(No Risk|Risk) \/ (female|male) +\| █+ \d+/);
    assert.doesNotMatch(stdout, /password|secret|BEGIN CERTIFICATE/i);
  });

  test("engines writes its credentials to a private file, never to the terminal, and cleans up on Ctrl-C", { timeout: 30_000 }, async () => {
    const file = path.join(tmp, "engines.json");
    const child = spawn(process.execPath, [cli, "engines", "--credentials-file", file], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("Press Ctrl-C")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stdout}`)));
    });
    const credentials = JSON.parse(fs.readFileSync(file, "utf8")) as { custom: { url: string; password: string } };
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(stdout.includes(credentials.custom.url));
    assert.ok(!stdout.includes(credentials.custom.password));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(file), false);
  });
});
