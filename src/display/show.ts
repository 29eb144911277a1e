import { renderTableHtml } from "./html-table";
import { getKernelDisplay, type DisplaySink } from "./kernel-display";
import { tableOf, type TableData } from "./table-model";
import { renderTableText } from "./text-table";

/** Where text goes outside a notebook. */
export interface LineSink {
  log(text: string): void;
}

/** Options of {@link showTable}. */
export interface ShowTableOptions {
  /** A heading over the table (a table model's own title by default; none for records). */
  title?: string;
  /** A line under the table. */
  note?: string;
  /** Where HTML goes. @default the tslab kernel's display, when running in one */
  sink?: DisplaySink;
  /** Where text goes outside a notebook. @default console */
  out?: LineSink;
}

/**
 * Shows a table: HTML in a tslab notebook, a text table anywhere else. `data` is a table model, a list of records
 * (what `get_run_result()` and `get_table_content()` return; one column per key) or `{fields, values}`, e.g.
 * `showTable(distributions, { title: "Sex distribution" })`.
 */
export function showTable(data: TableData, options?: ShowTableOptions | DisplaySink, out?: LineSink): void {
  const o: ShowTableOptions = isSink(options) ? { sink: options } : { ...options };
  const model = tableOf(data, { title: o.title, note: o.note });
  const sink = o.sink ?? getKernelDisplay();
  if (sink) sink.html(renderTableHtml(model));
  else (out ?? o.out ?? console).log(renderTableText(model));
}

function isSink(value: unknown): value is DisplaySink {
  return typeof (value as DisplaySink | undefined)?.html === "function";
}

/** Shows an HTML fragment (a chart; SVG goes inside HTML, never through display.svg) or, outside a notebook, its text form. */
export function showHtml(html: string, fallbackText: string, sink: DisplaySink | undefined = getKernelDisplay(), out: LineSink = console): void {
  if (sink) sink.html(html);
  else out.log(fallbackText);
}
