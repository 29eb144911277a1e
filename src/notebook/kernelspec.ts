import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A Jupyter kernelspec (`kernel.json`): how Jupyter starts a kernel. */
export interface KernelSpec {
  /** The command; `{connection_file}` stands for the connection file Jupyter writes. */
  argv: string[];
  display_name: string;
  language: string;
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** The tslab binary this library ships with. */
export function tslabBinary(): string {
  return path.join(path.dirname(require.resolve("tslab/package.json")), "bin", "tslab");
}

/** Where `install-kernel` writes; by default the user's Jupyter data folder, as `jupyter kernelspec install --user`. */
export interface InstallKernelOptions {
  /** Install under `<prefix>/share/jupyter/kernels/` (a virtualenv's `sys.prefix`, or a folder named by JUPYTER_PATH). */
  prefix?: string;
  /** The kernel's name, which notebooks name in `metadata.kernelspec.name`. @default "tslab" */
  name?: string;
}

/**
 * The tslab kernelspec with absolute paths: this Node.js binary and the tslab shipped with this library, so Jupyter
 * starts the kernel whatever its PATH (`npx tslab install` writes a bare `tslab`, which a local install does not put on
 * PATH). tslab then hands over to the tslab installed nearest the notebook's folder, if there is one.
 */
export function tslabKernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, fs.realpathSync(tslabBinary()), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
  };
}

/** The user's Jupyter data folder, found as jupyter_core finds it. */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === "win32") return path.join(env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** Writes `kernels/<name>/kernel.json` and returns where it went. */
export function installKernelSpec(options: InstallKernelOptions = {}): { dir: string; file: string; spec: KernelSpec } {
  const name = options.name ?? "tslab";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`kernel name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-' (Jupyter's rule).`);
  }
  const base = options.prefix ? path.join(path.resolve(options.prefix), "share", "jupyter") : userJupyterDataDir();
  const dir = path.join(base, "kernels", name);
  const spec = tslabKernelSpec();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  fs.writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return { dir, file, spec };
}

/** Reads a kernelspec from its `kernel.json` or its folder; says what is wrong with one that cannot start a kernel. */
export function readKernelSpec(fileOrDir: string): KernelSpec {
  const file = fs.existsSync(fileOrDir) && fs.statSync(fileOrDir).isDirectory() ? path.join(fileOrDir, "kernel.json") : fileOrDir;
  let spec: Partial<KernelSpec>;
  try {
    spec = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<KernelSpec>;
  } catch (error) {
    throw new Error(`kernelspec ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(spec.argv) || spec.argv.length === 0 || !spec.argv.every((a) => typeof a === "string")) {
    throw new Error(`kernelspec ${file}: argv must be a non-empty list of strings.`);
  }
  if (!spec.argv.includes("{connection_file}")) {
    throw new Error(`kernelspec ${file}: argv must pass {connection_file} to the kernel.`);
  }
  if (spec.env !== undefined && (typeof spec.env !== "object" || Object.values(spec.env).some((v) => typeof v !== "string"))) {
    throw new Error(`kernelspec ${file}: env must map names to strings.`);
  }
  return spec as KernelSpec;
}

/** The command a kernelspec runs for one connection file, as Jupyter runs it. */
export function kernelCommand(spec: KernelSpec, connectionFile: string): string[] {
  return spec.argv.map((a) => a.replaceAll("{connection_file}", connectionFile));
}
