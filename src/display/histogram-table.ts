import { escapeHtml } from "./escape-html";
import { formatCell, isNumeric } from "./format-cell";
import { CELL, HEAD, MONO, NOTE, TABLE, TITLE, WRAP } from "./html-table";
import { PALETTE } from "./chart-kit";
import { renderTableText } from "./text-table";

/** Two distributions over the same bins: shares (0..1) of the reference (training) and current (payload) rows. */
export interface PairedHistogram {
  labels: string[];
  reference: number[];
  current: number[];
}

/** A table whose rows each end with a small paired histogram (feature drift: training vs payload per feature). */
export interface HistogramTableInput {
  kind: "histogram_table";
  title: string;
  columns: string[];
  rows: { cells: unknown[]; histogram: PairedHistogram }[];
  /** What the two colours are, e.g. ["training", "payload"]. */
  series: [string, string];
  note?: string;
}

const WIDTH = 150;
const HEIGHT = 36;
const REFERENCE = PALETTE[0]!;
const CURRENT = PALETTE[1]!;
const BLOCKS = "▁▂▃▄▅▆▇█";

/** The mini histogram: for each bin a reference bar and a current bar side by side, scaled to the largest share. */
export function renderPairedHistogramSvg(h: PairedHistogram, series: [string, string]): string {
  const n = Math.max(1, h.labels.length);
  const max = Math.max(1e-12, ...h.reference, ...h.current);
  const slot = WIDTH / n;
  const bar = Math.max(1, slot / 2 - 0.5);
  const bars = h.labels.map((label, i) => {
    const parts = [[h.reference[i] ?? 0, REFERENCE, series[0], 0], [h.current[i] ?? 0, CURRENT, series[1], bar]] as const;
    return parts
      .map(([share, colour, name, dx]) => {
        const height = (share / max) * (HEIGHT - 2);
        const tip = `${label}: ${name} ${(share * 100).toFixed(1)} %`;
        return `<rect x="${(i * slot + dx).toFixed(2)}" y="${(HEIGHT - height).toFixed(2)}" width="${bar.toFixed(2)}" height="${height.toFixed(2)}" fill="${colour}"><title>${escapeHtml(tip)}</title></rect>`;
      })
      .join("");
  });
  const axis = `<line x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}" stroke="currentColor" stroke-opacity="0.4"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(`${series[0]} and ${series[1]} histograms`)}">${bars.join("")}${axis}</svg>`;
}

export function renderHistogramTableHtml(input: HistogramTableInput): string {
  const head = [...input.columns, `${input.series[0]} vs ${input.series[1]}`].map((c) => `<th style="${HEAD}">${escapeHtml(c)}</th>`).join("");
  const body = input.rows
    .map((row) => {
      const cells = input.columns.map((_, i) => {
        const value = row.cells[i];
        return `<td style="${CELL}; ${MONO}${isNumeric(value) ? "; text-align: right" : ""}; white-space: nowrap">${escapeHtml(formatCell(value))}</td>`;
      });
      return `<tr>${cells.join("")}<td style="${CELL}; padding: 2px 6px">${renderPairedHistogramSvg(row.histogram, input.series)}</td></tr>`;
    })
    .join("\n");
  const swatch = (colour: string, name: string) => `<span style="display: inline-block; width: 10px; height: 10px; background: ${colour}; margin: 0 4px 0 10px"></span>${escapeHtml(name)}`;
  const legend = `<p style="${NOTE}">${swatch(REFERENCE, input.series[0])}${swatch(CURRENT, input.series[1])}${input.note ? ` · ${escapeHtml(input.note)}` : ""}</p>`;
  return `<div style="${WRAP}">\n<h3 style="${TITLE}">${escapeHtml(input.title)}</h3>\n<table style="${TABLE}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n${legend}\n</div>`;
}

/** A share series as block characters, scaled to `max`. */
function sparkline(shares: readonly number[], max: number): string {
  return shares.map((s) => (s <= 0 ? " " : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((s / max) * (BLOCKS.length - 1e-9)))]!)).join("");
}

export function renderHistogramTableText(input: HistogramTableInput): string {
  const rows = input.rows.map((row) => {
    const max = Math.max(1e-12, ...row.histogram.reference, ...row.histogram.current);
    return [...row.cells, `${sparkline(row.histogram.reference, max)} | ${sparkline(row.histogram.current, max)}`];
  });
  return renderTableText({ title: input.title, columns: [...input.columns, `${input.series[0]} | ${input.series[1]}`], rows, ...(input.note ? { note: input.note } : {}) });
}
