export { runNotebook, type RunNotebookOptions, type NotebookRunResult } from "./runner";
export { installKernelCommand, runNotebookCommand } from "./command";
export {
  installKernelSpec,
  kernelCommand,
  readKernelSpec,
  tslabKernelSpec,
  userJupyterDataDir,
  type InstallKernelOptions,
  type KernelSpec,
} from "./kernelspec";
export { TslabKernel, tslabBinary } from "./kernel";
export { readNotebook, writeNotebook, type Notebook, type NotebookCell, type NotebookOutput } from "./notebook-file";
