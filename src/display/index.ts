export { buildTable, tableOf, type BuildTableInput, type TableData, type TableModel } from "./table-model";
export { formatCell, isUidColumn, keepOnOneLine } from "./format-cell";
export { escapeHtml } from "./escape-html";
export { renderTableHtml } from "./html-table";
export { renderTableText, terminalWidth } from "./text-table";
export { getKernelDisplay, type DisplaySink } from "./kernel-display";
export { showTable, showHtml, type LineSink, type ShowTableOptions } from "./show";
export { SynchronousRunPrinter, h1Block, h2Block } from "./synchronous-run";
export { renderBarChartSvg, renderBarChartHtml, renderBarChartText, type BarChartInput } from "./bar-chart";
export { renderTimeSeriesChartSvg, renderTimeSeriesChartHtml } from "./time-series-chart";
export { renderTimeSeriesChartText } from "./time-series-text";
export type { TimeSeriesChartInput, TimeSeries, TimeSeriesPoint } from "./time-series-model";
export {
  renderConfusionMatrixHtml,
  renderConfusionMatrixText,
  confusionMatrixTable,
  cellShade,
  type ConfusionMatrixInput,
} from "./confusion-matrix";
export { renderChartHtml, renderChartText, type ChartModel } from "./chart";
export { renderHistogramTableHtml, renderHistogramTableText, renderPairedHistogramSvg, type HistogramTableInput, type PairedHistogram } from "./histogram-table";
