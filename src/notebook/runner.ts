import path from "node:path";
import { TslabKernel } from "./kernel";
import { readKernelSpec, type KernelSpec } from "./kernelspec";
import { readNotebook, sourceOf, toLines, writeNotebook, type NotebookOutput } from "./notebook-file";
import type { JupyterMessage } from "./wire";

export interface RunNotebookOptions {
  /** Write the executed notebook here. */
  output_path?: string;
  /** Write the executed notebook over the input. */
  in_place?: boolean;
  /** Milliseconds one cell may run before it is interrupted. @default 120000 */
  cell_timeout_ms?: number;
  /** Milliseconds the kernel may take to start. @default 60000 */
  kernel_start_timeout_ms?: number;
  /**
   * Start the kernel as this Jupyter kernelspec says (its `kernel.json` or folder, or the spec itself) instead of
   * the tslab this library ships with. The kernel still never outlives the run.
   */
  kernelspec?: string | KernelSpec;
  /** Variables added to the kernel's environment (e.g. OPENSCALE_URL, to run a notebook against a data mart server). */
  env?: Record<string, string>;
}

export interface NotebookRunResult {
  path: string;
  output_path?: string;
  ok: boolean;
  cells_executed: number;
  failed_cell?: { index: number; source: string; error_text: string };
  duration_ms: number;
}

/** tslab refuses requests that arrive within 200 ms of an error; a resend waits this long. */
const ABORT_BACKOFF_MS = 250;

/**
 * Executes a notebook's code cells in order in a fresh tslab kernel (working folder: the notebook's), stops at
 * the first failing cell, and writes the notebook with its outputs and execution counts. The kernel never
 * outlives the run.
 */
export async function runNotebook(file: string, options: RunNotebookOptions = {}): Promise<NotebookRunResult> {
  const started = Date.now();
  const notebook = readNotebook(file);
  const outputPath = options.in_place ? file : options.output_path;
  const result: NotebookRunResult = { path: file, ok: true, cells_executed: 0, duration_ms: 0, ...(outputPath ? { output_path: outputPath } : {}) };
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const spec = typeof options.kernelspec === "string" ? readKernelSpec(options.kernelspec) : options.kernelspec;
  const kernel = await TslabKernel.start(path.dirname(path.resolve(file)), options.kernel_start_timeout_ms, spec, options.env);
  const displays = new Map<string, NotebookOutput>();
  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = sourceOf(cell);
      if (!source.trim()) continue;
      const outputs: NotebookOutput[] = (cell.outputs = []);
      const collect = (m: JupyterMessage) => addOutput(outputs, m, displays);
      let outcome = await kernel.execute(source, collect, options.cell_timeout_ms ?? 120_000);
      if (outcome.status === "abort") {
        await new Promise((r) => setTimeout(r, ABORT_BACKOFF_MS));
        outcome = await kernel.execute(source, collect, options.cell_timeout_ms ?? 120_000);
      }
      cell.execution_count = outcome.execution_count;
      result.cells_executed++;
      if (outcome.status !== "ok") {
        const error_text =
          outcome.status === "timeout"
            ? `Cell ${index} did not finish within ${options.cell_timeout_ms ?? 120_000} ms and was interrupted.\n${outcome.stderr}`.trim()
            : outcome.status === "abort"
              ? `The kernel aborted cell ${index} twice (it refuses requests right after an error).`
              : outcome.stderr.trim() || "The cell failed without an error message.";
        if (outcome.status !== "error") outputs.push({ output_type: "stream", name: "stderr", text: toLines(`${error_text}\n`) });
        result.ok = false;
        result.failed_cell = { index, source, error_text };
        break;
      }
    }
  } finally {
    await kernel.shutdown();
    result.duration_ms = Date.now() - started;
    if (outputPath) writeNotebook(outputPath, notebook);
  }
  return result;
}

/** Adds one iopub message to a cell's outputs as Jupyter would (streams merged, displays updated in place). */
function addOutput(outputs: NotebookOutput[], message: JupyterMessage, displays: Map<string, NotebookOutput>): void {
  const content = message.content as {
    name?: string;
    text?: string;
    data?: Record<string, unknown>;
    metadata?: Record<string, unknown>;
    transient?: { display_id?: string };
    execution_count?: number;
    ename?: string;
    evalue?: string;
    traceback?: string[];
  };
  switch (message.header.msg_type) {
    case "stream": {
      const last = outputs.at(-1);
      if (last?.output_type === "stream" && last.name === content.name) {
        last.text = toLines((last.text as string[]).join("") + (content.text ?? ""));
      } else {
        outputs.push({ output_type: "stream", name: content.name ?? "stdout", text: toLines(content.text ?? "") });
      }
      return;
    }
    case "display_data":
    case "execute_result": {
      const output: NotebookOutput = {
        output_type: message.header.msg_type,
        data: lineData(content.data ?? {}),
        metadata: content.metadata ?? {},
        ...(message.header.msg_type === "execute_result" ? { execution_count: content.execution_count ?? null } : {}),
      };
      outputs.push(output);
      if (content.transient?.display_id) displays.set(content.transient.display_id, output);
      return;
    }
    case "update_display_data": {
      const target = content.transient?.display_id ? displays.get(content.transient.display_id) : undefined;
      if (target) {
        target.data = lineData(content.data ?? {});
        target.metadata = content.metadata ?? {};
      }
      return;
    }
    case "error":
      outputs.push({ output_type: "error", ename: content.ename ?? "Error", evalue: content.evalue ?? "", traceback: content.traceback ?? [] });
      return;
    case "clear_output":
      outputs.length = 0;
      return;
  }
}

/** Text mime types stored as lists of lines, as Jupyter does; others (base64 images, JSON) as they are. */
function lineData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([mime, value]) => [
      mime,
      typeof value === "string" && (mime.startsWith("text/") || mime === "image/svg+xml") ? toLines(value) : value,
    ]),
  );
}
