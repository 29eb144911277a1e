import { showTable, type TableModel } from "../display/index";

/** Where resources send what they show: tables, progress lines, warnings. Injected so tests can record it. */
export interface Output {
  table(model: TableModel): void;
  print(line: string): void;
  warn(line: string): void;
}

/** Tables go to the notebook (HTML) or the terminal (text); lines to stdout and stderr. */
export const consoleOutput: Output = {
  table: (model) => showTable(model),
  print: (line) => console.log(line),
  warn: (line) => console.warn(line),
};
