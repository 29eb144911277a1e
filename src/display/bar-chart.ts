import { AXIS, CHAR_WIDTH, GRID, PALETTE, TEXT_COLOUR, chartHtml, charCount, clamp, formatTick, formatValue, niceAxis, px, svgDocument, truncate as truncateTo, type Axis } from "./chart-kit";
import { escapeHtml } from "./escape-html";

/** A grouped measure to chart: what `SELECT g1[, g2], measure ... GROUP BY` returns. */
export interface BarChartInput {
  title: string;
  /**
   * Group columns: 1 or 2 names. One column => horizontal bar chart (one bar per category). Two columns => stacked
   * bar chart: one bar per value of the first column, stacked by the values of the second, with a colour legend.
   */
  group: string[];
  /** Name of the numeric measure column (e.g. "count" or "Age:avg"). */
  measure: string;
  /**
   * Rows: group values then the measure, e.g. [["No Risk","female",48],["No Risk","male",36],["Risk","female",12]].
   * Group values may be string, number, boolean or null (show null as "null").
   */
  rows: unknown[][];
}

const WIDTH = 640;
const PAD = 12;
const BAR_HEIGHT = 20;
const ROW_HEIGHT = 28;
const LEGEND_ROW = 18;
const SWATCH = 12;
const AXIS_HEIGHT = 44; // tick labels and the measure caption under the bars
const MAX_LABEL_CHARS = 24;
const TEXT_BAR_CHARS = 40;
/** Larger magnitudes are clamped so that sums and the axis stay finite. */
const MAX_MAGNITUDE = 1e300;
/** Room a value label needs inside a segment, beyond its text. */
const SEGMENT_LABEL_PADDING = 6;

interface Segment {
  /** Second group value ("" for a one-group chart). */
  key: string;
  value: number;
  /** Index of the key in the legend, which picks the colour. */
  keyIndex: number;
}

interface Bar {
  label: string;
  segments: Segment[];
  /** Sum of the positive segments: where the bar ends on the right. */
  positive: number;
  /** Sum of the negative segments: where the bar ends on the left. */
  negative: number;
  total: number;
}

interface BarModel {
  bars: Bar[];
  /** Legend entries (second group values, first-seen order); empty for a one-group chart. */
  keys: string[];
  stacked: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * The chart as a self-contained SVG string: no scripts, event handlers or external references, every user string
 * escaped. 640 pixels wide; the height grows with the number of bars (and legend rows for a stacked chart).
 * Rows repeating a category (or category pair) are summed.
 */
export function renderBarChartSvg(input: BarChartInput): string {
  const model = buildModel(input);
  if (model.bars.length === 0) return renderEmptySvg(input.title);
  const axis = niceAxis(-maxOf(model.bars.map((b) => -b.negative)), maxOf(model.bars.map((b) => b.positive)));
  const valueWidth = maxOf(model.bars.map((b) => formatValue(b.total).length)) * CHAR_WIDTH + 8;
  const labelWidth = clamp(maxOf(model.bars.map((b) => charCount(truncate(b.label)))) * CHAR_WIDTH + 8, 40, 170);
  const legend = layoutLegend(model.keys);
  const frame: Frame = {
    labelRight: PAD + labelWidth,
    plotLeft: PAD + labelWidth + 6 + (axis.min < 0 ? valueWidth : 0),
    plotRight: WIDTH - PAD - valueWidth,
    barsTop: PAD + legend.height,
    axis,
  };
  const axisY = frame.barsTop + model.bars.length * ROW_HEIGHT;
  const height = axisY + AXIS_HEIGHT;
  return svgDocument(input.title, WIDTH, height, [
    ...legend.parts,
    renderGrid(frame, axisY, input.measure),
    ...model.bars.map((bar, i) => renderBar(bar, i, frame, model.stacked)),
  ]);
}

/** The chart for a notebook (`display.html`): a `<div>` with the escaped title as `<h3>` and the SVG. */
export function renderBarChartHtml(input: BarChartInput): string {
  return chartHtml(input.title, renderBarChartSvg(input));
}

/**
 * The chart for a terminal: the title, then one line per bar (per category pair `first / second` for two groups),
 * `label | ████ 48`, the longest bar 40 characters. Negative values are drawn with `░`.
 */
export function renderBarChartText(input: BarChartInput): string {
  const model = buildModel(input);
  const entries = model.bars.flatMap((bar) =>
    bar.segments.map((s) => ({ label: model.stacked ? `${bar.label} / ${s.key}` : bar.label, value: s.value })),
  );
  if (entries.length === 0) return `${input.title}\nNo data`;
  const labelWidth = maxOf(entries.map((e) => charCount(e.label)));
  const largest = maxOf(entries.map((e) => Math.abs(e.value)));
  const lines = entries.map((e) => {
    const bar = textBar(e.value, largest);
    const label = e.label + " ".repeat(labelWidth - charCount(e.label));
    return `${label} | ${[bar, formatValue(e.value)].filter((part) => part !== "").join(" ")}`;
  });
  return [input.title, ...lines].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Model

function buildModel(input: BarChartInput): BarModel {
  const depth = input.group.length;
  if (depth !== 1 && depth !== 2) throw new RangeError(`A bar chart needs 1 or 2 group columns, got ${depth}`);
  const stacked = depth === 2;
  const keys = new Map<string, number>();
  const sums = new Map<string, Map<string, number>>();
  for (const raw of input.rows) {
    const row = Array.isArray(raw) ? raw : [];
    const label = groupLabel(row[0]);
    const key = stacked ? groupLabel(row[1]) : "";
    if (stacked && !keys.has(key)) keys.set(key, keys.size);
    const stack = sums.get(label) ?? new Map<string, number>();
    sums.set(label, stack);
    stack.set(key, (stack.get(key) ?? 0) + measureValue(row[depth]));
  }
  const bars = [...sums].map(([label, stack]) => makeBar(label, stack, keys));
  return { bars, keys: [...keys.keys()], stacked };
}

/** One bar, its segments in legend order so every bar stacks the same way. */
function makeBar(label: string, stack: Map<string, number>, keys: Map<string, number>): Bar {
  const segments = [...stack]
    .map(([key, value]) => ({ key, value, keyIndex: keys.get(key) ?? 0 }))
    .sort((a, b) => a.keyIndex - b.keyIndex);
  const positive = sum(segments.map((s) => Math.max(0, s.value)));
  const negative = sum(segments.map((s) => Math.min(0, s.value)));
  return { label, segments, positive, negative, total: positive + negative };
}

/** A group value as a label: `null` for null/undefined, JSON for objects. */
function groupLabel(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The measure as a finite number: numeric strings (Postgres bigint counts) are parsed, anything else is 0. */
function measureValue(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "bigint" || (typeof value === "string" && value.trim() !== "") ? Number(value) : NaN;
  return Number.isFinite(n) ? clamp(n, -MAX_MAGNITUDE, MAX_MAGNITUDE) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// SVG

interface Frame {
  /** Right edge of the category labels. */
  labelRight: number;
  plotLeft: number;
  plotRight: number;
  barsTop: number;
  axis: Axis;
}

function scaleX(frame: Frame, value: number): number {
  const { min, max } = frame.axis;
  return frame.plotLeft + ((value - min) / (max - min)) * (frame.plotRight - frame.plotLeft);
}

function renderEmptySvg(title: string): string {
  const height = 80;
  return svgDocument(title, WIDTH, height, [
    `<text x="${WIDTH / 2}" y="${height / 2}" dy="0.35em" text-anchor="middle" fill="${TEXT_COLOUR}" font-style="italic">No data</text>`,
  ]);
}

/** Vertical grid lines with their tick labels, the zero line, the axis line and the measure caption. */
function renderGrid(frame: Frame, axisY: number, measure: string): string {
  const top = frame.barsTop - 4;
  const parts = frame.axis.ticks.map((tick) => {
    const x = px(scaleX(frame, tick));
    return (
      `<line x1="${x}" y1="${px(top)}" x2="${x}" y2="${px(axisY + 4)}" ${tick === 0 ? AXIS : GRID} stroke-width="1"/>` +
      `<text class="tick" x="${x}" y="${px(axisY + 16)}" text-anchor="middle" fill="${TEXT_COLOUR}">${escapeHtml(formatTick(tick))}</text>`
    );
  });
  const axisLine = `<line x1="${px(frame.plotLeft)}" y1="${px(axisY)}" x2="${px(frame.plotRight)}" y2="${px(axisY)}" ${AXIS} stroke-width="1"/>`;
  const caption =
    `<text class="measure" x="${px((frame.plotLeft + frame.plotRight) / 2)}" y="${px(axisY + 34)}" text-anchor="middle" ` +
    `fill="${TEXT_COLOUR}">${escapeHtml(truncate(measure, 60))}</text>`;
  return `<g class="axis">\n${[...parts, axisLine, caption].join("\n")}\n</g>`;
}

/** One bar: its category label, its rect (or stacked segments) and the total at its end. */
function renderBar(bar: Bar, index: number, frame: Frame, stacked: boolean): string {
  const y = frame.barsTop + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  const middle = px(y + BAR_HEIGHT / 2);
  const label = truncate(bar.label);
  const labelHover = label === bar.label ? "" : `<title>${escapeHtml(bar.label)}</title>`;
  const labelText =
    `<text class="label" x="${px(frame.labelRight)}" y="${middle}" dy="0.35em" text-anchor="end" fill="${TEXT_COLOUR}">` +
    `${escapeHtml(label)}${labelHover}</text>`;
  const rects = segmentRects(bar, y, frame, stacked);
  const leftwards = bar.total < 0;
  const valueX = leftwards ? scaleX(frame, bar.negative) - 4 : scaleX(frame, bar.positive) + 4;
  const value =
    `<text class="${stacked ? "total" : "value"}" x="${px(valueX)}" y="${middle}" dy="0.35em" ` +
    `text-anchor="${leftwards ? "end" : "start"}" fill="${TEXT_COLOUR}">${escapeHtml(formatValue(bar.total))}</text>`;
  const open = stacked ? `<g class="stack" data-label="${escapeHtml(bar.label)}">` : `<g class="row">`;
  return `${open}\n${[labelText, ...rects, value].join("\n")}\n</g>`;
}

/**
 * Positive segments stack rightwards from zero, negative ones leftwards; each has its full label and value on hover,
 * and a stacked segment wide enough for it shows its value inside (a static export keeps no hover).
 */
function segmentRects(bar: Bar, y: number, frame: Frame, stacked: boolean): string[] {
  let right = 0;
  let left = 0;
  return bar.segments.flatMap((segment) => {
    const from = segment.value >= 0 ? right : left + segment.value;
    const to = segment.value >= 0 ? right + segment.value : left;
    if (segment.value >= 0) right = to;
    else left = from;
    const x = scaleX(frame, from);
    const width = Math.max(0, scaleX(frame, to) - x);
    const name = stacked ? `${bar.label} / ${segment.key}` : bar.label;
    const colour = PALETTE[segment.keyIndex % PALETTE.length]!;
    const value = formatValue(segment.value);
    const rect =
      `<rect class="${stacked ? "segment" : "bar"}" x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${BAR_HEIGHT}" ` +
      `fill="${colour}" data-value="${escapeHtml(value)}">` +
      `<title>${escapeHtml(`${name}: ${value}`)}</title></rect>`;
    if (!stacked || width < charCount(value) * CHAR_WIDTH + SEGMENT_LABEL_PADDING) return [rect];
    const label =
      `<text class="segment-value" x="${px(x + width / 2)}" y="${px(y + BAR_HEIGHT / 2)}" dy="0.35em" text-anchor="middle" ` +
      `fill="${contrastingText(colour)}" pointer-events="none">${escapeHtml(value)}</text>`;
    return [rect, label];
  });
}

/** Near-black or white, whichever reads better on `background` (#rrggbb), by its WCAG relative luminance. */
function contrastingText(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(background.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // Contrast ratios against #1a1a1a (luminance about 0.01) and white (1.0): the larger wins.
  return (luminance + 0.05) / 0.06 >= 1.05 / (luminance + 0.05) ? "#1a1a1a" : "#ffffff";
}

/** Legend items (swatch and key) flowed left to right, wrapping at the chart width. */
function layoutLegend(keys: string[]): { parts: string[]; height: number } {
  if (keys.length === 0) return { parts: [], height: 0 };
  const items: string[] = [];
  let x = PAD;
  let row = 0;
  keys.forEach((key, i) => {
    const label = truncate(key);
    const width = SWATCH + 4 + charCount(label) * CHAR_WIDTH + 16;
    if (x > PAD && x + width > WIDTH - PAD) {
      x = PAD;
      row++;
    }
    const y = PAD + row * LEGEND_ROW;
    const hover = label === key ? "" : `<title>${escapeHtml(key)}</title>`;
    items.push(
      `<g class="legend-item">` +
        `<rect x="${px(x)}" y="${px(y)}" width="${SWATCH}" height="${SWATCH}" fill="${PALETTE[i % PALETTE.length]!}"/>` +
        `<text x="${px(x + SWATCH + 4)}" y="${px(y + SWATCH / 2)}" dy="0.35em" fill="${TEXT_COLOUR}">${escapeHtml(label)}${hover}</text>` +
        `</g>`,
    );
    x += width;
  });
  return { parts: [`<g class="legend">\n${items.join("\n")}\n</g>`], height: (row + 1) * LEGEND_ROW + 8 };
}

// ---------------------------------------------------------------------------------------------------------------
// Text and numbers

function textBar(value: number, largest: number): string {
  if (largest === 0 || value === 0) return "";
  const length = Math.max(1, Math.round((Math.abs(value) / largest) * TEXT_BAR_CHARS));
  return (value < 0 ? "░" : "█").repeat(length);
}

/** At most 24 characters (or `max`), the last one "…" when cut. */
function truncate(text: string, max = MAX_LABEL_CHARS): string {
  return truncateTo(text, max);
}

/** The largest value, at least 0 (no spread: safe for any number of bars). */
function maxOf(values: number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
