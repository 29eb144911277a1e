import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { runNotebook } from "../../src/notebook/index";

const root = path.resolve(__dirname, "../..");
// Inside the repository, so that `import ... from "tslab"` resolves through its node_modules.
fs.mkdirSync(path.join(root, ".notebook-runs"), { recursive: true });
const dir = fs.mkdtempSync(path.join(root, ".notebook-runs", "runner-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Cell = { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null };
type Output = { output_type: string; name?: string; text?: string[]; data?: Record<string, string[] | string> };

function write(name: string, cells: [kind: "code" | "markdown", source: string][]): string {
  const file = path.join(dir, name);
  const nb = {
    cells: cells.map(([kind, source]) =>
      kind === "code" ? { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source } : { cell_type: "markdown", metadata: {}, source },
    ),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

function read(file: string): { cells: Cell[]; metadata: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

const text = (o: Output) => (o.text ?? []).join("");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of running tslab kernels started by this test (working folder inside its own temporary folder). */
function kernelPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
        return cmd.includes("tslab") && cmd.includes("kernel") && fs.readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("notebook runner", () => {
  test("runs code cells in order and records streams, displays, updates and counts", { timeout: 60_000 }, async () => {
    const file = write("ok.ipynb", [
      ["markdown", "# Title\nuntouched"],
      ["code", 'console.log("hello");\nconsole.log("world");'],
      ["code", 'import * as tslab from "tslab";\ntslab.display.html("<table id=\\"t1\\"><tr><td>1</td></tr></table>");'],
      ["code", "const v = await new Promise<number>((r) => setTimeout(() => r(21), 50));\nv * 2"],
      ["code", 'const d = tslab.newDisplay();\nd.text("first");\nd.text("second");'],
    ]);
    const output = path.join(dir, "ok.out.ipynb");
    const before = kernelPids();
    const result = await runNotebook(file, { output_path: output });
    assert.equal(result.ok, true, result.failed_cell?.error_text);
    assert.equal(result.cells_executed, 4);
    const nb = read(output);
    const code = nb.cells.filter((c) => c.cell_type === "code");
    assert.deepEqual(code.map((c) => c.execution_count), [1, 2, 3, 4]);
    assert.deepEqual(code[0]!.outputs!.map(text), ["hello\nworld\n"], "consecutive stdout chunks merge into one output");
    assert.deepEqual(code[1]!.outputs![0]!.data!["text/html"], ['<table id="t1"><tr><td>1</td></tr></table>']);
    assert.equal(text(code[2]!.outputs![0]!), "42\n");
    assert.equal(code[3]!.outputs!.length, 1, "update_display_data replaced the first display");
    assert.deepEqual(code[3]!.outputs![0]!.data!["text/plain"], ["second"]);
    assert.deepEqual(nb.cells[0], { cell_type: "markdown", metadata: {}, source: "# Title\nuntouched" });
    assert.equal((nb.metadata.kernelspec as { name: string }).name, "tslab");
    assert.deepEqual(kernelPids().filter((p) => !before.includes(p)), [], "no kernel left running");
  });

  test("stops at a type error, reports tslab's stderr text, leaves later cells unexecuted", { timeout: 60_000 }, async () => {
    const file = write("type-error.ipynb", [
      ["code", 'console.log("before")'],
      ["code", 'const n: number = "text";'],
      ["code", 'console.log("after")'],
    ]);
    const output = path.join(dir, "type-error.out.ipynb");
    const result = await runNotebook(file, { output_path: output });
    assert.equal(result.ok, false);
    assert.equal(result.failed_cell?.index, 1);
    assert.match(result.failed_cell!.error_text, /Type 'string' is not assignable to type 'number'/);
    const code = read(output).cells;
    assert.match(code[1]!.outputs!.map(text).join(""), /not assignable/);
    assert.equal(code[2]!.execution_count, null);
    assert.deepEqual(code[2]!.outputs, []);
  });

  test("a runtime error stops the run with the stack text", { timeout: 60_000 }, async () => {
    const file = write("throw.ipynb", [["code", 'throw new Error("boom in cell")'], ["code", "1"]]);
    const result = await runNotebook(file);
    assert.equal(result.ok, false);
    assert.equal(result.failed_cell?.index, 0);
    assert.match(result.failed_cell!.error_text, /Error: boom in cell/);
    assert.equal(result.cells_executed, 1);
  });

  test("a cell that never ends is interrupted after the cell timeout, and the kernel is gone", { timeout: 60_000 }, async () => {
    const file = write("hang.ipynb", [["code", "await new Promise(() => {});"], ["code", "1"]]);
    const before = kernelPids();
    const result = await runNotebook(file, { cell_timeout_ms: 1500 });
    assert.equal(result.ok, false);
    assert.match(result.failed_cell!.error_text, /did not finish within 1500 ms and was interrupted/);
    assert.deepEqual(kernelPids().filter((p) => !before.includes(p)), []);
  });

  test("killing the driver process leaves no orphan kernel", { timeout: 60_000 }, async () => {
    const driver = path.join(dir, "driver.ts");
    fs.writeFileSync(
      driver,
      `import { TslabKernel } from ${JSON.stringify(path.join(root, "src/notebook/kernel"))};
       TslabKernel.start(${JSON.stringify(dir)}).then((k) => { console.log("PID " + k.pid); setInterval(() => {}, 1000); });`,
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
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false, "the kernel died with its driver");
  });
});
