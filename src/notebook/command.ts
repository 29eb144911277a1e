import fs from "node:fs";
import path from "node:path";
import { installKernelSpec, readKernelSpec } from "./kernelspec";
import { runNotebook } from "./runner";

/**
 * `openscale run-notebook <files...> [--out-dir DIR | --in-place] [--cell-timeout SECONDS] [--kernelspec FILE]`;
 * resolves to the exit code.
 */
export async function runNotebookCommand(args: string[]): Promise<number> {
  const files: string[] = [];
  let outDir = path.join("out", "notebooks");
  let inPlace = false;
  let cellTimeout: number | undefined;
  let kernelspec: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--in-place") inPlace = true;
    else if (arg === "--out-dir") outDir = args[++i] ?? outDir;
    else if (arg === "--cell-timeout") cellTimeout = Number(args[++i]) * 1000;
    else if (arg === "--kernelspec") kernelspec = args[++i];
    else if (arg.startsWith("--")) {
      throw new Error(`unknown option ${arg} (use --out-dir DIR, --in-place, --cell-timeout SECONDS or --kernelspec FILE)`);
    }
    else files.push(arg);
  }
  if (kernelspec !== undefined) readKernelSpec(kernelspec); // a bad kernelspec fails before any notebook runs
  if (files.length === 0) throw new Error("name the notebooks to run: openscale run-notebook notebooks/*.ipynb");
  if (!inPlace) fs.mkdirSync(outDir, { recursive: true });
  let failures = 0;
  for (const file of files) {
    const name = path.basename(file);
    const result = await runNotebook(file, {
      ...(inPlace ? { in_place: true } : { output_path: path.join(outDir, name) }),
      ...(cellTimeout ? { cell_timeout_ms: cellTimeout } : {}),
      ...(kernelspec ? { kernelspec } : {}),
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

/** `openscale install-kernel [--prefix DIR] [--name NAME]`: writes the tslab kernelspec with absolute paths. */
export function installKernelCommand(args: string[]): number {
  let prefix: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`option ${arg} needs a value`);
      return v;
    };
    if (arg === "--prefix") prefix = value();
    else if (arg === "--name") name = value();
    else if (arg === "--user") prefix = undefined;
    else throw new Error(`unknown option ${arg} (use --user, --prefix DIR or --name NAME)`);
  }
  const { dir, spec } = installKernelSpec({ ...(prefix ? { prefix } : {}), ...(name ? { name } : {}) });
  console.log(`Installed kernelspec ${path.basename(dir)} in ${dir}`);
  console.log(`  argv: ${JSON.stringify(spec.argv)}`);
  if (prefix) console.log(`Jupyter finds it with: export JUPYTER_PATH=${path.join(path.resolve(prefix), "share", "jupyter")}`);
  return 0;
}
