import { escapeHtml } from "./escape-html";
import { TITLE, WRAP } from "./html-table";
import { textWidth } from "./wrap-text";

/*
 * What the SVG charts share. Tableau 10: ten colours that stay distinguishable for the common colour-vision
 * deficiencies, and read on light and dark backgrounds alike. Charts have no background of their own: text and lines
 * are `currentColor` (the notebook's text colour, inherited as the HTML tables do), grid lines a translucent version.
 */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
export const TEXT_COLOUR = "currentColor";
export const GRID = `stroke="currentColor" stroke-opacity="0.15"`;
export const AXIS = `stroke="currentColor" stroke-opacity="0.6"`;
/** Average advance of a 12px sans-serif glyph. */
export const CHAR_WIDTH = 6.6;

/** Round ticks from `min` to `max`. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * Round tick values covering [lo, hi] in at most `intervals` intervals, the step being 1, 2, 2.5 or 5 times a power
 * of ten.
 */
export function niceAxis(lo: number, hi: number, intervals = 4): Axis {
  if (lo === hi) hi = lo + 1;
  const span = hi - lo;
  let exponent = Math.floor(Math.log10(span / intervals)) - 1;
  for (let attempt = 0; attempt < 8; attempt++, exponent++) {
    for (const multiple of [1, 2, 2.5, 5]) {
      const step = multiple * 10 ** exponent;
      const first = Math.floor(lo / step + 1e-9);
      const last = Math.ceil(hi / step - 1e-9);
      if (last - first <= intervals) return axisFromSteps(first, last, step);
    }
  }
  return { min: lo, max: hi, ticks: [lo, hi] };
}

function axisFromSteps(first: number, last: number, step: number): Axis {
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}

/** An SVG chart: no scripts, event handlers or external references; `title` escaped. */
export function svgDocument(title: string, width: number, height: number, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${px(height)}" viewBox="0 0 ${width} ${px(height)}" ` +
    `role="img" font-family="sans-serif" font-size="12" style="display: block; max-width: 100%; height: auto">\n` +
    `<title>${escapeHtml(title)}</title>\n` +
    `${parts.join("\n")}\n</svg>`
  );
}

/** A chart for a notebook (`display.html`): a `<div>` with the escaped title as `<h3>` and the SVG, as tables have. */
export function chartHtml(title: string, svg: string): string {
  return `<div style="${WRAP}">\n<h3 style="${TITLE}">${escapeHtml(title)}</h3>\n${svg}\n</div>`;
}

/** Integers as they are, other values with 2 decimals (3 significant digits below 1). */
export function formatValue(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3)));
}

export function formatTick(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** At most `max` characters (code points), the last one "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** At most `width` terminal columns (wide characters count 2), the last one "…" when cut. */
export function fitWidth(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 0) return "";
  const chars = Array.from(text);
  while (chars.length > 0 && textWidth(chars.join("") + "…") > width) chars.pop();
  return `${chars.join("")}…`;
}

export function charCount(text: string): number {
  return Array.from(text).length;
}

/** Coordinates rounded to 2 decimals: short, stable markup. */
export function px(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
