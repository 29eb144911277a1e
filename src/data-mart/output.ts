import { renderChartHtml, renderChartText, showHtml, showTable, type ChartModel, type TableModel } from "../display/index";

/** Where resources send what they show: tables, charts, progress lines, warnings. Injected so tests can record it. */
export interface Output {
  table(model: TableModel): void;
  /**
   * A chart (a bar chart, metrics over time or a confusion matrix): HTML with inline SVG (a shaded table for a
   * confusion matrix) in a notebook, text elsewhere.
   */
  chart(model: ChartModel): void;
  print(line: string): void;
  warn(line: string): void;
}

/** Tables and charts go to the notebook (HTML) or the terminal (text); lines to stdout and stderr. */
export const consoleOutput: Output = {
  table: (model) => showTable(model),
  chart: (model) => showHtml(renderChartHtml(model), renderChartText(model)),
  print: (line) => console.log(line),
  warn: (line) => console.warn(line),
};
