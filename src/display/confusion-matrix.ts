import { escapeHtml } from "./escape-html";
import { formatCell } from "./format-cell";
import { CELL, HEAD, MONO, NOTE, TABLE, TITLE, WRAP } from "./html-table";
import type { TableModel } from "./table-model";
import { renderTableText } from "./text-table";

/** A classifier's confusion matrix, as a quality run stores it (`confusion_matrix_1`). */
export interface ConfusionMatrixInput {
  kind: "confusion_matrix";
  /** v1: `Confusion matrix for (measurement_id=…)`. */
  title: string;
  labels: string[];
  /** Counts, `values[actual][predicted]`. */
  values: number[][];
  recall_per_label?: number[];
  precision_per_label?: number[];
}

const CORNER = "actual \\ predicted";
/*
 * Counts are shaded by a translucent background, so the cell text keeps the notebook's colour: correct predictions
 * (the diagonal) in Tableau blue, errors in Tableau red. The largest count gets MAX_ALPHA, which keeps dark text on
 * a light theme and light text on a dark one readable.
 */
const CORRECT_RGB = "78, 121, 167";
const ERROR_RGB = "225, 87, 89";
const MAX_ALPHA = 0.55;
/** The least count above 0 still shows: a few errors must not look like none. */
const MIN_ALPHA = 0.06;
const LEGEND = "Rows: actual label; columns: predicted label. Blue: correct predictions, red: errors; the deeper, the larger the count.";

/**
 * The matrix as a table model with the v1 columns `actual \ predicted, <labels…>, recall, precision` (recall and
 * precision only when given): what the text form shows and what a notebook can take apart.
 */
export function confusionMatrixTable(input: ConfusionMatrixInput): TableModel {
  const labels = input.labels.map(String);
  const extras = extraColumns(input);
  const rows = labels.map((label, actual) => [
    label,
    ...labels.map((_, predicted) => countAt(input, actual, predicted)),
    ...extras.map((extra) => finiteOrNull(extra.values[actual])),
  ]);
  return { title: input.title, columns: [CORNER, ...labels, ...extras.map((e) => e.name)], rows };
}

/**
 * The matrix for a notebook: an HTML table (escaped, inline styles only) whose count cells are shaded by count / the
 * largest count, with a line saying how to read it.
 */
export function renderConfusionMatrixHtml(input: ConfusionMatrixInput): string {
  const labels = input.labels.map(String);
  const extras = extraColumns(input);
  const max = Math.max(0, ...labels.flatMap((_, a) => labels.map((_, p) => countAt(input, a, p) ?? 0)));
  const head = [CORNER, ...labels, ...extras.map((e) => e.name)].map((c) => `<th style="${HEAD}">${escapeHtml(c)}</th>`).join("");
  const number = `${CELL}; ${MONO}; text-align: right; white-space: nowrap`;
  const body = labels.map((label, actual) => {
    const counts = labels.map((predicted, p) => {
      const count = countAt(input, actual, p);
      const shade = count === null ? "" : `; background: ${cellShade(count, max, actual === p)}`;
      const weight = actual === p ? "; font-weight: 600" : "";
      const hover = `actual ${label}, predicted ${predicted}: ${formatCell(count)}`;
      return `<td style="${number}${shade}${weight}" title="${escapeHtml(hover)}">${escapeHtml(formatCell(count))}</td>`;
    });
    const rates = extras.map((e) => `<td style="${number}">${escapeHtml(formatCell(finiteOrNull(e.values[actual])))}</td>`);
    return `<tr><th style="${HEAD}; text-align: left">${escapeHtml(label)}</th>${[...counts, ...rates].join("")}</tr>`;
  });
  const empty = `<tr><td style="${CELL}; opacity: 0.6; font-style: italic" colspan="${1 + extras.length}">No labels</td></tr>`;
  return (
    `<div style="${WRAP}">\n<h3 style="${TITLE}">${escapeHtml(input.title)}</h3>\n` +
    `<table style="${TABLE}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.length ? body.join("\n") : empty}\n</tbody>\n</table>\n` +
    `<p style="${NOTE}">${escapeHtml(LEGEND)}</p>\n</div>`
  );
}

/** The matrix for a terminal: the same table through the text table renderer (at most `width` columns wide). */
export function renderConfusionMatrixText(input: ConfusionMatrixInput, options: { width?: number } = {}): string {
  return renderTableText(confusionMatrixTable(input), options);
}

/**
 * The background of a count cell: transparent for 0, else blue (diagonal) or red with an alpha growing linearly with
 * count / max, from {@link MIN_ALPHA} to {@link MAX_ALPHA} at the largest count.
 */
export function cellShade(count: number, max: number, diagonal: boolean): string {
  const share = max > 0 && count > 0 ? Math.min(count, max) / max : 0;
  const alpha = share === 0 ? 0 : Math.round((MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * share) * 1000) / 1000;
  if (alpha === 0) return "transparent";
  return `rgba(${diagonal ? CORRECT_RGB : ERROR_RGB}, ${alpha})`;
}

function extraColumns(input: ConfusionMatrixInput): { name: string; values: unknown[] }[] {
  return [
    ...(Array.isArray(input.recall_per_label) ? [{ name: "recall", values: input.recall_per_label }] : []),
    ...(Array.isArray(input.precision_per_label) ? [{ name: "precision", values: input.precision_per_label }] : []),
  ];
}

/** The count, or null when the matrix has no (finite) value there. */
function countAt(input: ConfusionMatrixInput, actual: number, predicted: number): number | null {
  const row = Array.isArray(input.values) ? input.values[actual] : undefined;
  return finiteOrNull(Array.isArray(row) ? row[predicted] : undefined);
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
