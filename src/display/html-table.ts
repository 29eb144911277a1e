import { escapeHtml } from "./escape-html";
import { formatCell, isNumeric, keepOnOneLine } from "./format-cell";
import type { TableModel } from "./table-model";

/*
 * Inline styles only (no classes, scripts or external resources), so the table looks the same in JupyterLab,
 * VS Code and an exported HTML file. Colours are inherited and greys are translucent: readable on light and dark themes.
 */
export const WRAP = "margin: 0.5em 0; overflow-x: auto; color: inherit";
export const TITLE = "margin: 0 0 0.35em 0; font-size: 1.05em; font-weight: 600";
export const TABLE = "border-collapse: collapse; font-size: 12px; color: inherit; background: transparent";
export const CELL = "border: 1px solid rgba(127, 127, 127, 0.35); padding: 3px 8px; text-align: left; vertical-align: top";
export const HEAD = `${CELL}; background: rgba(127, 127, 127, 0.12); font-weight: 600; white-space: nowrap`;
export const MONO = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
export const NOTE = "margin: 0.35em 0 0 0; font-size: 0.9em; opacity: 0.75";
const EMPTY = `${CELL}; opacity: 0.6; font-style: italic`;

/** The table as a self-contained, fully escaped HTML fragment. */
export function renderTableHtml(model: TableModel): string {
  const head = model.columns.map((c) => `<th style="${HEAD}">${escapeHtml(c)}</th>`).join("");
  const body = model.rows.length
    ? model.rows
        .map((row) => {
          const cells = model.columns.map((column, i) => {
            const value = row[i];
            const style = `${CELL}; ${MONO}${isNumeric(value) ? "; text-align: right" : ""}${keepOnOneLine(column, value) ? "; white-space: nowrap" : ""}`;
            return `<td style="${style}">${escapeHtml(formatCell(value))}</td>`;
          });
          return `<tr>${cells.join("")}</tr>`;
        })
        .join("\n")
    : `<tr><td style="${EMPTY}" colspan="${Math.max(1, model.columns.length)}">No records</td></tr>`;
  const note = model.note ? `\n<p style="${NOTE}">${escapeHtml(model.note)}</p>` : "";
  const title = model.title ? `<h3 style="${TITLE}">${escapeHtml(model.title)}</h3>\n` : "";
  return (
    `<div style="${WRAP}">\n${title}` +
    `<table style="${TABLE}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${note}\n</div>`
  );
}
