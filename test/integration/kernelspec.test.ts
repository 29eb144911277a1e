/**
 * The kernelspec `openscale install-kernel` writes for Jupyter: where it goes, that its command is absolute and
 * executable, and that the kernel it starts runs cells over the Jupyter protocol (no Jupyter needed: our runner
 * starts the kernel from the kernelspec's argv as Jupyter would).
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, describe, test } from "node:test";
import { installKernelSpec, readKernelSpec, runNotebook, TslabKernel, type KernelSpec } from "../../src/notebook/index";

const root = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "openscale-kernelspec-"));
// Notebooks and kernels run inside the repository, where `openscale-ts` and `tslab` resolve.
fs.mkdirSync(path.join(root, ".notebook-runs"), { recursive: true });
const work = fs.mkdtempSync(path.join(root, ".notebook-runs", "kernelspec-"));
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe("kernelspec", () => {
  const prefix = path.join(tmp, "prefix");
  const { file } = installKernelSpec({ prefix });

  test("is written where Jupyter looks for a prefix, with an absolute, executable command", () => {
    assert.equal(file, path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json"));
    const spec = JSON.parse(fs.readFileSync(file, "utf8")) as KernelSpec;
    assert.equal(spec.display_name, "TypeScript");
    assert.equal(spec.language, "typescript");
    const [command, script, ...rest] = spec.argv;
    assert.ok(path.isAbsolute(command!), `argv[0] is absolute: ${command}`);
    assert.ok(fs.statSync(command!).isFile());
    fs.accessSync(command!, fs.constants.X_OK);
    assert.ok(path.isAbsolute(script!) && fs.existsSync(script!), `the tslab script exists: ${script}`);
    assert.deepEqual(rest, ["kernel", "--config-path", "{connection_file}"]);
  });

  test("the kernel started from its argv executes cells and resolves openscale-ts; it is gone after shutdown", { timeout: 60_000 }, async () => {
    const kernel = await TslabKernel.start(work, 60_000, readKernelSpec(file));
    try {
      assert.ok(alive(kernel.pid));
      const messages: { type: string; content: Record<string, unknown> }[] = [];
      const outcome = await kernel.execute(
        'import * as tslab from "tslab";\nconsole.log(require.resolve("openscale-ts/package.json"));\ntslab.display.html("<b>ok</b>");',
        (m) => messages.push({ type: m.header.msg_type, content: m.content }),
        30_000,
      );
      assert.equal(outcome.status, "ok", outcome.stderr);
      assert.equal(outcome.execution_count, 1);
      const stdout = messages.filter((m) => m.type === "stream").map((m) => String(m.content.text)).join("");
      assert.equal(fs.realpathSync(stdout.trim()), path.join(root, "package.json"));
      assert.deepEqual(messages.filter((m) => m.type === "display_data").map((m) => m.content.data), [{ "text/html": "<b>ok</b>" }]);
    } finally {
      await kernel.shutdown();
    }
    assert.ok(await gone(kernel.pid), "no kernel left running");
  });

  test("the runner takes a kernelspec file and runs a notebook with it", { timeout: 60_000 }, async () => {
    const notebook = path.join(work, "spec.ipynb");
    const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
    fs.writeFileSync(notebook, JSON.stringify({ cells: [cell("const x = 20;"), cell("x + 22")], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    const output_path = path.join(work, "spec.out.ipynb");
    const result = await runNotebook(notebook, { output_path, kernelspec: path.dirname(file) });
    assert.equal(result.ok, true, result.failed_cell?.error_text);
    const cells = (JSON.parse(fs.readFileSync(output_path, "utf8")) as { cells: { outputs: { text: string[] }[] }[] }).cells;
    assert.deepEqual(cells[1]!.outputs.map((o) => o.text.join("")), ["42\n"]);
  });

  test("a kernel started from a kernelspec dies with its driver", { timeout: 60_000 }, async () => {
    const driver = path.join(work, "driver.ts");
    fs.writeFileSync(
      driver,
      `import { TslabKernel } from ${JSON.stringify(path.join(root, "src/notebook/kernel"))};
       import { readKernelSpec } from ${JSON.stringify(path.join(root, "src/notebook/kernelspec"))};
       TslabKernel.start(${JSON.stringify(work)}, 60_000, readKernelSpec(${JSON.stringify(file)}))
         .then((k) => { console.log("PID " + k.pid); setInterval(() => {}, 1000); });`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", driver], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /PID (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", () => reject(new Error(`driver exited early: ${out}`)));
    });
    assert.ok(alive(pid), "the kernel runs while the driver lives");
    child.kill("SIGKILL");
    assert.ok(await gone(pid), "the kernel died with its driver");
  });

  test("a kernelspec whose command does not exist fails to start with the reason", { timeout: 30_000 }, async () => {
    const missing = { argv: [path.join(tmp, "no-such-tslab"), "kernel", "--config-path", "{connection_file}"], display_name: "x", language: "typescript" };
    await assert.rejects(TslabKernel.start(work, 10_000, missing), /did not start \(exit 127\).*ENOENT/s);
  });

  test("a kernel.json that cannot start a kernel is refused, naming the field", () => {
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ argv: ["tslab", "kernel"], display_name: "x", language: "typescript" }));
    assert.throws(() => readKernelSpec(bad), /argv must pass \{connection_file\}/);
    fs.writeFileSync(bad, JSON.stringify({ argv: [], display_name: "x" }));
    assert.throws(() => readKernelSpec(bad), /argv must be a non-empty list of strings/);
    assert.throws(() => installKernelSpec({ prefix, name: "../escape" }), /kernel name "..\/escape"/);
  });

  test("openscale install-kernel writes the user's kernelspec by default (JUPYTER_DATA_DIR) and says where", { timeout: 30_000 }, async () => {
    const dataDir = path.join(tmp, "data");
    const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(root, "src", "cli.ts"), "install-kernel"], {
      cwd: root,
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir },
    });
    const written = path.join(dataDir, "kernels", "tslab", "kernel.json");
    assert.match(stdout, new RegExp(`Installed kernelspec tslab in ${path.dirname(written).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.deepEqual(readKernelSpec(written).argv, readKernelSpec(file).argv);
  });
});
