import fs from "node:fs";
import path from "node:path";
import { runNotebook } from "./runner";

/** `openscale run-notebook <files...> [--out-dir DIR | --in-place] [--cell-timeout SECONDS]`; resolves to the exit code. */
export async function runNotebookCommand(args: string[]): Promise<number> {
  const files: string[] = [];
  let outDir = path.join("out", "notebooks");
  let inPlace = false;
  let cellTimeout: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--in-place") inPlace = true;
    else if (arg === "--out-dir") outDir = args[++i] ?? outDir;
    else if (arg === "--cell-timeout") cellTimeout = Number(args[++i]) * 1000;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg} (use --out-dir DIR, --in-place or --cell-timeout SECONDS)`);
    else files.push(arg);
  }
  if (files.length === 0) throw new Error("name the notebooks to run: openscale run-notebook notebooks/*.ipynb");
  if (!inPlace) fs.mkdirSync(outDir, { recursive: true });
  let failures = 0;
  for (const file of files) {
    const name = path.basename(file);
    const result = await runNotebook(file, {
      ...(inPlace ? { in_place: true } : { output_path: path.join(outDir, name) }),
      ...(cellTimeout ? { cell_timeout_ms: cellTimeout } : {}),
    });
    const seconds = (result.duration_ms / 1000).toFixed(1);
    if (result.ok) {
      console.log(`✔ ${name}  ${result.cells_executed} cells  ${seconds} s`);
    } else {
      failures++;
      console.log(`✖ ${name}  cell ${result.failed_cell?.index} failed (${seconds} s):\n${result.failed_cell?.error_text}`);
    }
  }
  return failures ? 1 : 0;
}
