import fs from "node:fs";

/** One output of a code cell, as nbformat 4 stores it. */
export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export function readNotebook(file: string): Notebook {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  if (!Array.isArray(notebook.cells)) throw new Error(`${file} is not a notebook: it has no cells.`);
  return notebook;
}

/** A cell's source as one string (nbformat may store it as a list of lines). */
export function sourceOf(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Text as nbformat's list of lines (each but the last ending in a newline): small, readable diffs. */
export function toLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length ? lines : [""];
}

/** Writes the notebook as Jupyter does: one-space indentation, a trailing newline. */
export function writeNotebook(file: string, notebook: Notebook): void {
  notebook.metadata.kernelspec ??= { display_name: "TypeScript", language: "typescript", name: "tslab" };
  notebook.metadata.language_info ??= {
    codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    file_extension: ".ts",
    mimetype: "text/typescript",
    name: "typescript",
    version: "3.7.2",
  };
  fs.writeFileSync(file, `${JSON.stringify(notebook, null, 1)}\n`);
}
