import { renderTableHtml } from "./html-table";
import { getKernelDisplay, type DisplaySink } from "./kernel-display";
import type { TableModel } from "./table-model";
import { renderTableText } from "./text-table";

/** Where text goes outside a notebook. */
export interface LineSink {
  log(text: string): void;
}

/** Shows a table: HTML in a tslab notebook, a text table anywhere else. */
export function showTable(model: TableModel, sink: DisplaySink | undefined = getKernelDisplay(), out: LineSink = console): void {
  if (sink) sink.html(renderTableHtml(model));
  else out.log(renderTableText(model));
}

/** Shows an HTML fragment (a chart; SVG goes inside HTML, never through display.svg) or, outside a notebook, its text form. */
export function showHtml(html: string, fallbackText: string, sink: DisplaySink | undefined = getKernelDisplay(), out: LineSink = console): void {
  if (sink) sink.html(html);
  else out.log(fallbackText);
}
