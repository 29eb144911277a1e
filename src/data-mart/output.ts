import { renderBarChartHtml, renderBarChartText, showHtml, showTable, type BarChartInput, type TableModel } from "../display/index";

/** Where resources send what they show: tables, progress lines, warnings. Injected so tests can record it. */
export interface Output {
  table(model: TableModel): void;
  /** A bar chart: inline SVG inside HTML in a notebook, a text chart elsewhere. */
  chart(model: BarChartInput): void;
  print(line: string): void;
  warn(line: string): void;
}

/** Tables go to the notebook (HTML) or the terminal (text); lines to stdout and stderr. */
export const consoleOutput: Output = {
  table: (model) => showTable(model),
  chart: (model) => showHtml(renderBarChartHtml(model), renderBarChartText(model)),
  print: (line) => console.log(line),
  warn: (line) => console.warn(line),
};
