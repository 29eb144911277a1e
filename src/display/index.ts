export { buildTable, type BuildTableInput, type TableModel } from "./table-model";
export { formatCell } from "./format-cell";
export { escapeHtml } from "./escape-html";
export { renderTableHtml, isUidColumn } from "./html-table";
export { renderTableText } from "./text-table";
export { getKernelDisplay, type DisplaySink } from "./kernel-display";
export { showTable, showHtml, type LineSink } from "./show";
export { SynchronousRunPrinter, h1Block, h2Block } from "./synchronous-run";
export { renderBarChartSvg, renderBarChartHtml, renderBarChartText, type BarChartInput } from "./bar-chart";
