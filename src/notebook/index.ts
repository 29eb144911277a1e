export { runNotebook, type RunNotebookOptions, type NotebookRunResult } from "./runner";
export { runNotebookCommand } from "./command";
export { TslabKernel, tslabBinary } from "./kernel";
export { readNotebook, writeNotebook, type Notebook, type NotebookCell, type NotebookOutput } from "./notebook-file";
