import { table, type ColumnUserConfig } from "table";
import { formatCell } from "./format-cell";
import { isUidColumn } from "./html-table";
import type { TableModel } from "./table-model";

/** The table as terminal text: a centred title, a boxed table fitted to `width`, and the note. */
export function renderTableText(model: TableModel, options: { width?: number } = {}): string {
  // A terminal is fitted; piped output (a log, a file) is left at full width up to 200 columns.
  const width = options.width ?? (process.stdout.isTTY ? process.stdout.columns : 200);
  const cells = model.rows.map((row) => model.columns.map((_, i) => formatCell(row[i])));
  const natural = model.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => longestLine(r[i]!)), 1));
  const columns = fitColumns(model.columns, natural, width);
  const body = table([model.columns, ...cells], {
    columns: columns.map((w): ColumnUserConfig => ({ width: w, wrapWord: false })),
    drawHorizontalLine: (index, size) => index === 0 || index === 1 || index === size,
  });
  const empty = cells.length ? "" : "No records\n";
  const tableWidth = body.indexOf("\n");
  const heading = `--- ${model.title} ---`;
  const pad = Math.max(0, Math.floor((tableWidth - heading.length) / 2));
  return `${" ".repeat(pad)}${heading}\n${body}${empty}${model.note ? `${model.note}\n` : ""}`;
}

function longestLine(text: string): number {
  return Math.max(...text.split("\n").map((l) => l.length));
}

/**
 * Column widths that fit `width`: uid and time columns keep their full width; the widest of the others shrink (their
 * text wraps) until the table fits, down to a floor of 8 characters.
 */
function fitColumns(names: string[], natural: number[], width: number): number[] {
  const widths = [...natural];
  const frame = 1 + widths.length * 3; // borders and padding
  const shrinkable = names.map((n, i) => (keepWhole(n) ? -1 : i)).filter((i) => i >= 0);
  let excess = widths.reduce((a, b) => a + b, 0) + frame - width;
  while (excess > 0) {
    const widest = shrinkable.reduce((best, i) => (widths[i]! > widths[best ?? i]! ? i : (best ?? i)), shrinkable[0]);
    if (widest === undefined || widths[widest]! <= 8) break;
    const cut = Math.min(excess, widths[widest]! - 8, Math.max(1, Math.ceil(widths[widest]! / 4)));
    widths[widest]! -= cut;
    excess -= cut;
  }
  return widths;
}

/** Columns whose values are useless when broken: ids (to copy) and timestamps (to read). */
function keepWhole(column: string): boolean {
  return isUidColumn(column) || /^(created|ts|timestamp)$|_(at|timestamp)$/.test(column);
}
